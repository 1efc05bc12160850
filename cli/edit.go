package cli

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// EditOptions is what `mem0 edit` was asked to do.
type EditOptions struct {
	f *Factory

	ID         string
	Content    string
	HasContent bool
	Kind       string
	Tags       []string
	HasTags    bool
	Meta       []string
	JSON       bool
}

// NewCmdEdit builds `mem0 edit`.
func NewCmdEdit(f *Factory, runF func(context.Context, *EditOptions) error) *cobra.Command {
	opts := &EditOptions{f: f}
	cmd := &cobra.Command{
		Use:   "edit ID",
		Short: "Change a memory (the old version stays in its history)",
		Long: `Change a memory's text, kind, tags or metadata. Each change makes a new
version; the previous one is kept (see mem0 history, mem0 restore).

The new text comes from --content, from stdin when it is piped, or else from
your editor: the "editor" setting (like git's core.editor), then $VISUAL,
then $EDITOR, then vi (notepad on Windows). Leaving the editor without
changes changes nothing; if the memory changed while the editor was open,
nothing is saved and you are told.`,
		Example: `  mem0 edit 0193a5e2-7c1b
  mem0 edit 0193a5e2-7c1b --content "the staging db moved to pg-staging-3"
  sed s/old/new/ notes.txt | mem0 edit 0193a5e2-7c1b
  mem0 edit 0193a5e2-7c1b --tag infra --tag db --meta owner=ana --meta stale=`,
		Args:              exactArgs(1, "one memory id"),
		ValidArgsFunction: completeMemoryIDs(f, false),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = args[0]
			opts.HasContent = cmd.Flags().Changed("content")
			opts.HasTags = cmd.Flags().Changed("tag")
			if err := checkKind(opts.Kind); err != nil {
				return err
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return editRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Content, "content", "", "the new text")
	cmd.Flags().StringVarP(&opts.Kind, "kind", "k", "", "change the kind")
	cmd.Flags().StringArrayVarP(&opts.Tags, "tag", "t", nil, "replace the tags (repeatable; --tag '' removes all)")
	cmd.Flags().StringArrayVarP(&opts.Meta, "meta", "m", nil, "set key=value metadata; key= removes the key (repeatable)")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func editRun(ctx context.Context, opts *EditOptions) error {
	f := opts.f
	meta, err := parseMeta(opts.Meta, true)
	if err != nil {
		return err
	}
	s, id, err := f.storeAndID(ctx, opts.ID)
	if err != nil {
		return err
	}
	var patch store.Patch
	if opts.Kind != "" {
		patch.Kind = &opts.Kind
	}
	if opts.HasTags {
		patch.Tags = &opts.Tags
	}
	patch.Metadata = meta
	onlyFields := opts.Kind != "" || opts.HasTags || meta != nil
	switch {
	case opts.HasContent:
		patch.Content = &opts.Content
	case onlyFields:
		// Only fields change; the text stays as it is.
	case !f.IO.IsStdinTTY():
		text, err := readText(f.IO, nil, s.MaxContentBytes())
		if err != nil {
			return err
		}
		patch.Content = &text
	default:
		current, err := s.GetMemory(ctx, id)
		if err != nil {
			return err
		}
		text, err := editInEditor(ctx, f, current.Content)
		if err != nil {
			return err
		}
		patch.IfVersion = current.Version
		if strings.TrimSpace(text) == "" {
			return fmt.Errorf("the edited text is empty, so the memory is unchanged (to delete it, run `mem0 rm %s`)", id)
		}
		patch.Content = &text
	}
	var m *store.Memory
	var changed bool
	err = s.WithTx(ctx, func(tx *store.Tx) error {
		m, changed, err = tx.UpdateMemory(ctx, id, patch)
		return err
	})
	if err != nil {
		return err
	}
	if !changed {
		fmt.Fprintln(f.IO.ErrOut, "No changes.")
	} else {
		fmt.Fprintf(f.IO.ErrOut, "Saved version %d of %s.\n", m.Version, m.ID)
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, m)
	}
	return nil
}

// editInEditor opens text in the user's editor and returns what was saved.
func editInEditor(ctx context.Context, f *Factory, text string) (string, error) {
	editor := f.Getenv("VISUAL")
	if editor == "" {
		editor = f.Getenv("EDITOR")
	}
	if cfg, err := f.Config(); err == nil && cfg.Get("editor") != "" {
		editor = cfg.Get("editor")
	}
	if editor == "" {
		editor = "vi"
		if runtime.GOOS == "windows" {
			editor = "notepad"
		}
	}
	tmp, err := os.CreateTemp("", "mem0-edit-*.md")
	if err != nil {
		return "", fmt.Errorf("create a file to edit: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(text + "\n"); err != nil {
		tmp.Close()
		return "", fmt.Errorf("write %s: %w", tmp.Name(), err)
	}
	tmp.Close()
	// The editor setting may carry arguments ("code --wait"), so let the
	// shell split it, as git does.
	var cmd *exec.Cmd
	if runtime.GOOS == "windows" {
		parts := strings.Fields(editor)
		cmd = exec.CommandContext(ctx, parts[0], append(parts[1:], tmp.Name())...)
	} else {
		cmd = exec.CommandContext(ctx, "sh", "-c", editor+` "$1"`, "mem0-editor", tmp.Name())
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return "", fmt.Errorf("editor %q exited with status %d; the memory is unchanged", editor, ee.ExitCode())
		}
		return "", fmt.Errorf("run editor %q: %w; set $EDITOR or `mem0 config set editor NAME`", editor, err)
	}
	b, err := os.ReadFile(tmp.Name())
	if err != nil {
		return "", fmt.Errorf("read back %s: %w", tmp.Name(), err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}
