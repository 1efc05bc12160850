package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/ai"
)

// AILogOptions is what `mem0 ai log` was asked to do.
type AILogOptions struct {
	f *Factory

	Limit int
	Full  bool
	Clear bool
	JSON  bool
}

// NewCmdAILog builds `mem0 ai log`.
func NewCmdAILog(f *Factory, runF func(context.Context, *AILogOptions) error) *cobra.Command {
	opts := &AILogOptions{f: f}
	cmd := &cobra.Command{
		Use:   "log",
		Short: "Show what was sent to AI providers, and to whom",
		Long: `Show the last requests mem0 sent to an LLM or embedding provider, newest
first: when, which role (llm or embedder) and purpose (infer, summarize,
search, index), the provider, host and model, how many texts and bytes, how
many secrets were masked, the latency and any error. --full prints the texts
as they were sent, after masking (the log keeps the first 2,000 bytes of each
of the first 20 texts of a request).

The log is ai.log in the state folder, readable only by you; it is rotated
past 1 MiB (the previous part is kept as ai.log.1). --clear removes both.`,
		Example: `  mem0 ai log
  mem0 ai log -n 5 --full
  mem0 ai log --json | jq '.[] | select(.masked > 0)'
  mem0 ai log --clear`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.Limit < 0 {
				return usageErrorf("--limit %d: give 0 (no limit) or a positive number", opts.Limit)
			}
			if opts.Clear && (opts.Full || opts.JSON || cmd.Flags().Changed("limit")) {
				return usageErrorf("--clear cannot be used with --full, --json or --limit")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return aiLogRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Limit, "limit", "n", 20, "show at most this many requests (0: all)")
	cmd.Flags().BoolVar(&opts.Full, "full", false, "print the texts that were sent")
	cmd.Flags().BoolVar(&opts.Clear, "clear", false, "delete the log")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func aiLogRun(_ context.Context, opts *AILogOptions) error {
	f := opts.f
	path, err := f.aiLogPath()
	if err != nil {
		return err
	}
	if opts.Clear {
		n := 0
		if all, err := ai.ReadLog(path, 0); err == nil {
			n = len(all)
		}
		for _, p := range []string{path, path + ".1"} {
			if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
				return fmt.Errorf("clear the AI log: %w", err)
			}
		}
		fmt.Fprintf(f.IO.ErrOut, "Cleared the AI log (%s).\n", plural(n, "request"))
		return nil
	}
	entries, err := ai.ReadLog(path, opts.Limit)
	if err != nil {
		return err
	}
	slices.Reverse(entries) // newest first, like mem0 list
	if opts.JSON {
		if entries == nil {
			entries = []ai.Sent{}
		}
		return writeJSON(f.IO.Out, entries)
	}
	if len(entries) == 0 {
		fmt.Fprintln(f.IO.ErrOut, "Nothing has been sent to an AI provider.")
		return nil
	}
	tty := f.IO.IsStdoutTTY()
	when := func(s ai.Sent) string {
		if tty {
			return ago(f.Now(), s.Time)
		}
		return stamp(s.Time)
	}
	if opts.Full {
		for i, s := range entries {
			if i > 0 {
				fmt.Fprintln(f.IO.Out)
			}
			fmt.Fprint(f.IO.Out, when(s)+" "+s.Role+" ")
			writeSent(f.IO.Out, s, 0, 0)
		}
		return nil
	}
	st := f.Styles()
	t := newTable(f.IO, "time", "role", "purpose", "provider", "host", "model", "items", "bytes", "masked", "latency", "error")
	for _, s := range entries {
		status := styled("", st.OK)
		if s.Error != "" {
			msg := s.Error
			if tty { // the provider and host have their columns
				msg = strings.TrimPrefix(msg, s.Provider+" at "+s.Host+": ")
			}
			status = styled(msg, st.Warn)
		}
		latency := strconv.FormatInt(s.LatencyMS, 10)
		if tty {
			latency += " ms"
		}
		t.row(styled(when(s), st.Dim), plain(s.Role), plain(s.Purpose), plain(s.Provider), plain(s.Host), plain(s.Model),
			plain(strconv.Itoa(s.Items)), plain(strconv.Itoa(s.Bytes)), plain(strconv.Itoa(s.Masked)), plain(latency), status)
	}
	return t.render(st)
}
