package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// prompter asks the user for text on stderr and reads the answers from
// stdin: secrets with echo off when stdin is a terminal. One prompter
// serves all of a command's questions, so buffered input is not lost
// between them.
type prompter struct {
	ios *IOStreams
	r   *bufio.Reader
}

func newPrompter(ios *IOStreams) *prompter { return &prompter{ios: ios} }

func (p *prompter) reader() *bufio.Reader {
	if p.r == nil {
		p.r = bufio.NewReader(p.ios.In)
	}
	return p.r
}

// line reads one line (without its ending). End of input before any text
// is an error: the user gave nothing.
func (p *prompter) line() (string, error) {
	s, err := p.reader().ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && s != "") {
		if errors.Is(err, io.EOF) {
			return "", errors.New("no input: stdin ended")
		}
		return "", fmt.Errorf("read stdin: %w", err)
	}
	return strings.TrimRight(s, "\r\n"), nil
}

// Ask prints question and reads an answer with echo.
func (p *prompter) Ask(question string) (string, error) {
	fmt.Fprint(p.ios.ErrOut, question)
	s, err := p.line()
	return strings.TrimSpace(s), err
}

// Secret prints question and reads an answer with echo off on a terminal.
func (p *prompter) Secret(question string) (string, error) {
	fmt.Fprint(p.ios.ErrOut, question)
	if f, ok := p.ios.In.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(p.ios.ErrOut)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		return string(b), nil
	}
	return p.line()
}

// readSecretStdin reads a password or key piped on stdin (--password-stdin,
// --with-token): the first line, without its ending.
func readSecretStdin(ios *IOStreams, what string) (string, error) {
	b, err := io.ReadAll(io.LimitReader(ios.In, 64<<10))
	if err != nil {
		return "", fmt.Errorf("read %s from stdin: %w", what, err)
	}
	s, _, _ := strings.Cut(string(b), "\n")
	s = strings.TrimRight(s, "\r")
	if s == "" {
		return "", usageErrorf("no %s on stdin", what)
	}
	return s, nil
}
