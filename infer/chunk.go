package infer

import (
	"strings"
	"unicode/utf8"

	"github.com/mem0dev/mem0/ai"
)

// ChunkBytes is the most text sent in one request: about 3,000 tokens,
// which every chat model takes with room for the instructions and the
// answer, and small enough that models do not skim.
const ChunkBytes = 12_000

// chunkText cuts text into pieces of at most max bytes, on paragraph
// boundaries when it can, else on line, then word, then character
// boundaries. Short text is one piece.
func chunkText(text string, max int) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	if len(text) <= max {
		return []string{text}
	}
	var out []string
	var cur strings.Builder
	flush := func() {
		if s := strings.TrimSpace(cur.String()); s != "" {
			out = append(out, s)
		}
		cur.Reset()
	}
	for _, para := range splitKeep(text, "\n\n") {
		if cur.Len()+len(para) <= max {
			cur.WriteString(para)
			continue
		}
		flush()
		if len(para) <= max {
			cur.WriteString(para)
			continue
		}
		// One paragraph longer than a chunk: by lines, then words.
		for _, piece := range splitLong(para, max) {
			if cur.Len()+len(piece) > max {
				flush()
			}
			cur.WriteString(piece)
		}
	}
	flush()
	return out
}

// splitKeep splits s after each sep, keeping sep at the end of each piece.
func splitKeep(s, sep string) []string {
	var out []string
	for {
		i := strings.Index(s, sep)
		if i < 0 {
			if s != "" {
				out = append(out, s)
			}
			return out
		}
		out = append(out, s[:i+len(sep)])
		s = s[i+len(sep):]
	}
}

// splitLong cuts s into pieces of at most max bytes: at line ends, else at
// spaces, else at a character boundary.
func splitLong(s string, max int) []string {
	var out []string
	for _, line := range splitKeep(s, "\n") {
		for len(line) > max {
			cut := strings.LastIndexByte(line[:max], ' ')
			if cut <= 0 {
				cut = max
				for cut > 0 && !utf8.RuneStart(line[cut]) {
					cut--
				}
			} else {
				cut++ // keep the space with the first piece
			}
			out = append(out, line[:cut])
			line = line[cut:]
		}
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

// chunkChat groups messages into transcripts of at most max bytes, on
// message boundaries; a single message longer than that is cut like text,
// each piece keeping its role.
func chunkChat(msgs []ai.Message, max int) []string {
	var out []string
	var cur []ai.Message
	size := 0
	flush := func() {
		if len(cur) > 0 {
			out = append(out, Transcript(cur))
		}
		cur, size = nil, 0
	}
	for _, m := range msgs {
		n := len(messageBlock(m)) + 2
		if n > max {
			flush()
			out = append(out, cutMessage(m, max)...)
			continue
		}
		if size+n > max {
			flush()
		}
		cur = append(cur, m)
		size += n
	}
	flush()
	return out
}

// cutMessage cuts one message too long for a chunk into transcripts of at
// most max bytes, each piece keeping the role. Indenting a piece's later
// lines makes it longer than its text, so pieces are cut smaller until
// they fit.
func cutMessage(m ai.Message, max int) []string {
	budget := max - len(m.Role) - 2
	for {
		var out []string
		fits := true
		for _, piece := range chunkText(m.Content, budget) {
			block := messageBlock(ai.Message{Role: m.Role, Content: piece})
			if len(block) > max && budget > 16 {
				fits = false
				break
			}
			out = append(out, block)
		}
		if fits {
			return out
		}
		budget = budget * 3 / 4
	}
}
