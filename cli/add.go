package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
	"github.com/mem0dev/mem0/store/content"
)

// AddOptions is what `mem0 add` was asked to do.
type AddOptions struct {
	f *Factory

	Args           []string
	File           string
	Context        string
	Kind           string
	Tags           []string
	Meta           []string
	AllowDuplicate bool
	JSON           bool

	// Infer asks the LLM for the facts in the text (add_infer.go); DryRun
	// and Explain only go with it.
	Infer   bool
	DryRun  bool
	Explain bool
}

// NewCmdAdd builds `mem0 add`. runF replaces addRun in tests.
func NewCmdAdd(f *Factory, runF func(context.Context, *AddOptions) error) *cobra.Command {
	opts := &AddOptions{f: f}
	cmd := &cobra.Command{
		Use:     "add [TEXT...]",
		Aliases: []string{"remember"},
		Short:   "Remember a note, snippet, fact or command",
		Long: `Remember a piece of text in the current context and print its id.

The text comes from the arguments, from a file (--file), or from stdin when it
is piped or the only argument is "-". Adding the same text again to the same context is recognised:
the existing id is printed and nothing new is stored (--allow-duplicate stores
it anyway).

--infer sends the text to the configured LLM (llm.provider, see docs/ai.md)
and stores the durable facts it finds as fact memories linked to the text,
which is kept as a note; facts the context holds already are skipped. The text
may also be a JSON array of chat messages ([{"role":"user","content":"..."}]).
--dry-run shows the facts without storing anything; --explain prints on stderr
what was sent, and to whom.`,
		Example: `  mem0 add "the staging db is pg-staging-2, port 6432"
  mem0 add --kind snippet --tag go < retry.go
  git log -1 --format=%B | mem0 add --context release --meta repo=api
  mem0 remember --kind fact "Ana owns the billing service"
  mem0 add --infer --file meeting-notes.md
  mem0 add --infer --dry-run --explain < chat.json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Args = args
			if opts.File != "" && len(args) > 0 {
				return usageErrorf("give the text as arguments or with --file, not both")
			}
			if err := checkKind(opts.Kind); err != nil {
				return err
			}
			if err := checkInferFlags(cmd, opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return addRun(cmd.Context(), opts)
		},
	}
	addContextFlag(cmd, f, &opts.Context)
	cmd.Flags().StringVarP(&opts.Kind, "kind", "k", content.KindNote, "what the text is: "+strings.Join(content.Kinds, ", "))
	cmd.Flags().StringVarP(&opts.File, "file", "f", "", "read the text from this file")
	cmd.Flags().StringArrayVarP(&opts.Tags, "tag", "t", nil, "tag the memory (repeatable)")
	cmd.Flags().StringArrayVarP(&opts.Meta, "meta", "m", nil, "attach key=value metadata (repeatable)")
	cmd.Flags().BoolVar(&opts.AllowDuplicate, "allow-duplicate", false, "store the text even if this context already holds it")
	cmd.Flags().BoolVar(&opts.Infer, "infer", false, "ask the LLM for the facts in the text and store each as a fact")
	cmd.Flags().BoolVar(&opts.DryRun, "dry-run", false, "with --infer: show the facts, store nothing")
	cmd.Flags().BoolVar(&opts.Explain, "explain", false, "with --infer: print on stderr what is sent to the LLM, and to whom")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

// addResult is the JSON output of `mem0 add`.
type addResult struct {
	*store.Memory
	Duplicate bool `json:"duplicate"`
}

// input is the metadata and the text to add, from the flags and the
// arguments or stdin.
func (opts *AddOptions) input() (map[string]any, string, error) {
	meta, err := parseMeta(opts.Meta, false)
	if err != nil {
		return nil, "", err
	}
	cfg, err := opts.f.Config()
	if err != nil {
		return nil, "", err
	}
	if opts.File != "" {
		text, err := readFile(opts.File, cfg.MaxContentBytes())
		return meta, text, err
	}
	text, err := readText(opts.f.IO, opts.Args, cfg.MaxContentBytes())
	return meta, text, err
}

func addRun(ctx context.Context, opts *AddOptions) error {
	if opts.Infer {
		return addInferRun(ctx, opts)
	}
	f := opts.f
	meta, text, err := opts.input()
	if err != nil {
		return err
	}
	name, _, err := f.CurrentContext(ctx, opts.Context)
	if err != nil {
		return err
	}
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	var m *store.Memory
	var dup, created bool
	err = s.WithTx(ctx, func(tx *store.Tx) error {
		if _, err := tx.GetContext(ctx, name); err != nil {
			created = true
		}
		m, dup, err = tx.AddMemory(ctx, store.NewMemory{
			Context: name, Kind: opts.Kind, Content: text, Metadata: meta, Tags: opts.Tags,
			Source: content.SourceCLI, AllowDuplicate: opts.AllowDuplicate,
		})
		return err
	})
	if err != nil {
		return err
	}
	if created && !dup {
		fmt.Fprintf(f.IO.ErrOut, "Created context %s.\n", m.Context)
	}
	if dup {
		fmt.Fprintf(f.IO.ErrOut, "Already remembered in %s as %s (use --allow-duplicate to store it again).\n", m.Context, m.ID)
	} else if lvl, _ := s.ContextLevel(ctx, m.Context); lvl == "read" {
		fmt.Fprintf(f.IO.ErrOut, "Note: you can only read %s on the server; this memory stays on this machine (the server will refuse it).\n", m.Context)
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, addResult{Memory: m, Duplicate: dup})
	}
	_, err = fmt.Fprintln(f.IO.Out, m.ID)
	return err
}
