package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// ImportOptions is what `mem0 import` was asked to do.
type ImportOptions struct {
	f    *Factory
	File string
	JSON bool
}

// NewCmdImport builds `mem0 import`.
func NewCmdImport(f *Factory, runF func(context.Context, *ImportOptions) error) *cobra.Command {
	opts := &ImportOptions{f: f}
	cmd := &cobra.Command{
		Use:   "import [FILE|-]",
		Short: "Read memories from JSONL (as written by mem0 export)",
		Long: `Read memories from a JSONL file (or stdin) as written by mem0 export.

Memories are matched by id: a memory already present at the same or a newer
version is left alone, so importing a file twice changes nothing. Lines may
also be hand-written, as little as {"content": "...", "context": "x"}; those
are added like mem0 add, duplicates recognised by their text.

The whole file is checked before anything is written: one bad line (broken
JSON, a bad id, content over the limit) stops the import with its line
number, and the database stays as it was.`,
		Example: `  mem0 import backup.jsonl
  gunzip -c memories.jsonl.gz | mem0 import -
  echo '{"content":"ports: api 8080, admin 8081","tags":["ops"]}' | mem0 import`,
		Args: rangeArgs(0, 1, "at most one file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 1 {
				opts.File = args[0]
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return importRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

// importBatch is how many records one transaction writes, so that the
// shell hooks and other processes get the lock between batches.
const importBatch = 2000

func importRun(ctx context.Context, opts *ImportOptions) error {
	f := opts.f
	var in io.Reader = f.IO.In
	name := "stdin"
	if opts.File != "" && opts.File != "-" {
		file, err := os.Open(opts.File)
		if err != nil {
			return fmt.Errorf("open %s: %w", opts.File, err)
		}
		defer file.Close()
		in, name = file, opts.File
	} else if f.IO.IsStdinTTY() {
		return usageErrorf("give a file to import, or pipe JSONL on stdin")
	}
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	recs, err := readRecords(in, name, s)
	if err != nil {
		return err
	}
	progress := newProgress(f.IO, "Importing", len(recs))
	var res store.ImportResult
	for start := 0; start < len(recs); start += importBatch {
		end := min(start+importBatch, len(recs))
		if err := s.WithTx(ctx, func(tx *store.Tx) error { return tx.ImportRecords(ctx, recs[start:end], &res) }); err != nil {
			progress.done()
			if start > 0 {
				return fmt.Errorf("%w (the first %d records were imported; running the import again is safe)", err, start)
			}
			return err
		}
		progress.set(end)
	}
	progress.done()
	fmt.Fprintf(f.IO.ErrOut, "Imported %s: %d added, %d updated, %d unchanged.\n", name, res.Added, res.Updated, res.Unchanged)
	if opts.JSON {
		return writeJSON(f.IO.Out, res)
	}
	return nil
}

// readRecords parses and checks every line before anything is written.
func readRecords(in io.Reader, name string, s *store.Store) ([]store.Record, error) {
	r := bufio.NewReaderSize(in, 1<<20)
	var recs []store.Record
	for line := 1; ; line++ {
		b, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			// encoding/json would quietly turn invalid UTF-8 into U+FFFD.
			if !utf8.Valid(b) {
				return nil, fmt.Errorf("%s line %d is not valid UTF-8; convert the file to UTF-8 first (for example with iconv); nothing was imported", name, line)
			}
			var rec store.Record
			dec := json.NewDecoder(bytes.NewReader(b))
			dec.DisallowUnknownFields() // a misspelt field would otherwise vanish
			derr := dec.Decode(&rec)
			if derr == nil && dec.More() {
				derr = errors.New("more than one JSON value on the line")
			}
			if derr != nil {
				return nil, fmt.Errorf("%s line %d is not valid JSON (%v); nothing was imported", name, line, jsonProblem(derr))
			}
			if cerr := s.CheckRecord(&rec); cerr != nil {
				return nil, fmt.Errorf("%s line %d: %s; nothing was imported", name, line, Explain(cerr, s.Path()))
			}
			recs = append(recs, rec)
		}
		if errors.Is(err, io.EOF) {
			return recs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", name, err)
		}
	}
}

func jsonProblem(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q should be %s, not %s", strings.TrimPrefix(te.Field, "Memory."), te.Type, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}

// progress draws a bar on stderr when it is a terminal and the job is big
// enough to be worth watching. A hand-written bar: one line of code per
// feature is cheaper than another dependency linked into every start-up.
type progress struct {
	io    *IOStreams
	label string
	total int
	last  time.Time
	shown bool
}

func newProgress(io *IOStreams, label string, total int) *progress {
	return &progress{io: io, label: label, total: total}
}

func (p *progress) set(n int) {
	if !p.io.IsStderrTTY() || p.total < 5000 || time.Since(p.last) < 100*time.Millisecond && n < p.total {
		return
	}
	p.last, p.shown = time.Now(), true
	const width = 30
	filled := width * n / p.total
	fmt.Fprintf(p.io.ErrOut, "\r%s [%s%s] %d/%d", p.label, strings.Repeat("=", filled), strings.Repeat(" ", width-filled), n, p.total)
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprint(p.io.ErrOut, "\r\033[K")
	}
}
