package mcp

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

// chunky returns its input a few bytes at a time, then EOF.
type chunky struct{ s string }

func (c *chunky) Read(p []byte) (int, error) {
	if c.s == "" {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 7)], c.s)
	c.s = c.s[n:]
	return n, nil
}

func TestDrainHoldsEOFUntilAnswered(t *testing.T) {
	in := &chunky{`{"jsonrpc":"2.0","id":1,"method":"initialize"}` + "\n" +
		`{"jsonrpc":"2.0","method":"notifications/initialized"}` + "\n" +
		`[{"jsonrpc":"2.0","id":2,"method":"ping"},{"jsonrpc":"2.0","id":"x","method":"tools/list"}]` + "\n"}
	var out bytes.Buffer
	d := newDrain(in, &out, 5*time.Second)
	buf := make([]byte, 64)
	for {
		if _, err := d.Read(buf); err != nil {
			t.Fatalf("read before EOF: %v", err)
		}
		if in.s == "" {
			break
		}
	}
	if d.pending != 3 {
		t.Fatalf("pending %d, want 3 (two requests in a batch, one alone, no notification)", d.pending)
	}
	eof := make(chan time.Time, 1)
	go func() {
		d.Read(buf)
		eof <- time.Now()
	}()
	w := drainWriter{d}
	answered := time.Now()
	for _, msg := range []string{
		`{"jsonrpc":"2.0","method":"notifications/progress"}` + "\n", // not an answer
		`{"jsonrpc":"2.0","id":7,"method":"ping"}` + "\n",            // the server's own request
		`{"jsonrpc":"2.0","id":1,"result":{}}` + "\n",
		`{"jsonrpc":"2.0","id":2,"res`, `ult":{}}` + "\n", // one answer in two writes
	} {
		time.Sleep(10 * time.Millisecond)
		select {
		case <-eof:
			t.Fatal("EOF before every request was answered")
		default:
		}
		answered = time.Now()
		w.Write([]byte(msg))
	}
	time.Sleep(10 * time.Millisecond)
	select {
	case <-eof:
		t.Fatal("EOF with one request unanswered")
	default:
	}
	w.Write([]byte(`{"jsonrpc":"2.0","id":"x","result":{}}` + "\n"))
	if at := <-eof; at.Before(answered) {
		t.Fatal("EOF came early")
	}
	if !strings.Contains(out.String(), `"id":2,"result"`) {
		t.Fatalf("output not passed on: %s", out.String())
	}
}

func TestDrainGivesUpAfterTimeout(t *testing.T) {
	d := newDrain(strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"slow"}`+"\n"), io.Discard, 50*time.Millisecond)
	buf := make([]byte, 256)
	start := time.Now()
	for {
		if _, err := d.Read(buf); err == io.EOF {
			break
		}
	}
	if d := time.Since(start); d < 40*time.Millisecond || d > 2*time.Second {
		t.Fatalf("EOF after %v, want about the 50 ms timeout", d)
	}
}
