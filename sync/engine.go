package sync

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/mem0dev/mem0/store"
)

// Engine pushes the local outbox to the server and pulls the changes of
// every synced context. It meets the sync contract from the client side:
//
//   - an outbox entry leaves the outbox only in the transaction that stores
//     the server's answer to it, so a kill at any moment loses nothing, and
//     the entry's op id is sent again unchanged (the server replays it);
//   - entries are pushed in order, in batches;
//   - refused entries are kept with the reason (store.RefusedOp);
//   - a pull sends every cursor in one request and applies each answer in
//     one transaction, cursors included;
//   - contexts the server reports lost are removed with their memories.
type Engine struct {
	Store  *store.Store
	Client *Client
	// BatchSize is the number of operations per push (500 when 0).
	BatchSize int
	// PullLimit is the changes per context per pull (the server's default when 0).
	PullLimit int
	// Attempts is how often a request is tried on 429, 5xx or an
	// unreachable server before giving up (4 when 0).
	Attempts int
	// Sleep waits between attempts (tests replace it).
	Sleep func(context.Context, time.Duration) error
	// Progress, when set, is told about each step.
	Progress func(format string, args ...any)

	me    *Me
	names map[string]string
}

// Summary says what a sync did.
type Summary struct {
	Pushed    int           `json:"pushed"`
	Applied   int           `json:"applied"`
	Conflicts int           `json:"conflicts"`
	Refused   int           `json:"refused"`
	Pulled    int           `json:"pulled"`
	Removed   int           `json:"removed"`
	Gained    []string      `json:"gained"`
	Lost      []LostContext `json:"lost"`
	Requests  int           `json:"requests"`
	// Refusals says why the refused changes were refused, one line per
	// context and reason.
	Refusals []string `json:"refusals"`
}

// LostContext is a context removed because the server no longer serves it.
type LostContext struct {
	Name     string `json:"name"`
	Memories int    `json:"memories"`
	Unpushed int    `json:"unpushed"`
}

// Run pushes then pulls, and records the outcome (last success or error) in
// the database.
func (e *Engine) Run(ctx context.Context) (*Summary, error) {
	s := &Summary{Gained: []string{}, Lost: []LostContext{}, Refusals: []string{}}
	var dev string
	if err := e.Store.WithTx(ctx, func(tx *store.Tx) error {
		var err error
		dev, err = tx.DeviceID(ctx)
		return err
	}); err != nil {
		return s, err
	}
	err := e.push(ctx, dev, s)
	if err == nil {
		err = e.pull(ctx, s)
	}
	e.record(err)
	return s, err
}

func (e *Engine) record(runErr error) {
	ctx := context.Background()
	now := time.Now().UTC().Format(time.RFC3339)
	_ = e.Store.WithTx(ctx, func(tx *store.Tx) error {
		if err := tx.SetState(ctx, store.StateSyncLastAttempt, now); err != nil {
			return err
		}
		if runErr != nil {
			return tx.SetState(ctx, store.StateSyncLastError, now+" "+runErr.Error())
		}
		if err := tx.SetState(ctx, store.StateSyncLastSuccess, now); err != nil {
			return err
		}
		return tx.DeleteState(ctx, store.StateSyncLastError)
	})
}

func (e *Engine) progress(format string, args ...any) {
	if e.Progress != nil {
		e.Progress(format, args...)
	}
}

// transient says whether a failed request may succeed when tried again.
func transient(err error) bool {
	return errors.Is(err, ErrRateLimited) || errors.Is(err, ErrServer) || errors.Is(err, ErrUnreachable)
}

// retry runs fn until it succeeds, fails for good or the attempts run out,
// waiting longer each time (the server's Retry-After when it gave one).
func (e *Engine) retry(ctx context.Context, s *Summary, fn func() error) error {
	attempts := e.Attempts
	if attempts <= 0 {
		attempts = 4
	}
	sleep := e.Sleep
	if sleep == nil {
		sleep = func(ctx context.Context, d time.Duration) error {
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-t.C:
				return nil
			}
		}
	}
	wait := 250 * time.Millisecond
	for i := 1; ; i++ {
		s.Requests++
		err := fn()
		if err == nil || !transient(err) || i >= attempts {
			return err
		}
		d := wait
		var ae *APIError
		if errors.As(err, &ae) && ae.RetryAfter > 0 {
			d = min(ae.RetryAfter, 30*time.Second)
		}
		e.progress("retrying in %s: %v", d, err)
		if err := sleep(ctx, d); err != nil {
			return err
		}
		wait = min(wait*2, 4*time.Second)
	}
}

