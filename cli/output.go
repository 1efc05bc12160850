package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/mattn/go-runewidth"
	"github.com/muesli/termenv"

	"github.com/mem0dev/mem0/store"
)

// styles colour terminal output; with colour off every style is plain.
type styles struct {
	ID, Context, Kind, Dim, Bold, Match, Warn, OK lipgloss.Style
}

// Styles returns the styles for stdout: colour on a terminal unless
// NO_COLOR is set or the config says otherwise.
func (f *Factory) Styles() styles {
	on := f.IO.ColorEnabled()
	if cfg, err := f.Config(); err == nil {
		switch cfg.Get("color") {
		case "always":
			on = true
		case "never":
			on = false
		}
	}
	r := lipgloss.NewRenderer(f.IO.Out)
	if on {
		r.SetColorProfile(termenv.ANSI256)
	} else {
		r.SetColorProfile(termenv.Ascii)
	}
	return styles{
		ID:      r.NewStyle().Foreground(lipgloss.Color("3")),
		Context: r.NewStyle().Foreground(lipgloss.Color("6")),
		Kind:    r.NewStyle().Foreground(lipgloss.Color("5")),
		Dim:     r.NewStyle().Faint(true),
		Bold:    r.NewStyle().Bold(true),
		Match:   r.NewStyle().Bold(true).Foreground(lipgloss.Color("1")),
		Warn:    r.NewStyle().Foreground(lipgloss.Color("3")),
		OK:      r.NewStyle().Foreground(lipgloss.Color("2")),
	}
}

// fields collects "key: value" lines (show, status, context show) and
// prints them with the values aligned after the longest key.
type fields struct {
	key  lipgloss.Style
	rows [][2]string
}

func (fl *fields) add(k, v string) { fl.rows = append(fl.rows, [2]string{k + ":", v}) }

func (fl *fields) String() string {
	width := 0
	for _, r := range fl.rows {
		width = max(width, len(r[0]))
	}
	var b strings.Builder
	for _, r := range fl.rows {
		fmt.Fprintf(&b, "%s %s\n", fl.key.Render(fmt.Sprintf("%-*s", width, r[0])), r[1])
	}
	return b.String()
}

// writeJSON writes v as one indented JSON document.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// table prints rows: aligned columns on a terminal (the last column cut to
// the terminal width), tab-separated values otherwise.
type table struct {
	io     *IOStreams
	header []string
	rows   [][]cell
}

type cell struct {
	text  string
	style *lipgloss.Style
}

func newTable(io *IOStreams, header ...string) *table { return &table{io: io, header: header} }

func (t *table) row(cells ...cell) { t.rows = append(t.rows, cells) }

func plain(s string) cell                     { return cell{text: s} }
func styled(s string, st lipgloss.Style) cell { return cell{text: s, style: &st} }

func (t *table) render(st styles) error {
	w := t.io.Out
	if !t.io.IsStdoutTTY() {
		for _, r := range t.rows {
			texts := make([]string, len(r))
			for i, c := range r {
				texts[i] = oneLine(c.text)
			}
			if _, err := fmt.Fprintln(w, strings.Join(texts, "\t")); err != nil {
				return err
			}
		}
		return nil
	}
	if len(t.rows) == 0 {
		return nil
	}
	widths := make([]int, len(t.header))
	for i, h := range t.header {
		widths[i] = runewidth.StringWidth(h)
	}
	for _, r := range t.rows {
		for i, c := range r {
			if i < len(widths)-1 {
				widths[i] = max(widths[i], runewidth.StringWidth(oneLine(c.text)))
			}
		}
	}
	used := 0
	for _, wd := range widths[:len(widths)-1] {
		used += wd + 2
	}
	last := max(t.io.TerminalWidth()-used, 20)
	line := func(cells []cell, header bool) string {
		var b strings.Builder
		for i, c := range cells {
			text := oneLine(c.text)
			if i == len(cells)-1 {
				text = runewidth.Truncate(text, last, "…")
			} else {
				text = runewidth.FillRight(text, widths[i])
			}
			switch {
			case header:
				text = st.Dim.Render(text)
			case c.style != nil:
				text = c.style.Render(text)
			}
			b.WriteString(text)
			if i < len(cells)-1 {
				b.WriteString("  ")
			}
		}
		return strings.TrimRight(b.String(), " ")
	}
	hdr := make([]cell, len(t.header))
	for i, h := range t.header {
		hdr[i] = plain(strings.ToUpper(h))
	}
	if _, err := fmt.Fprintln(w, line(hdr, true)); err != nil {
		return err
	}
	for _, r := range t.rows {
		if _, err := fmt.Fprintln(w, line(r, false)); err != nil {
			return err
		}
	}
	return nil
}

// oneLine folds tabs and newlines to spaces so a row stays one row.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// ago renders t relative to now for people; scripts get RFC 3339 instead.
func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < 0:
		return t.Local().Format("2006-01-02 15:04")
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute") + " ago"
	case d < 24*time.Hour:
		return plural(int(d/time.Hour), "hour") + " ago"
	case d < 30*24*time.Hour:
		return plural(int(d/(24*time.Hour)), "day") + " ago"
	default:
		return t.Local().Format("2006-01-02")
	}
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// memoryTable lists memories the same way for list and search.
func (f *Factory) printMemories(ms []*store.Memory, short map[string]string, score func(int) string) error {
	st := f.Styles()
	tty := f.IO.IsStdoutTTY()
	header := []string{"id", "context", "kind", "created"}
	if score != nil {
		header = append(header, "score")
	}
	t := newTable(f.IO, append(header, "content")...)
	now := f.Now()
	for i, m := range ms {
		id, created := m.ID, stamp(m.CreatedAt)
		if tty {
			id, created = short[m.ID], ago(now, m.CreatedAt)
		}
		cells := []cell{styled(id, st.ID), styled(m.Context, st.Context), styled(m.Kind, st.Kind), styled(created, st.Dim)}
		if score != nil {
			cells = append(cells, styled(score(i), st.Dim))
		}
		t.row(append(cells, plain(m.Content))...)
	}
	return t.render(st)
}
