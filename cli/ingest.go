package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/shell"
	"github.com/mem0dev/mem0/store"
	"github.com/mem0dev/mem0/store/content"
)

// IngestOptions is what `mem0 ingest` was asked to do.
type IngestOptions struct {
	f     *Factory
	JSON  bool
	Quiet bool
}

// NewCmdIngest builds `mem0 ingest`.
func NewCmdIngest(f *Factory, runF func(context.Context, *IngestOptions) error) *cobra.Command {
	opts := &IngestOptions{f: f}
	cmd := &cobra.Command{
		Use:   "ingest",
		Short: "Store the commands the shell hooks have recorded",
		Long: `Store the commands the shell hooks (mem0 init) wrote to the spool.

Every mem0 command that opens the database does this first, and the hooks
start it in the background now and then, so running it by hand is rarely
needed. Commands are filtered (ignored programs and patterns) and secrets
are masked before anything reaches the database; each record is stored once
however often it is ingested.`,
		Example: `  mem0 ingest
  mem0 ingest --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return ingestRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, &opts.JSON)
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "print nothing (the hooks use this)")
	return cmd
}

func ingestRun(ctx context.Context, opts *IngestOptions) error {
	f := opts.f
	s, err := f.openStore(ctx) // ingest here, where errors are reported
	if err != nil {
		return err
	}
	res, err := ingestShell(ctx, f, s)
	if err != nil {
		return err
	}
	switch {
	case opts.JSON:
		return writeJSON(f.IO.Out, res)
	case opts.Quiet:
		return nil
	}
	fmt.Fprintf(f.IO.ErrOut, "Recorded %s", plural(res.Recorded, "command"))
	if res.Redacted > 0 {
		fmt.Fprintf(f.IO.ErrOut, " (%d with secrets masked)", res.Redacted)
	}
	fmt.Fprintln(f.IO.ErrOut, ".")
	if res.Ignored > 0 {
		fmt.Fprintf(f.IO.ErrOut, "Skipped %d ignored by the shell.* settings.\n", res.Ignored)
	}
	if res.NoContext > 0 {
		fmt.Fprintf(f.IO.ErrOut, "Dropped %d recorded into contexts deleted since.\n", res.NoContext)
	}
	if len(res.Bad) > 0 {
		fmt.Fprintf(f.IO.ErrOut, "Set aside %d unreadable records in %s.\n", len(res.Bad), shell.BadDir)
	}
	return nil
}

// ingestResult says what an ingest did. Field names are stable (--json).
type ingestResult struct {
	Recorded  int      `json:"recorded"`   // new command memories
	Again     int      `json:"again"`      // records already stored by an earlier ingest
	Redacted  int      `json:"redacted"`   // commands with at least one secret masked
	Ignored   int      `json:"ignored"`    // commands the filters dropped
	NoContext int      `json:"no_context"` // commands whose context was deleted
	Writing   int      `json:"writing"`    // records a hook is still writing
	Bad       []string `json:"bad"`        // unreadable records, set aside
}

// ingestBatch bounds one transaction, so that a huge spool neither holds
// the write lock for long nor builds one enormous statement list.
const ingestBatch = 2000

// ingestShell moves the spool's records into the database: filtered,
// secrets masked, one memory per record, and each record's file removed
// only after its memory is committed.
func ingestShell(ctx context.Context, f *Factory, s *store.Store) (*ingestResult, error) {
	p, err := f.Paths()
	if err != nil {
		return nil, err
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	filter, err := cfg.ShellFilter()
	if err != nil {
		return nil, err
	}
	spool := p.Spool()
	scan, err := spool.Scan(ctx, f.Now())
	if err != nil {
		return nil, err
	}
	res := &ingestResult{Writing: scan.Writing, Bad: append([]string{}, scan.Bad...)}
	if len(scan.Ready) == 0 {
		return res, nil
	}
	contexts, err := s.ListContexts(ctx)
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(contexts))
	for _, c := range contexts {
		names[c.ID] = c.Name
	}
	host, _ := os.Hostname()
	limit := cfg.MaxContentBytes()
	for start := 0; start < len(scan.Ready); start += ingestBatch {
		batch := scan.Ready[start:min(start+ingestBatch, len(scan.Ready))]
		var recs []store.Record
		var done []string
		redacted := 0
		for _, pd := range batch {
			done = append(done, pd.Path)
			name, ok := names[pd.Context]
			if !ok {
				res.NoContext++
				continue
			}
			// Filters run on at most twice the size limit: enough to mask a
			// secret cut by the limit, and a pasted megabyte costs nothing.
			cmd := pd.Command
			if limit > 0 && len(cmd) > 2*limit {
				cmd = cmd[:2*limit]
			}
			text, masked, keep := filter.Apply(cmd)
			if !keep {
				res.Ignored++
				continue
			}
			meta := pd.Metadata(host)
			if masked > 0 {
				meta["redacted"] = masked
				redacted++
			}
			text = fitContent(text, len(pd.Command), limit, meta)
			t := pd.Start.UTC()
			rec := store.Record{Type: "memory", Memory: &store.Memory{ID: pd.MemoryID(), Context: name,
				Kind: content.KindCommand, Content: text, Metadata: meta, Source: content.SourceShell,
				CreatedAt: t, UpdatedAt: t, Version: 1}}
			if err := s.CheckRecord(&rec); err != nil {
				return nil, fmt.Errorf("recorded command %s: %w", pd.Path, err)
			}
			recs = append(recs, rec)
		}
		var ir store.ImportResult
		if len(recs) > 0 {
			if err := s.WithTx(ctx, func(tx *store.Tx) error { return tx.ImportRecords(ctx, recs, &ir) }); err != nil {
				return nil, fmt.Errorf("store recorded commands: %w", err)
			}
		}
		res.Recorded += ir.Added
		res.Again += ir.Unchanged
		res.Redacted += redacted
		if err := spool.Remove(ctx, done); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// fitContent makes a command storable whatever the shell handed over:
// bytes that are not UTF-8 become U+FFFD and a command over the size limit
// is cut at a character boundary; metadata says which happened.
// original is the length of the command as typed, before filtering.
func fitContent(text string, original, limit int, meta map[string]any) string {
	if !utf8.ValidString(text) || strings.ContainsRune(text, 0) {
		text = strings.ReplaceAll(strings.ToValidUTF8(text, "\uFFFD"), "\x00", "\uFFFD")
		meta["invalid_utf8"] = true
	}
	if limit > 0 && len(text) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(text[cut]) {
			cut--
		}
		meta["truncated_from"] = original
		text = text[:cut]
	}
	return text
}

// autoIngest stores what the hooks recorded before a command reads the
// database, so a command is searchable right after it ran. It never fails
// the command: when the database is busy the records wait in the spool.
func (f *Factory) autoIngest(ctx context.Context, s *store.Store) {
	p, err := f.Paths()
	if err != nil || !p.Spool().HasRecords() {
		return
	}
	if _, err := ingestShell(ctx, f, s); err != nil && !errors.Is(err, store.ErrBusy) {
		fmt.Fprintf(f.IO.ErrOut, "mem0: warning: recorded shell commands wait in the spool: %v\n", err)
	}
}
