package infer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mem0dev/mem0/ai"
)

// ErrBadChat is returned for input that looks like a JSON array of chat
// messages but is not one; the message says where it goes wrong.
var ErrBadChat = errors.New("the input looks like a JSON array of chat messages but cannot be read")

// Roles a chat message may have: developer (OpenAI's newer name for
// system) is read as system; tool and function messages (results of tool
// calls, not anything the user said) are skipped.
var (
	chatRoles    = []string{"user", "assistant", "system"}
	chatAliases  = map[string]string{"developer": "system"}
	chatSkipped  = []string{"tool", "function"}
	chatRoleList = "user, assistant, system or developer (tool and function messages are skipped)"
)

// ParseChat tells whether text is a JSON array of chat messages
// ([{"role":"user","content":"…"}, …]) and returns them. Only an array
// whose every item is an object with a string "role" and a "content"
// (text, a list of parts, or null) is a chat; anything else, other JSON
// included, is plain text (ok false, no error). Two things are errors,
// since storing them as a note would surprise the user more: text that
// starts like such an array — "[" then "{" — and mentions "role" but is
// not valid JSON (the error names the offset), and a chat with a role
// mem0 does not know or without any text.
//
// content may be a string or, as OpenAI's API allows, an array of parts of
// which the {"type":"text","text":"…"} ones are kept.
func ParseChat(text string) (msgs []ai.Message, ok bool, err error) {
	trimmed := strings.TrimSpace(text)
	if !strings.HasPrefix(trimmed, "[") {
		return nil, false, nil
	}
	lead := len(text) - len(strings.TrimLeft(text, " \t\r\n"))
	dec := json.NewDecoder(strings.NewReader(trimmed))
	var items []json.RawMessage
	if err := dec.Decode(&items); err != nil {
		if !looksLikeChat(trimmed) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("%w: %s", ErrBadChat, jsonProblem(text, trimmed, err, lead))
	}
	if rest := bytes.TrimSpace([]byte(trimmed[dec.InputOffset():])); len(rest) > 0 {
		if !looksLikeChat(trimmed) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("%w: unexpected text after the array at offset %d", ErrBadChat, lead+int(dec.InputOffset()))
	}
	all := make([]chatItem, 0, len(items))
	for _, raw := range items {
		m, ok := chatMessage(raw)
		if !ok {
			return nil, false, nil // not a chat: plain text
		}
		all = append(all, m)
	}
	if len(all) == 0 {
		return nil, false, nil
	}
	for i, m := range all {
		role := strings.ToLower(strings.TrimSpace(m.role))
		if r, ok := chatAliases[role]; ok {
			role = r
		}
		if contains(chatSkipped, role) {
			continue
		}
		if !contains(chatRoles, role) {
			return nil, false, fmt.Errorf("%w: message %d has role %q: use %s", ErrBadChat, i+1, m.role, chatRoleList)
		}
		body, err := contentText(m.content)
		if err != nil {
			return nil, false, fmt.Errorf("%w: message %d: %v", ErrBadChat, i+1, err)
		}
		if strings.TrimSpace(body) == "" {
			continue // an empty turn (e.g. a tool call's) says nothing
		}
		msgs = append(msgs, ai.Message{Role: role, Content: body})
	}
	if len(msgs) == 0 {
		return nil, false, fmt.Errorf("%w: every message is empty, or from a tool", ErrBadChat)
	}
	return msgs, true, nil
}

// chatMessage reads one item of an array as a chat message: an object
// with a string "role" and a "content" that is text, a list of parts
// (objects) or null.
func chatMessage(raw json.RawMessage) (m chatItem, ok bool) {
	var obj map[string]json.RawMessage
	if json.Unmarshal(raw, &obj) != nil || obj == nil {
		return m, false
	}
	if json.Unmarshal(obj["role"], &m.role) != nil {
		return m, false // missing, or not a string
	}
	c, has := obj["content"]
	if !has {
		return m, false
	}
	var s string
	var parts []map[string]any
	switch {
	case string(c) == "null":
	case json.Unmarshal(c, &s) == nil:
	case json.Unmarshal(c, &parts) == nil:
	default:
		return m, false
	}
	m.content = c
	return m, true
}

type chatItem struct {
	role    string
	content json.RawMessage
}

// looksLikeChat: "[" then "{", and a "role" key somewhere. Plain text that
// starts with a bracket ("[wip] fix the build") is not taken for JSON.
func looksLikeChat(s string) bool {
	if !strings.HasPrefix(s, "[") {
		return false
	}
	rest := strings.TrimLeft(s[1:], " \t\r\n")
	return strings.HasPrefix(rest, "{") && strings.Contains(s, `"role"`)
}

func contentText(raw json.RawMessage) (string, error) {
	if string(raw) == "null" {
		return "", nil
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s, nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if json.Unmarshal(raw, &parts) == nil {
		var b []string
		for _, p := range parts {
			if p.Type == "text" || p.Type == "" && p.Text != "" {
				b = append(b, p.Text)
			}
		}
		return strings.Join(b, "\n"), nil
	}
	return "", errors.New(`"content" is neither text nor a list of {"type":"text","text":…} parts`)
}

// jsonProblem words a decoding error of trimmed (which starts lead bytes
// into the user's text) with the offset (from 0), line and column (from 1)
// in that text.
func jsonProblem(text, trimmed string, err error, lead int) string {
	off := -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = max(int(syn.Offset)-1, 0) // Offset counts the bad byte
	case errors.As(err, &typ):
		off = max(int(typ.Offset)-1, 0)
	case errors.Is(err, io.ErrUnexpectedEOF):
		off = len(trimmed)
		return fmt.Sprintf("it ends before the array is closed (offset %d)", lead+off)
	}
	msg := strings.TrimPrefix(err.Error(), "json: ")
	if off < 0 {
		return msg
	}
	off += lead
	before := text[:min(off, len(text))]
	line := strings.Count(before, "\n") + 1
	col := len(before) - strings.LastIndexByte(before, '\n')
	return fmt.Sprintf("%s at offset %d (line %d, column %d)", msg, off, line, col)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// Transcript renders messages as the text stored for them and sent to the
// model: one "role: content" block per message, blocks apart by a blank
// line. The later lines of a message are indented by two spaces, so a
// message cannot forge a turn of its own ("…\n\nuser: …").
func Transcript(msgs []ai.Message) string {
	var b strings.Builder
	for i, m := range msgs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(messageBlock(m))
	}
	return b.String()
}

// messageBlock is one message of a Transcript.
func messageBlock(m ai.Message) string {
	text := strings.TrimSpace(m.Content)
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.ReplaceAll(text, "\r", "\n")
	lines := strings.Split(text, "\n")
	for i := 1; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "" {
			lines[i] = "  " + lines[i]
		} else {
			lines[i] = ""
		}
	}
	return m.Role + ": " + strings.Join(lines, "\n")
}