func (e *Engine) push(ctx context.Context, dev string, s *Summary) error {
	batch := e.BatchSize
	if batch <= 0 {
		batch = 500
	}
	for {
		pending, err := e.Store.PendingOps(ctx, batch)
		if err != nil {
			return err
		}
		if len(pending) == 0 {
			return nil
		}
		req := PushRequest{DeviceID: dev, Ops: make([]Op, 0, len(pending))}
		var sent, gone []store.PendingOp
		for _, p := range pending {
			if p.Memory == nil {
				gone = append(gone, p) // removed locally with its context: nothing to send
				continue
			}
			op, err := opOf(p)
			if err != nil {
				return err
			}
			req.Ops = append(req.Ops, op)
			sent = append(sent, p)
		}
		var resp *PushResponse
		if len(req.Ops) > 0 {
			err = e.retry(ctx, s, func() error {
				var err error
				resp, err = e.Client.Push(ctx, req)
				return err
			})
			var ae *APIError
			if errors.As(err, &ae) && ae.Status == http.StatusRequestEntityTooLarge && batch > 1 {
				batch /= 2
				continue
			}
			if err != nil {
				e.fail(pending[0].Seq, err)
				return fmt.Errorf("push: %w", err)
			}
			if len(resp.Results) != len(req.Ops) {
				return fmt.Errorf("push: the server answered %d results for %d operations", len(resp.Results), len(req.Ops))
			}
		}
		err = e.Store.WithTx(ctx, func(tx *store.Tx) error {
			for _, p := range gone {
				if err := tx.AckOutbox(ctx, p.Seq); err != nil {
					return err
				}
			}
			for i, p := range sent {
				r := resp.Results[i]
				o := store.PushOutcome{Status: r.Status, Winner: r.Winner, Version: r.Version, Reason: r.Reason, Message: r.Message}
				if r.Memory != nil {
					rm := remoteOf(*r.Memory)
					o.Server = &rm
				}
				if err := tx.ApplyPushOutcome(ctx, p, o); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		if resp != nil {
			seen := map[string]bool{}
			for _, r := range s.Refusals {
				seen[r] = true
			}
			for i, r := range resp.Results {
				if r.Status == StatusRefused {
					line := r.Reason
					if r.Message != "" {
						line += ": " + r.Message
					}
					if c, err := e.Store.GetContextByID(ctx, sent[i].ContextID); err == nil {
						line = c.Name + ": " + line
					}
					if !seen[line] {
						seen[line] = true
						s.Refusals = append(s.Refusals, line)
					}
				}
				s.Pushed++
				switch r.Status {
				case StatusApplied:
					s.Applied++
				case StatusConflictResolved:
					s.Conflicts++
				case StatusRefused:
					s.Refused++
				}
			}
		}
		e.progress("pushed %d changes", s.Pushed)
	}
}

func (e *Engine) fail(seq int64, err error) {
	ctx := context.Background()
	_ = e.Store.WithTx(ctx, func(tx *store.Tx) error { return tx.FailOutbox(ctx, seq, err.Error()) })
}

func opOf(p store.PendingOp) (Op, error) {
	m := p.Memory
	op := Op{OpID: p.OpID, Type: p.Op, ContextID: p.ContextID, MemoryID: p.MemoryID,
		BaseVersion: max(p.Version-1, 0), ClientTime: p.CreatedAt}
	if p.Op == OpDelete {
		return op, nil
	}
	meta, err := json.Marshal(m.Metadata)
	if err != nil {
		return op, err
	}
	op.Kind, op.Content, op.Metadata, op.Tags, op.Source, op.CreatedAt = m.Kind, m.Content, meta, m.Tags, m.Source, m.CreatedAt
	if op.Tags == nil {
		op.Tags = []string{}
	}
	return op, nil
}

func remoteOf(m Memory) store.RemoteMemory {
	return store.RemoteMemory{ID: m.ID, ContextID: m.ContextID, Kind: m.Kind, Content: m.Content, Metadata: m.Metadata,
		Tags: m.Tags, Source: m.Source, Author: m.Author, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt,
		Version: m.Version, Deleted: m.Deleted}
}

func (e *Engine) pull(ctx context.Context, s *Summary) error {
	synced, err := e.Store.SyncedContexts(ctx)
	if err != nil {
		return err
	}
	cursors := make(map[string]int64, len(synced))
	for _, c := range synced {
		cursors[c.ID] = c.Cursor
	}
	for {
		var resp *PullResponse
		err := e.retry(ctx, s, func() error {
			var err error
			resp, err = e.Client.Pull(ctx, PullRequest{Cursors: cursors, Limit: e.PullLimit})
			return err
		})
		if err != nil {
			return fmt.Errorf("pull: %w", err)
		}
		// Names of new contexts may need the server: ask before the transaction.
		gained := make([]store.SyncedContext, 0, len(resp.Gained))
		for _, g := range resp.Gained {
			name, err := e.localName(ctx, g)
			if err != nil {
				return err
			}
			gained = append(gained, store.SyncedContext{ID: g.ID, Name: name, Description: g.Description,
				Visibility: g.Visibility, OwnerKind: g.OwnerKind, Level: g.Level})
		}
		more := resp.More
		var lost []LostContext
		var newNames []string
		pulled := 0
		err = e.Store.WithTx(ctx, func(tx *store.Tx) error {
			lost, newNames, pulled = nil, nil, 0
			for _, id := range resp.Lost {
				name, n, unpushed, err := tx.DropSyncedContext(ctx, id)
				if err != nil {
					return err
				}
				if name != "" {
					lost = append(lost, LostContext{Name: name, Memories: n, Unpushed: unpushed})
				}
			}
			for _, g := range gained {
				name, err := tx.AddSyncedContext(ctx, g)
				if err != nil {
					return err
				}
				newNames = append(newNames, name)
			}
			for _, pc := range resp.Contexts {
				if _, err := tx.GetContextByID(ctx, pc.ID); err != nil {
					if errors.Is(err, store.ErrNotFound) {
						continue
					}
					return err
				}
				for _, m := range pc.Changes {
					ok, err := tx.ApplyRemote(ctx, remoteOf(m))
					if err != nil {
						return err
					}
					if ok {
						pulled++
					}
				}
				if err := tx.SetCursor(ctx, pc.ID, pc.Cursor); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range resp.Lost {
			delete(cursors, id)
		}
		for _, g := range gained {
			cursors[g.ID] = 0
		}
		for _, pc := range resp.Contexts {
			if _, ok := cursors[pc.ID]; ok {
				cursors[pc.ID] = pc.Cursor
			}
			more = more || pc.More
		}
		s.Pulled += pulled
		s.Lost = append(s.Lost, lost...)
		s.Removed += len(lost)
		s.Gained = append(s.Gained, newNames...)
		if !more {
			return nil
		}
		e.progress("pulled %d changes", s.Pulled)
	}
}

// localName is the name a context gained from the server gets on this
// machine: ORG/TEAM/NAME for a team's, ORG/NAME for an org's, NAME for the
// user's own and @shared/NAME for another user's.
func (e *Engine) localName(ctx context.Context, c ContextInfo) (string, error) {
	seg := store.SyncSegment(c.Name)
	if e.names == nil {
		e.names = map[string]string{}
	}
	switch c.OwnerKind {
	case "team", "org":
		prefix, ok := e.names[c.OwnerID]
		if !ok {
			var ref *OwnerRef
			var err error
			if c.OwnerKind == "team" {
				ref, err = e.Client.LookupTeamByID(ctx, c.OwnerID)
			} else {
				ref, err = e.Client.LookupOrg(ctx, c.OwnerID)
			}
			switch {
			case err == nil && c.OwnerKind == "team":
				prefix = store.SyncSegment(ref.Org) + "/" + store.SyncSegment(ref.Name)
			case err == nil:
				prefix = store.SyncSegment(ref.Name)
			case errors.Is(err, ErrNotFound) || errors.Is(err, ErrForbidden):
				// Shared with us by a team or org we are not in.
				prefix = "@shared"
			default:
				return "", err
			}
			e.names[c.OwnerID] = prefix
		}
		return prefix + "/" + seg, nil
	default:
		if e.me == nil {
			me, err := e.Client.Me(ctx)
			if err != nil {
				return "", err
			}
			e.me = me
		}
		if c.OwnerID == e.me.User.ID {
			return seg, nil
		}
		return "@shared/" + seg, nil
	}
}
