package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/mem0dev/mem0/ai"
)

// Limits of what --explain prints of each text sent: the whole text is
// in the request, and its first 2,000 bytes in the AI log.
const (
	explainMaxLines = 40
	explainMaxBytes = 4000
)

// explainAI makes every request sent to an AI provider from now on print
// to w (stderr) who it went to and what it held, after masking:
//
//	sent to https://api.openai.com (openai, gpt-4o-mini) for summarize: 2 texts, 5120 bytes, 1 secret masked, 840 ms
//	  [1] You summarise …
//
// Commands with --explain call it before they send anything and call the
// function it returns when done, which says so when nothing was sent; under
// Run, that waits until the work after the command (maybeEmbed) is done.
func (f *Factory) explainAI(w io.Writer) (done func()) {
	prev := f.AISent
	var mu sync.Mutex // requests may be sent from several goroutines
	sent := 0
	f.AISent = func(s ai.Sent) {
		mu.Lock()
		defer mu.Unlock()
		if prev != nil {
			prev(s)
		}
		sent++
		writeSent(w, s, explainMaxLines, explainMaxBytes)
	}
	finish := func() {
		mu.Lock()
		defer mu.Unlock()
		f.AISent = prev
		if sent == 0 {
			fmt.Fprintln(w, "Nothing was sent to an AI provider.")
		}
	}
	return func() {
		// Inside Run, what runs after the command (embedding what it
		// wrote) sends too: keep explaining until Run is done.
		if f.inRun {
			f.atEnd = append(f.atEnd, finish)
			return
		}
		finish()
	}
}

// sentHeadline is one request in a line: to whom, why and how much.
func sentHeadline(s ai.Sent) string {
	var b strings.Builder
	fmt.Fprintf(&b, "sent to %s (%s, %s) for %s: %s, %s, %s", s.Host, s.Provider, s.Model, s.Purpose,
		plural(s.Items, "text"), plural(s.Bytes, "byte"), plural(s.Masked, "secret")+" masked")
	if s.LatencyMS > 0 {
		fmt.Fprintf(&b, ", %d ms", s.LatencyMS)
	}
	if s.Error != "" {
		b.WriteString("; failed: " + s.Error)
	}
	return b.String()
}

// writeSent prints s's headline and its texts, numbered and indented; each
// text cut after maxLines lines or maxBytes bytes (0: never cut).
func writeSent(w io.Writer, s ai.Sent, maxLines, maxBytes int) {
	fmt.Fprintln(w, sentHeadline(s))
	for i, t := range s.Texts {
		fmt.Fprintf(w, "  [%d] %s\n", i+1, indentText(cutText(t, maxLines, maxBytes), "      "))
	}
	if len(s.Texts) < s.Items {
		fmt.Fprintf(w, "  (%d more not kept)\n", s.Items-len(s.Texts))
	}
}

// cutText keeps the first maxLines lines and maxBytes bytes of t and says
// how much was left out.
func cutText(t string, maxLines, maxBytes int) string {
	t = strings.TrimRight(t, "\n")
	cut := len(t)
	if maxBytes > 0 && cut > maxBytes {
		cut = maxBytes
		for cut > 0 && !utf8.RuneStart(t[cut]) {
			cut--
		}
	}
	if maxLines > 0 {
		if i := nthIndex(t[:cut], '\n', maxLines); i >= 0 {
			cut = i
		}
	}
	if cut == len(t) {
		return t
	}
	return t[:cut] + fmt.Sprintf("\n… (%s more)", plural(len(t)-cut, "byte"))
}

// nthIndex is the index of the nth (1-based) occurrence of c in s, or -1.
func nthIndex(s string, c byte, n int) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n--
			if n == 0 {
				return i
			}
		}
	}
	return -1
}

// indentText puts prefix before every line of t but the first.
func indentText(t, prefix string) string {
	return strings.ReplaceAll(t, "\n", "\n"+prefix)
}
