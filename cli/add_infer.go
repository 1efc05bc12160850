package cli

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/ai"
	"github.com/mem0dev/mem0/infer"
	"github.com/mem0dev/mem0/store"
	"github.com/mem0dev/mem0/store/content"
)

// checkInferFlags refuses flags that do not go with how `mem0 add` was
// called: --dry-run and --explain only mean something with --infer, and
// --infer decides the kinds itself (the text a note, what is found facts).
func checkInferFlags(cmd *cobra.Command, opts *AddOptions) error {
	if !opts.Infer {
		for _, fl := range []struct {
			name string
			on   bool
		}{{"dry-run", opts.DryRun}, {"explain", opts.Explain}} {
			if fl.on {
				return usageErrorf("--%s only goes with --infer", fl.name)
			}
		}
		return nil
	}
	if cmd.Flags().Changed("kind") && opts.Kind != content.KindNote {
		return usageErrorf("--kind %s does not go with --infer: the text is kept as a note and what the LLM finds in it as facts", opts.Kind)
	}
	if opts.AllowDuplicate {
		return usageErrorf("--allow-duplicate does not go with --infer: facts the context holds are always skipped")
	}
	return nil
}

// inferWith runs fact extraction with llm (of role r): the one path of
// `mem0 add --infer` and the MCP add_memory tool. Provider errors come
// back with what to do about them.
func inferWith(ctx context.Context, f *Factory, s *store.Store, llm ai.Chatter, r *aiRole, req infer.Request) (infer.Result, error) {
	req.Model = r.Provider + "/" + r.Model
	if req.Similar == nil {
		req.Similar = f.similarHook(s)
	}
	if req.Mask == nil {
		// The whole input, before it is cut into requests: the guard
		// masks each request, which misses a secret cut in two.
		mask, err := f.inferMask()
		if err != nil {
			return infer.Result{}, err
		}
		req.Mask = mask
	}
	res, err := infer.Add(ctx, s, llm, req)
	var aerr *ai.Error
	switch {
	case err == nil:
		return res, nil
	case ctx.Err() != nil:
		return res, ctx.Err()
	case errors.As(err, &aerr):
		return res, fmt.Errorf("%w; %s; nothing was stored", err, aiFix(r, err))
	case errors.Is(err, infer.ErrBadAnswer):
		return res, fmt.Errorf("%s (%s): %w; nothing was stored: try again, or choose another model with `mem0 config set llm.model NAME`",
			r.Provider, r.Model, err)
	case errors.Is(err, infer.ErrBadChat):
		return res, fmt.Errorf("%w; fix the JSON, or give the conversation as plain text; nothing was sent or stored", err)
	}
	return res, err
}

// inferMask is the shell's secret filter (with shell.redact_pattern), the
// one the AI guard masks with.
func (f *Factory) inferMask() (func(string) (string, int), error) {
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	flt, err := cfg.ShellFilter()
	if err != nil {
		return nil, err
	}
	return flt.Mask, nil
}

func addInferRun(ctx context.Context, opts *AddOptions) error {
	f := opts.f
	meta, text, err := opts.input()
	if err != nil {
		return err
	}
	if opts.Explain {
		done := f.explainAI(f.IO.ErrOut)
		defer done()
	}
	llm, role, err := f.LLM("infer")
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
	_, err = s.GetContext(ctx, name)
	created := err != nil
	res, err := inferWith(ctx, f, s, llm, role, infer.Request{Context: name, Text: text, Source: content.SourceCLI,
		Tags: opts.Tags, Metadata: meta, DryRun: opts.DryRun})
	if err != nil {
		return err
	}
	if opts.Explain && res.Masked > 0 {
		// The requests above were masked before they were cut, so their
		// own counts leave these out.
		fmt.Fprintf(f.IO.ErrOut, "%s masked in the text before it was sent\n", plural(res.Masked, "secret"))
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(f.IO.ErrOut, "mem0: warning: %s\n", w)
	}
	if res.Source != nil {
		if created && !res.SourceDuplicate {
			fmt.Fprintf(f.IO.ErrOut, "Created context %s.\n", res.Source.Context)
		}
		if lvl, _ := s.ContextLevel(ctx, res.Source.Context); lvl == "read" {
			fmt.Fprintf(f.IO.ErrOut, "Note: you can only read %s on the server; these memories stay on this machine (the server will refuse them).\n", res.Source.Context)
		}
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, res)
	}
	if err := printInferred(ctx, f, s, res); err != nil {
		return err
	}
	fmt.Fprintln(f.IO.ErrOut, inferSummary(res, name))
	return nil
}

