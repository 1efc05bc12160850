package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/shell"
	"github.com/mem0dev/mem0/store"
)

// DoctorOptions is what `mem0 doctor` was asked to do.
type DoctorOptions struct {
	f    *Factory
	Fix  bool
	JSON bool
}

// NewCmdDoctor builds `mem0 doctor`.
func NewCmdDoctor(f *Factory, runF func(context.Context, *DoctorOptions) error) *cobra.Command {
	opts := &DoctorOptions{f: f}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Check the database and settings, and say how to fix problems",
		Long: `Check the config file, the database file (SQLite's integrity check), the
full-text index and the references between tables. Each problem comes with
what to do; --fix repairs what can be repaired in place (the search index).
Exits 1 when a problem remains.`,
		Example: `  mem0 doctor
  mem0 doctor --fix
  mem0 doctor --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return doctorRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().BoolVar(&opts.Fix, "fix", false, "repair what can be repaired")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

type doctorReport struct {
	Database string          `json:"database"`
	OK       bool            `json:"ok"`
	Problems []store.Problem `json:"problems"`
	Fixed    []string        `json:"fixed"`
}

func doctorRun(ctx context.Context, opts *DoctorOptions) error {
	f := opts.f
	p, err := f.Paths()
	if err != nil {
		return err
	}
	rep := doctorReport{Database: p.Database(), Problems: []store.Problem{}, Fixed: []string{}}
	if _, err := f.Config(); err != nil {
		rep.Problems = append(rep.Problems, store.Problem{Check: "config", Message: err.Error(),
			Fix: "correct the file by hand, or `mem0 config list` to see the settings"})
		return finishDoctor(f, opts, rep)
	}
	if _, err := os.Stat(p.Database()); os.IsNotExist(err) {
		// Nothing to check yet; opening would create an empty database.
		rep.OK = true
		return finishDoctor(f, opts, rep)
	}
	s, err := f.Store(ctx)
	if err != nil {
		fix := "move the file aside (mem0 starts a new one) and import your last export"
		if errors.Is(err, store.ErrTooNew) {
			fix = "install the newer mem0 that made this database"
		}
		rep.Problems = append(rep.Problems, store.Problem{Check: "open", Message: Explain(err, p.Database()), Fix: fix})
		return finishDoctor(f, opts, rep)
	}
	problems, err := s.Check(ctx)
	if err != nil {
		return err
	}
	if opts.Fix {
		var left []store.Problem
		for _, pr := range problems {
			if !pr.Fixable {
				left = append(left, pr)
				continue
			}
			if err := s.Repair(ctx); err != nil {
				return err
			}
			rep.Fixed = append(rep.Fixed, pr.Message)
		}
		problems = left
	}
	rep.Problems = append(rep.Problems, problems...)
	rep.Problems = append(rep.Problems, spoolProblems(p)...)
	rep.OK = len(rep.Problems) == 0
	return finishDoctor(f, opts, rep)
}

// spoolProblems reports recorded commands that did not reach the database.
// Opening the store ingested what it could, so whatever waits still has a
// reason to.
func spoolProblems(p Paths) []store.Problem {
	sp := p.Spool()
	pending, bad, err := sp.Count()
	if err != nil {
		return []store.Problem{{Check: "shell spool", Message: err.Error(), Fix: "make the state folder readable: " + p.State}}
	}
	var out []store.Problem
	if pending > 0 {
		out = append(out, store.Problem{Check: "shell spool",
			Message: fmt.Sprintf("%d recorded commands wait in %s", pending, sp.Dir),
			Fix:     "run `mem0 ingest` to store them and see what stops it"})
	}
	if bad > 0 {
		out = append(out, store.Problem{Check: "shell spool",
			Message: fmt.Sprintf("%d recorded commands could not be read and were set aside in %s", bad, filepath.Join(sp.Dir, shell.BadDir)),
			Fix:     "read them (they are text), keep what you need with `mem0 add`, and delete the files"})
	}
	return out
}

func finishDoctor(f *Factory, opts *DoctorOptions, rep doctorReport) error {
	rep.OK = len(rep.Problems) == 0
	if opts.JSON {
		if err := writeJSON(f.IO.Out, rep); err != nil {
			return err
		}
	} else {
		st := f.Styles()
		for _, fx := range rep.Fixed {
			fmt.Fprintf(f.IO.Out, "%s fixed: %s\n", st.OK.Render("✓"), fx)
		}
		for _, pr := range rep.Problems {
			fmt.Fprintf(f.IO.Out, "%s %s: %s\n  fix: %s\n", st.Warn.Render("✗"), pr.Check, pr.Message, pr.Fix)
		}
		if rep.OK {
			fmt.Fprintf(f.IO.Out, "%s %s is healthy.\n", st.OK.Render("✓"), rep.Database)
		}
	}
	if !rep.OK {
		return ErrSilent
	}
	return nil
}
