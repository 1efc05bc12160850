package cli

import (
	"bytes"
	"io"
	"os"

	"golang.org/x/term"
)

// IOStreams are the three standard streams plus what is known about them.
// Commands never touch os.Stdout directly, so tests can run every command
// with the terminal on or off.
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	inTTY, outTTY, errTTY bool
	color                 bool
	width                 int
}

// SystemIO returns the process's streams. Colour is on only when stdout is a
// terminal and NO_COLOR is unset (https://no-color.org), or when
// MEM0_FORCE_COLOR asks for it.
func SystemIO() *IOStreams {
	io := &IOStreams{
		In:     os.Stdin,
		Out:    os.Stdout,
		ErrOut: os.Stderr,
		inTTY:  isTerminal(os.Stdin),
		outTTY: isTerminal(os.Stdout),
		errTTY: isTerminal(os.Stderr),
	}
	_, noColor := os.LookupEnv("NO_COLOR")
	io.color = io.outTTY && !noColor && os.Getenv("TERM") != "dumb"
	if os.Getenv("MEM0_FORCE_COLOR") != "" {
		io.color = true
	}
	if io.outTTY {
		if w, _, err := term.GetSize(int(os.Stdout.Fd())); err == nil {
			io.width = w
		}
	}
	return io
}

func isTerminal(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }

// TestIO returns in-memory streams for tests.
func TestIO() (ios *IOStreams, in, out, errOut *bytes.Buffer) {
	in, out, errOut = &bytes.Buffer{}, &bytes.Buffer{}, &bytes.Buffer{}
	return &IOStreams{In: in, Out: out, ErrOut: errOut}, in, out, errOut
}

// SetTTY marks all three streams as terminals or not (tests).
func (s *IOStreams) SetTTY(tty bool) {
	s.inTTY, s.outTTY, s.errTTY = tty, tty, tty
	s.color = tty
	if tty && s.width == 0 {
		s.width = 100
	}
}

func (s *IOStreams) SetStdinTTY(tty bool) { s.inTTY = tty }
func (s *IOStreams) SetColor(on bool)     { s.color = on }

func (s *IOStreams) IsStdinTTY() bool   { return s.inTTY }
func (s *IOStreams) IsStdoutTTY() bool  { return s.outTTY }
func (s *IOStreams) IsStderrTTY() bool  { return s.errTTY }
func (s *IOStreams) ColorEnabled() bool { return s.color }

// TerminalWidth is the width of stdout, or 80 when unknown.
func (s *IOStreams) TerminalWidth() int {
	if s.width <= 0 {
		return 80
	}
	return s.width
}