// printInferred prints the source and one line per fact. On a terminal:
// a mark (+ stored or new, = known already, ~ similar to a known memory),
// a short id and the text; piped: status, full id and text, tab-separated.
func printInferred(ctx context.Context, f *Factory, s *store.Store, res infer.Result) error {
	tty := f.IO.IsStdoutTTY()
	st := f.Styles()
	short := map[string]string{}
	if tty {
		var ids []string
		if res.Source != nil {
			ids = append(ids, res.Source.ID)
		}
		for _, fo := range res.Facts {
			ids = append(ids, fo.ID, fo.DuplicateOf)
			ids = append(ids, fo.Contradicts...)
		}
		ids = nonEmpty(ids)
		var err error
		if short, err = s.ShortIDs(ctx, ids, 8); err != nil {
			return err
		}
	}
	id := func(full string) string {
		switch {
		case full == "":
			return "-"
		case tty && short[full] != "":
			return short[full]
		}
		return full
	}
	var b strings.Builder
	if res.Source != nil {
		if tty {
			fmt.Fprintf(&b, "%s %s %s\n", st.Dim.Render("source"), st.ID.Render(id(res.Source.ID)), st.Dim.Render(oneLine(cutRunes(res.Source.Content, 60))))
		} else {
			fmt.Fprintf(&b, "source\t%s\t%s\n", res.Source.ID, oneLine(res.Source.Content))
		}
	}
	for _, fo := range res.Facts {
		ref := fo.ID
		var note string
		switch fo.Status {
		case infer.Duplicate:
			ref, note = fo.DuplicateOf, "already known"
		case infer.Similar:
			ref, note = fo.DuplicateOf, "similar to a known memory"
		}
		if len(fo.Contradicts) > 0 {
			var cs []string
			for _, c := range fo.Contradicts {
				cs = append(cs, id(c))
			}
			note = "contradicts " + strings.Join(cs, ", ")
		}
		if !tty {
			fmt.Fprintf(&b, "%s\t%s\t%s", fo.Status, id(ref), oneLine(fo.Text))
			if len(fo.Contradicts) > 0 {
				fmt.Fprintf(&b, "\tcontradicts=%s", strings.Join(fo.Contradicts, ","))
			}
			b.WriteByte('\n')
			continue
		}
		mark := map[string]string{infer.Stored: st.OK.Render("+"), infer.New: st.OK.Render("+"),
			infer.Duplicate: st.Dim.Render("="), infer.Similar: st.Dim.Render("~")}[fo.Status]
		if ref == "" { // dry run: no id yet
			fmt.Fprintf(&b, "%s %s", mark, oneLine(fo.Text))
		} else {
			fmt.Fprintf(&b, "%s %s %s", mark, st.ID.Render(id(ref)), oneLine(fo.Text))
		}
		if note != "" {
			style := st.Dim
			if len(fo.Contradicts) > 0 {
				style = st.Warn
			}
			b.WriteString("  " + style.Render("("+note+")"))
		}
		b.WriteByte('\n')
	}
	_, err := fmt.Fprint(f.IO.Out, b.String())
	return err
}

// inferSummary is the closing line on stderr.
func inferSummary(res infer.Result, name string) string {
	known := res.Count(infer.Duplicate) + res.Count(infer.Similar)
	var tail string
	if known > 0 {
		tail = fmt.Sprintf(" (%d known already)", known)
	}
	if res.DryRun {
		return fmt.Sprintf("Dry run: %s would be stored in %s%s; nothing was stored.", plural(res.Count(infer.New), "fact"), name, tail)
	}
	src := "the text as note " + res.Source.ID
	if res.SourceDuplicate {
		src = "the text, already remembered as " + res.Source.ID
	}
	return fmt.Sprintf("Stored %s from %s in %s%s.", plural(res.Count(infer.Stored), "fact"), src, res.Source.Context, tail)
}

func nonEmpty(ss []string) []string {
	out := ss[:0]
	for _, s := range ss {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// cutRunes keeps the first n characters of s, marking the cut.
func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
