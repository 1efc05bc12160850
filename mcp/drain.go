package mcp

import (
	"bytes"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// drainTimeout bounds how long end of input waits for answers.
const drainTimeout = 30 * time.Second

// drain holds back the end of the input until every request read so far
// has been answered. The SDK closes the session as soon as its input ends,
// dropping answers still being worked on; a client that writes its
// requests and then closes stdin (a script, a test) would get nothing.
type drain struct {
	in      io.Reader
	out     io.Writer
	timeout time.Duration

	mu      sync.Mutex
	idle    *sync.Cond
	pending int    // requests read and not yet answered
	inPart  []byte // an incomplete line read
	outPart []byte // an incomplete line written
}

func newDrain(in io.Reader, out io.Writer, timeout time.Duration) *drain {
	d := &drain{in: in, out: out, timeout: timeout}
	d.idle = sync.NewCond(&d.mu)
	return d
}

// message is what counting needs of a JSON-RPC message.
type message struct {
	ID     json.RawMessage `json:"id"`
	Method string          `json:"method"`
}

// count calls fn for each message in the complete lines of *part+b,
// keeping an incomplete last line in *part.
func count(part *[]byte, b []byte, fn func(message)) {
	*part = append(*part, b...)
	for {
		i := bytes.IndexByte(*part, '\n')
		if i < 0 {
			return
		}
		line := bytes.TrimSpace((*part)[:i])
		*part = (*part)[i+1:]
		if len(line) == 0 {
			continue
		}
		var one message
		var batch []message
		if line[0] == '[' && json.Unmarshal(line, &batch) == nil {
			for _, m := range batch {
				fn(m)
			}
		} else if json.Unmarshal(line, &one) == nil {
			fn(one)
		}
	}
}

func (d *drain) Read(p []byte) (int, error) {
	n, err := d.in.Read(p)
	d.mu.Lock()
	count(&d.inPart, p[:n], func(m message) {
		if len(m.ID) > 0 && m.Method != "" {
			d.pending++
		}
	})
	d.mu.Unlock()
	if err == io.EOF && n > 0 {
		return n, nil // the caller handles these first; EOF comes next call
	}
	if err == io.EOF {
		d.wait()
	}
	return n, err
}

// wait blocks until nothing is pending or the timeout passes.
func (d *drain) wait() {
	timer := time.AfterFunc(d.timeout, func() {
		d.mu.Lock()
		d.pending = 0
		d.mu.Unlock()
		d.idle.Broadcast()
	})
	defer timer.Stop()
	d.mu.Lock()
	for d.pending > 0 {
		d.idle.Wait()
	}
	d.mu.Unlock()
}

// drainWriter counts the answers written.
type drainWriter struct{ d *drain }

func (w drainWriter) Write(p []byte) (int, error) {
	n, err := w.d.out.Write(p)
	w.d.mu.Lock()
	count(&w.d.outPart, p[:n], func(m message) {
		if len(m.ID) > 0 && m.Method == "" && w.d.pending > 0 {
			w.d.pending--
		}
	})
	w.d.mu.Unlock()
	w.d.idle.Broadcast()
	return n, err
}
