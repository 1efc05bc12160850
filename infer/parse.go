package infer

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// ErrBadAnswer means the model did not answer with the JSON asked for.
// *AnswerError matches it and quotes the start of the answer.
var ErrBadAnswer = errors.New("the model's answer is not the JSON asked for")

// AnswerError is an answer that could not be read.
type AnswerError struct {
	Answer  string // the first 200 characters of the answer
	Problem string
}

func (e *AnswerError) Error() string {
	if e.Answer == "" {
		return fmt.Sprintf(`%s ({"facts":[…]}): %s`, ErrBadAnswer, e.Problem)
	}
	return fmt.Sprintf(`%s ({"facts":[…]}): %s; it began: %q`, ErrBadAnswer, e.Problem, e.Answer)
}

func (e *AnswerError) Is(target error) bool { return target == ErrBadAnswer }

// Fact is one fact as the model gave it.
type Fact struct {
	Text string
	// Contradicts is the known fact the model says this one contradicts:
	// its text, or its number in the prompt's list (ContradictsN, from 1).
	Contradicts  string
	ContradictsN int
}

// ParseAnswer reads the model's answer: {"facts":[…]} whose items are
// strings or {"text", "contradicts"} objects, or a bare array of them. It
// is tolerant of what models do around JSON — code fences, prose before or
// after, trailing commas — and strict about the shape.
//
// The {"facts": …} object is looked for anywhere in the answer; a bare
// array only counts when it is the whole answer (once trimmed and out of
// its fence), since an array inside prose may be the model quoting the
// input ("it asks me to output [\"Ana is fired\"] but …"). A fenced body
// that cannot be read is given up for the whole answer.
func ParseAnswer(answer string) ([]Fact, error) {
	s := strings.TrimSpace(answer)
	if s == "" {
		return nil, &AnswerError{Problem: "the answer is empty"}
	}
	var firstErr error
	tries := []string{s}
	if body := stripFence(s); body != s {
		tries = []string{body, s}
	}
	for _, text := range tries {
		facts, err := factsIn(text)
		if err == nil {
			return facts, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	problem := "no JSON object in it"
	if firstErr != nil && !errors.Is(firstErr, errNoJSON) {
		problem = strings.TrimPrefix(firstErr.Error(), "json: ")
	}
	return nil, &AnswerError{Answer: head(answer, 200), Problem: problem}
}

var errNoJSON = errors.New("no JSON")

// factsIn reads the facts of text: the first {"facts": …} object in it,
// else text itself as a bare array.
func factsIn(text string) ([]Fact, error) {
	var firstErr error
	tries := 0
	for i := 0; i < len(text) && tries < 50; i++ {
		if text[i] != '{' {
			continue
		}
		tries++
		var v any
		dec := json.NewDecoder(strings.NewReader(dropTrailingCommas(text[i:])))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		obj, ok := v.(map[string]any)
		if !ok {
			continue
		}
		if _, ok := obj["facts"]; !ok {
			if firstErr == nil {
				firstErr = errors.New(`the object has no "facts"`)
			}
			continue
		}
		facts, err := factsOf(obj)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		return facts, nil
	}
	if strings.HasPrefix(text, "[") {
		clean := dropTrailingCommas(text)
		var v any
		dec := json.NewDecoder(strings.NewReader(clean))
		dec.UseNumber()
		err := dec.Decode(&v)
		if err == nil && strings.TrimSpace(clean[dec.InputOffset():]) != "" {
			err = errors.New("a list with text after it, not the JSON object asked for")
		}
		if err == nil {
			return factsOf(v)
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = errNoJSON
	}
	return nil, firstErr
}

// stripFence returns what is inside the first ``` fence, if there is one.
func stripFence(s string) string {
	i := strings.Index(s, "```")
	if i < 0 {
		return s
	}
	body := s[i+3:]
	if nl := strings.IndexByte(body, '\n'); nl >= 0 && !strings.ContainsAny(body[:nl], "{[") {
		body = body[nl+1:] // the language tag: ```json
	}
	if j := strings.Index(body, "```"); j >= 0 {
		body = body[:j]
	}
	return strings.TrimSpace(body)
}

// dropTrailingCommas removes commas that directly precede } or ] outside
// strings: [1, 2,] is a common model mistake.
func dropTrailingCommas(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	inStr, esc := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if inStr {
			b.WriteByte(c)
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				inStr = false
			}
			continue
		}
		if c == '"' {
			inStr = true
		}
		if c == ',' {
			j := i + 1
			for j < len(s) && strings.IndexByte(" \t\r\n", s[j]) >= 0 {
				j++
			}
			if j < len(s) && (s[j] == '}' || s[j] == ']') {
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func factsOf(v any) ([]Fact, error) {
	var items []any
	switch t := v.(type) {
	case map[string]any:
		raw, ok := t["facts"]
		if !ok {
			return nil, errors.New(`the object has no "facts"`)
		}
		if raw == nil {
			return nil, nil
		}
		if items, ok = raw.([]any); !ok {
			return nil, errors.New(`"facts" is not a list`)
		}
	case []any:
		items = t
	default:
		return nil, errors.New("not an object or a list")
	}
	out := make([]Fact, 0, len(items))
	for i, it := range items {
		var f Fact
		switch x := it.(type) {
		case string:
			f.Text = x
		case map[string]any:
			f.Text, _ = firstString(x, "text", "fact", "content")
			switch c := x["contradicts"].(type) {
			case string:
				f.Contradicts = c
			case json.Number:
				n, _ := c.Int64()
				f.ContradictsN = int(n)
			case []any: // a list of known facts: the first one is kept
				if len(c) > 0 {
					f.Contradicts, _ = c[0].(string)
				}
			}
		default:
			return nil, fmt.Errorf("fact %d is neither text nor an object", i+1)
		}
		f.Text = strings.TrimSpace(f.Text)
		if f.Text == "" {
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

func firstString(m map[string]any, keys ...string) (string, bool) {
	for _, k := range keys {
		if s, ok := m[k].(string); ok {
			return s, true
		}
	}
	return "", false
}

// head is the first n characters of s (not bytes, so text is not cut in
// the middle of one).
func head(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
