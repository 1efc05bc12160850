package cli

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// filterFlags are the flags list and search share.
type filterFlags struct {
	Context     string
	AllContexts bool
	Kind        string
	Tags        []string
	Since       string
	Until       string
	Cwd         string
	Failed      bool
	Limit       int
	Scope       string
}

func (ff *filterFlags) register(cmd *cobra.Command, f *Factory, defaultLimit int) {
	addContextFlag(cmd, f, &ff.Context)
	cmd.Flags().BoolVarP(&ff.AllContexts, "all-contexts", "a", false, "look in every context")
	cmd.Flags().StringVarP(&ff.Kind, "kind", "k", "", "only this kind: note, snippet, fact or command")
	cmd.Flags().StringArrayVarP(&ff.Tags, "tag", "t", nil, "only memories with this tag (repeatable: all must match)")
	cmd.Flags().StringVar(&ff.Since, "since", "", "only memories created since (7d, 12h, 2026-11-01, yesterday)")
	cmd.Flags().StringVar(&ff.Until, "until", "", "only memories created before (same forms as --since)")
	cmd.Flags().StringVar(&ff.Cwd, "cwd", "", "only commands run in this folder or below it (. for here)")
	cmd.Flags().BoolVar(&ff.Failed, "failed", false, "only commands that failed (exit status not 0)")
	cmd.Flags().IntVarP(&ff.Limit, "limit", "n", defaultLimit, "show at most this many (0: no limit)")
	cmd.Flags().StringVar(&ff.Scope, "scope", "", "look in every context of one scope: personal, team, org or public")
	_ = cmd.MarkFlagDirname("cwd")
}

// validate checks the flags that need no database.
func (ff *filterFlags) validate(f *Factory) error {
	if ff.Context != "" && ff.AllContexts {
		return usageErrorf("--context and --all-contexts cannot be used together")
	}
	if ff.Scope != "" {
		switch ff.Scope {
		case "personal", "team", "org", "public":
		default:
			return usageErrorf("--scope %q: use personal, team, org or public", ff.Scope)
		}
		if ff.Context != "" {
			return usageErrorf("--context and --scope cannot be used together")
		}
	}
	if err := checkKind(ff.Kind); err != nil {
		return err
	}
	if ff.Limit < 0 {
		return usageErrorf("--limit %d: give 0 (no limit) or a positive number", ff.Limit)
	}
	for _, t := range []struct{ flag, val string }{{"--since", ff.Since}, {"--until", ff.Until}} {
		if _, err := parseTimeSpec(t.val, f.Now()); err != nil {
			return usageErrorf("%s: %v", t.flag, err)
		}
	}
	return nil
}

// build turns the flags into a store filter, resolving the current context.
func (ff *filterFlags) build(ctx context.Context, f *Factory) (store.Filter, error) {
	flt := store.Filter{Kind: ff.Kind, Tags: ff.Tags, Limit: ff.Limit, Failed: ff.Failed}
	if ff.Cwd != "" {
		abs, err := filepath.Abs(ff.Cwd)
		if err != nil {
			return flt, usageErrorf("--cwd %s: %v", ff.Cwd, err)
		}
		flt.Cwd, flt.Sep = abs, string(filepath.Separator)
	}
	flt.Since, _ = parseTimeSpec(ff.Since, f.Now())
	flt.Until, _ = parseTimeSpec(ff.Until, f.Now())
	if ff.Scope != "" {
		names, err := scopeContexts(ctx, f, ff.Scope)
		if err != nil {
			return flt, err
		}
		if len(names) == 0 {
			names = []string{""} // no context has that name: nothing matches
		}
		flt.Contexts = names
		return flt, nil
	}
	if !ff.AllContexts {
		name, source, err := f.CurrentContext(ctx, ff.Context)
		if err != nil {
			return flt, err
		}
		// A context named on purpose that does not exist is a mistake
		// (a typo, most likely), not an empty result.
		if source == "--context flag" || source == "MEM0_CONTEXT" {
			s, err := f.Store(ctx)
			if err != nil {
				return flt, err
			}
			if _, err := s.GetContext(ctx, name); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return flt, fmt.Errorf("%w (from %s); `mem0 context list` shows the contexts", err, source)
				}
				return flt, err
			}
		}
		flt.Contexts = []string{name}
	}
	return flt, nil
}

// shortIDs abbreviates ids for people; scripts get full ids.
func (f *Factory) shortIDs(ctx context.Context, s *store.Store, ms []*store.Memory) (map[string]string, error) {
	if !f.IO.IsStdoutTTY() {
		return nil, nil
	}
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return s.ShortIDs(ctx, ids, 8)
}

// scopeContexts lists the contexts of a scope: personal (local-only ones
// and the user's own), team (owned by a team), org (owned by an org) or
// public (public on the server, whoever owns them).
func scopeContexts(ctx context.Context, f *Factory, scope string) ([]string, error) {
	s, err := f.Store(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.ListContexts(ctx)
	if err != nil {
		return nil, err
	}
	synced, err := s.SyncedContexts(ctx)
	if err != nil {
		return nil, err
	}
	owner := map[string]string{}
	for _, c := range synced {
		owner[c.ID] = c.OwnerKind
	}
	var out []string
	for _, c := range all {
		kind := "personal"
		switch {
		case c.Visibility == "public":
			kind = "public"
		case owner[c.ID] == "team":
			kind = "team"
		case owner[c.ID] == "org":
			kind = "org"
		}
		if kind == scope {
			out = append(out, c.Name)
		}
	}
	return out, nil
}
