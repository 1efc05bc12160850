package cli

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
	syncapi "github.com/mem0dev/mem0/sync"
)

// SyncOptions is what `mem0 sync` was asked to do.
type SyncOptions struct {
	f      *Factory
	Server string
	Status bool
	JSON   bool
	Quiet  bool
}

// NewCmdSync builds `mem0 sync`.
func NewCmdSync(f *Factory, runF func(context.Context, *SyncOptions) error) *cobra.Command {
	opts := &SyncOptions{f: f}
	cmd := &cobra.Command{
		Use:   "sync",
		Short: "Push local changes of shared contexts and pull everyone else's",
		Long: `Push the changes made here to shared contexts (in order, retried with
backoff while the server is busy or unreachable), then pull every change made
elsewhere to the contexts you can read. Contexts shared with you appear under
names like ORG/TEAM/NAME; contexts you can no longer read are removed.

Writes never wait for the network: they are saved locally with an entry in an
outbox, and an entry leaves the outbox only once the server's answer is
stored. A change the server refuses (for example, you may only read that
context) stays on this machine and is listed by "mem0 sync --status" with the
reason.

--status shows pending changes, the last success, the last error and the
refused changes without contacting the server.`,
		Example: `  mem0 sync
  mem0 sync --status
  mem0 sync --status --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.JSON && !opts.Status {
				return usageErrorf("--json goes with --status")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			if opts.Status {
				return syncStatusRun(cmd.Context(), opts)
			}
			return syncRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	cmd.Flags().BoolVar(&opts.Status, "status", false, "show what is waiting and what went wrong, without syncing")
	cmd.Flags().BoolVarP(&opts.Quiet, "quiet", "q", false, "print nothing but errors (for background use)")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

// syncEngine builds an engine over the local database and the server.
func (f *Factory) syncEngine(ctx context.Context, server string) (*syncapi.Engine, error) {
	r, err := f.Remote(server)
	if err != nil {
		return nil, err
	}
	c, err := r.Client()
	if err != nil {
		return nil, err
	}
	s, err := f.Store(ctx)
	if err != nil {
		return nil, err
	}
	return &syncapi.Engine{Store: s, Client: c}, nil
}

func syncRun(ctx context.Context, opts *SyncOptions) error {
	f := opts.f
	e, err := f.syncEngine(ctx, opts.Server)
	if err != nil {
		return err
	}
	unlock, err := lockSync(ctx, f, opts.Quiet)
	if errors.Is(err, errLocked) {
		return nil // a background sync while another runs: that one does the work
	}
	if err != nil {
		return err
	}
	defer unlock()
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if cfg.v.GetBool("sync.personal") {
		if err := personalSync(ctx, f, e); err != nil {
			return err
		}
	}
	sum, err := e.Run(ctx)
	if err == nil && !opts.Quiet || err != nil && sum != nil && sum.Pushed+sum.Pulled+sum.Removed > 0 {
		reportSync(f, sum)
	}
	if err != nil {
		return err
	}
	if sum.Refused > 0 {
		return fmt.Errorf("the server refused %s (%s); they stay on this machine: see `mem0 sync --status`",
			plural(sum.Refused, "change"), strings.Join(sum.Refusals, "; "))
	}
	return nil
}

// lockSync makes syncs of one MEM0_HOME run one at a time: two at once
// would push the same changes and commit their pulls in either order. A
// background sync (quiet) gives up at once when another runs; one a person
// started waits for it.
func lockSync(ctx context.Context, f *Factory, quiet bool) (func(), error) {
	p, err := f.Paths()
	if err != nil {
		return nil, err
	}
	if quiet {
		return lockFile(ctx, p.State, "sync.lock", 0)
	}
	unlock, err := lockFile(ctx, p.State, "sync.lock", 0)
	if !errors.Is(err, errLocked) {
		return unlock, err
	}
	fmt.Fprintln(f.IO.ErrOut, "Waiting for another mem0 sync to finish...")
	return lockFile(ctx, p.State, "sync.lock", 2*time.Minute)
}

// personalSync (sync.personal) puts this machine's personal contexts on
// the server, private to the user, before the sync runs. A personal context
// whose name another of the user's machines uploaded already is merged into
// that one, so that "default" is one context on every machine rather than
// one per machine.
func personalSync(ctx context.Context, f *Factory, e *syncapi.Engine) error {
	locals, err := e.Store.ListContexts(ctx)
	if err != nil {
		return err
	}
	// Once every context is synced there is nothing to upload or merge:
	// no requests, so a sync with nothing to do stays one round trip.
	if !slices.ContainsFunc(locals, func(c *store.Context) bool { return !c.Synced }) {
		return nil
	}
	me, err := e.Client.Me(ctx)
	if err != nil {
		return err
	}
	remote, err := e.Client.ListContexts(ctx)
	if err != nil {
		return err
	}
	mine := map[string]syncapi.ContextInfo{}
	for _, r := range remote {
		if r.OwnerKind == "user" && r.OwnerID == me.User.ID && r.Visibility == "private" {
			mine[strings.ToLower(r.Name)] = r
		}
	}
	p, err := f.Paths()
	if err != nil {
		return err
	}
	for _, c := range locals {
		if c.Synced {
			continue
		}
		if r, ok := mine[strings.ToLower(c.Name)]; ok && r.ID != c.ID {
			err := e.Store.WithTx(ctx, func(tx *store.Tx) error {
				_, err := tx.MergeIntoSynced(ctx, c.ID, store.SyncedContext{ID: r.ID, Name: c.Name, Description: r.Description,
					Visibility: r.Visibility, OwnerKind: r.OwnerKind, Level: r.Level})
				return err
			})
			if err != nil {
				return fmt.Errorf("merge %s with the one on the server: %w", c.Name, err)
			}
			// Shells recording into the local context now record into the merged one.
			if _, err := p.Sessions().Repoint(c.ID, r.ID); err != nil {
				return err
			}
			fmt.Fprintf(f.IO.ErrOut, "Merged personal context %s with the one your other machines keep.\n", c.Name)
			continue
		}
		info, err := e.Client.CreateContext(ctx, syncapi.CreateContextRequest{ID: c.ID, Name: c.Name, Description: c.Description, Visibility: "private"})
		if errors.Is(err, syncapi.ErrConflict) { // created by an earlier attempt
			info, err = e.Client.GetContext(ctx, c.ID)
		}
		if err != nil {
			return fmt.Errorf("upload personal context %s: %w", c.Name, err)
		}
		err = e.Store.WithTx(ctx, func(tx *store.Tx) error {
			_, err := tx.MarkContextSynced(ctx, c.ID, info.Visibility, info.OwnerKind, info.Level)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// reportSync prints what a sync did on stderr.
func reportSync(f *Factory, s *syncapi.Summary) {
	if s == nil {
		return
	}
	w := f.IO.ErrOut
	for _, l := range s.Lost {
		msg := fmt.Sprintf("Removed context %s (%s): you no longer have access to it on the server", l.Name, memoriesN(l.Memories))
		if l.Unpushed > 0 {
			msg += fmt.Sprintf("; %s not pushed were dropped", plural(l.Unpushed, "change"))
		}
		fmt.Fprintln(w, msg+".")
	}
	for _, g := range s.Gained {
		fmt.Fprintf(w, "New shared context %s.\n", g)
	}
	fmt.Fprintf(w, "Pushed %d (applied %d, conflicts %d, refused %d); pulled %d; removed %s.\n",
		s.Pushed, s.Applied, s.Conflicts, s.Refused, s.Pulled, plural(s.Removed, "context"))
}

// syncStatusView is `mem0 sync --status --json`.
type syncStatusView struct {
	Pending     int               `json:"pending"`
	LastSuccess string            `json:"last_success"`
	LastAttempt string            `json:"last_attempt"`
	LastError   string            `json:"last_error"`
	DeviceID    string            `json:"device_id"`
	Contexts    []syncedCtxView   `json:"contexts"`
	Refused     []store.RefusedOp `json:"refused"`
}

type syncedCtxView struct {
	Name       string `json:"name"`
	ID         string `json:"id"`
	Visibility string `json:"visibility"`
	Level      string `json:"level"`
	Pending    int    `json:"pending"`
}

func syncStatusRun(ctx context.Context, opts *SyncOptions) error {
	f := opts.f
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	v := syncStatusView{Contexts: []syncedCtxView{}}
	if v.Pending, err = s.PendingCount(ctx); err != nil {
		return err
	}
	for key, p := range map[string]*string{store.StateSyncLastSuccess: &v.LastSuccess, store.StateSyncLastAttempt: &v.LastAttempt,
		store.StateSyncLastError: &v.LastError, store.StateDeviceID: &v.DeviceID} {
		if *p, err = s.State(ctx, key); err != nil {
			return err
		}
	}
	cs, err := s.SyncedContexts(ctx)
	if err != nil {
		return err
	}
	pending, err := s.Outbox(ctx, 1<<30)
	if err != nil {
		return err
	}
	perCtx := map[string]int{}
	for _, p := range pending {
		perCtx[p.ContextID]++
	}
	for _, c := range cs {
		v.Contexts = append(v.Contexts, syncedCtxView{Name: c.Name, ID: c.ID, Visibility: c.Visibility, Level: c.Level, Pending: perCtx[c.ID]})
	}
	if v.Refused, err = s.RefusedOps(ctx); err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, v)
	}
	w := f.IO.Out
	never := func(s string) string {
		if s == "" {
			return "never"
		}
		return s
	}
	fmt.Fprintf(w, "pending changes: %d\n", v.Pending)
	fmt.Fprintf(w, "last success:    %s\n", never(v.LastSuccess))
	if v.LastError != "" {
		fmt.Fprintf(w, "last error:      %s\n", v.LastError)
	}
	if len(v.Contexts) > 0 {
		fmt.Fprintln(w, "synced contexts:")
		for _, c := range v.Contexts {
			fmt.Fprintf(w, "  %s (%s, %s access, %d pending)\n", c.Name, c.Visibility, syncOrDash(c.Level), c.Pending)
		}
	}
	if len(v.Refused) > 0 {
		fmt.Fprintf(w, "refused changes (kept on this machine): %d\n", len(v.Refused))
		for _, r := range v.Refused {
			msg := r.Reason
			if r.Message != "" {
				msg += ": " + r.Message
			}
			fmt.Fprintf(w, "  %s %s %s in %s (%s) — %s\n", r.RefusedAt.Format(time.RFC3339), r.Op, syncShortID(r.MemoryID), r.Context, oneLine(syncTruncate(r.Content, 40)), msg)
		}
	}
	return nil
}

func syncOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func syncShortID(id string) string {
	if len(id) > 8 {
		return id[:8]
	}
	return id
}

func syncTruncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

func memoriesN(n int) string {
	if n == 1 {
		return "1 memory"
	}
	return fmt.Sprintf("%d memories", n)
}
