package store

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestSyncedNames(t *testing.T) {
	for _, ok := range []string{"acme/backend/runbook", "acme/notes", "@shared/notes", "a.b/c-d/e_f"} {
		if err := ValidateContextRef(ok); err != nil {
			t.Errorf("%s: %v", ok, err)
		}
		if ValidateLocalContextName(ok) == nil {
			t.Errorf("%s accepted as a local name", ok)
		}
	}
	for _, bad := range []string{"a/b/c/d", "/a", "a/", "a//b", "a/@b", "-a/b"} {
		if ValidateContextRef(bad) == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	if got := SyncSegment("Run book: v2!"); got != "Run-book--v2-" {
		t.Errorf("SyncSegment = %q", got)
	}
	if got := SyncSegment("_x"); got != "x_x" {
		t.Errorf("SyncSegment = %q", got)
	}
	ctx := context.Background()
	s := openTest(t)
	err := s.WithTx(ctx, func(tx *Tx) error {
		_, err := tx.CreateContext(ctx, "acme/x", "")
		return err
	})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("created a local context with '/': %v", err)
	}
}

// TestSyncStore walks one context through what the engine does: upload,
// acknowledge, conflicts both ways, refusals, pulls and revocation.
func TestSyncStore(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m := add(t, s, NewMemory{Context: "notes", Content: "first"})
	add(t, s, NewMemory{Context: "notes", Content: "second"})
	if n, _ := s.PendingCount(ctx); n != 0 {
		t.Fatalf("a local context queued %d changes", n)
	}
	var dev1, dev2 string
	tx := func(fn func(tx *Tx) error) {
		t.Helper()
		if err := s.WithTx(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	tx(func(tx *Tx) (err error) { dev1, err = tx.DeviceID(ctx); return })
	tx(func(tx *Tx) (err error) { dev2, err = tx.DeviceID(ctx); return })
	if dev1 == "" || dev1 != dev2 {
		t.Fatalf("device ids %q %q", dev1, dev2)
	}
	c, _ := s.GetContext(ctx, "notes")
	tx(func(tx *Tx) error {
		n, err := tx.MarkContextSynced(ctx, c.ID, "private", "user", "owner")
		if n != 2 {
			t.Errorf("queued %d", n)
		}
		return err
	})
	ops, err := s.PendingOps(ctx, 10)
	if err != nil || len(ops) != 2 || ops[0].MemoryID != m.ID || ops[0].Memory.Content != "first" {
		t.Fatalf("pending %v %+v", err, ops)
	}
	// An edit queues another entry; the first entry still carries version 1's text.
	tx(func(tx *Tx) error {
		text := "first, edited"
		_, _, err := tx.UpdateMemory(ctx, m.ID, Patch{Content: &text})
		return err
	})
	ops, _ = s.PendingOps(ctx, 10)
	if len(ops) != 3 || ops[0].Memory.Content != "first" || ops[2].Memory.Content != "first, edited" || ops[2].Version != 2 {
		t.Fatalf("pending after edit %+v", ops)
	}
	// Acknowledge: applied, refused, and the edit lost to the server's version.
	server := RemoteMemory{ID: m.ID, ContextID: c.ID, Kind: "note", Content: "theirs", Tags: []string{}, Source: "cli",
		UpdatedAt: time.Now(), CreatedAt: time.Now(), Version: 2}
	tx(func(tx *Tx) error {
		if err := tx.ApplyPushOutcome(ctx, ops[0], PushOutcome{Status: "applied", Version: 1}); err != nil {
			return err
		}
		if err := tx.ApplyPushOutcome(ctx, ops[1], PushOutcome{Status: "refused", Reason: "forbidden", Message: "no"}); err != nil {
			return err
		}
		return tx.ApplyPushOutcome(ctx, ops[2], PushOutcome{Status: "conflict_resolved", Winner: "server", Version: 2, Server: &server})
	})
	if n, _ := s.PendingCount(ctx); n != 0 {
		t.Fatalf("%d left in the outbox", n)
	}
	got, _ := s.GetMemory(ctx, m.ID)
	if got.Content != "theirs" || got.Version != 2 {
		t.Fatalf("after conflict: %+v", got)
	}
	h, _ := s.History(ctx, m.ID)
	foundLoser := false
	for _, v := range h {
		foundLoser = foundLoser || v.Content == "first, edited" && !v.Current
	}
	if !foundLoser {
		t.Fatalf("the losing edit is not in history: %+v", h)
	}
	ref, _ := s.RefusedOps(ctx)
	if len(ref) != 1 || ref[0].Reason != "forbidden" || ref[0].Content != "second" || ref[0].Context != "notes" {
		t.Fatalf("refused: %+v", ref)
	}
	// Pulls: a newer version replaces, a memory with local changes waits,
	// a new one is added, tombstones delete.
	tx(func(tx *Tx) error {
		n := server
		n.Content, n.Version = "newer", 3
		if ok, err := tx.ApplyRemote(ctx, n); !ok || err != nil {
			t.Errorf("apply newer: %v %v", ok, err)
		}
		fresh := RemoteMemory{ID: "0190a0a0-0000-7000-8000-000000000001", ContextID: c.ID, Kind: "fact", Content: "pulled",
			Source: "api", CreatedAt: time.Now(), UpdatedAt: time.Now(), Version: 4}
		if ok, err := tx.ApplyRemote(ctx, fresh); !ok || err != nil {
			t.Errorf("apply new: %v %v", ok, err)
		}
		return tx.SetCursor(ctx, c.ID, 42)
	})
	got, _ = s.GetMemory(ctx, m.ID)
	if got.Content != "newer" || got.Version != 3 {
		t.Fatalf("after pull: %+v", got)
	}
	tx(func(tx *Tx) error {
		text := "mine"
		_, _, err := tx.UpdateMemory(ctx, m.ID, Patch{Content: &text})
		return err
	})
	tx(func(tx *Tx) error {
		n := server
		n.Content, n.Version = "even newer", 4
		ok, err := tx.ApplyRemote(ctx, n)
		if ok {
			t.Error("a pull overwrote an unpushed change")
		}
		return err
	})
	sc, _ := s.SyncedContexts(ctx)
	if len(sc) != 1 || sc[0].Cursor != 42 || sc[0].Name != "notes" {
		t.Fatalf("synced contexts %+v", sc)
	}
	// Gained contexts get unique names; lost ones go with their data.
	tx(func(tx *Tx) error {
		n1, err := tx.AddSyncedContext(ctx, SyncedContext{ID: "0190a0a0-0000-7000-8000-0000000000c1", Name: "acme/backend/runbook", Visibility: "private", OwnerKind: "team", Level: "read"})
		if err != nil {
			return err
		}
		n2, err := tx.AddSyncedContext(ctx, SyncedContext{ID: "0190a0a0-0000-7000-8000-0000000000c2", Name: "acme/backend/runbook", Visibility: "private", OwnerKind: "team", Level: "read"})
		if n1 != "acme/backend/runbook" || n2 != "acme/backend/runbook-2" {
			t.Errorf("names %q %q", n1, n2)
		}
		return err
	})
	tx(func(tx *Tx) error {
		name, n, unpushed, err := tx.DropSyncedContext(ctx, c.ID)
		if name != "notes" || n != 3 || unpushed != 1 {
			t.Errorf("dropped %q %d %d", name, n, unpushed)
		}
		return err
	})
	if _, err := s.GetMemory(ctx, m.ID); !errors.Is(err, ErrNotFound) {
		t.Fatalf("memory of a lost context still there: %v", err)
	}
	if n, _ := s.PendingCount(ctx); n != 0 {
		t.Fatalf("%d left in the outbox", n)
	}
}

// Review fixes: a memory edited before its context is uploaded is renumbered
// to the server's version 1 (its past below it), so later edits never meet
// a stale history row; an upload the server has but this machine never
// recorded is queued when the context comes back; a replayed "server won"
// answer changes nothing here and pulls the context again; an older pulled
// version never replaces a newer one.
func TestSyncReviewFixes(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	tx := func(fn func(tx *Tx) error) {
		t.Helper()
		if err := s.WithTx(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	m := add(t, s, NewMemory{Context: "notes", Content: "v1"})
	for _, text := range []string{"v2", "v3"} {
		tx(func(tx *Tx) error { _, _, err := tx.UpdateMemory(ctx, m.ID, Patch{Content: &text}); return err })
	}
	c, _ := s.GetContext(ctx, "notes")
	tx(func(tx *Tx) error { _, err := tx.MarkContextSynced(ctx, c.ID, "private", "user", "owner"); return err })
	got, _ := s.GetMemory(ctx, m.ID)
	hist, _ := s.History(ctx, m.ID)
	if got.Version != 1 || got.Content != "v3" || len(hist) != 3 || hist[0].Version != -1 || hist[1].Version != 0 || hist[1].Content != "v2" || !hist[2].Current {
		t.Fatalf("after upload: v%d %q, history %+v", got.Version, got.Content, hist)
	}
	ops, _ := s.PendingOps(ctx, 10)
	if len(ops) != 1 || ops[0].Version != 1 || ops[0].Memory == nil || ops[0].Memory.Content != "v3" {
		t.Fatalf("queued %+v", ops)
	}
	edit := "edit A"
	tx(func(tx *Tx) error { _, _, err := tx.UpdateMemory(ctx, m.ID, Patch{Content: &edit}); return err })
	ops, _ = s.PendingOps(ctx, 10)
	if len(ops) != 2 || ops[1].Version != 2 || ops[1].Memory.Content != "edit A" {
		t.Fatalf("an edit after the upload pushes %+v", ops[1])
	}

	// An upload recorded on the server only: the memories are queued when
	// the pull brings the context back.
	n := add(t, s, NewMemory{Context: "half", Content: "never queued"})
	h, _ := s.GetContext(ctx, "half")
	tx(func(tx *Tx) error {
		_, err := tx.AddSyncedContext(ctx, SyncedContext{ID: h.ID, Name: "half", Visibility: "private", OwnerKind: "user", Level: "owner"})
		return err
	})
	ops, _ = s.PendingOps(ctx, 10)
	if len(ops) != 3 || ops[2].MemoryID != n.ID {
		t.Fatalf("the half-done upload queued %+v", ops)
	}

	// A replayed "server won" answer without the memory.
	tx(func(tx *Tx) error { return tx.SetCursor(ctx, c.ID, 42) })
	tx(func(tx *Tx) error {
		return tx.ApplyPushOutcome(ctx, ops[1], PushOutcome{Status: "conflict_resolved", Winner: "server", Version: 2})
	})
	got, _ = s.GetMemory(ctx, m.ID)
	synced, _ := s.SyncedContexts(ctx)
	var cursor int64 = -1
	for _, sc := range synced {
		if sc.ID == c.ID {
			cursor = sc.Cursor
		}
	}
	if got.Content != "edit A" || got.Version != 2 || cursor != 0 {
		t.Fatalf("after a replayed answer: %q v%d, cursor %d", got.Content, got.Version, cursor)
	}

	// An older pulled version is not applied.
	tx(func(tx *Tx) error {
		return tx.ApplyPushOutcome(ctx, ops[0], PushOutcome{Status: "applied", Version: 1})
	})
	tx(func(tx *Tx) (err error) {
		applied, err := tx.ApplyRemote(ctx, RemoteMemory{ID: m.ID, ContextID: c.ID, Kind: "note", Content: "stale", Version: 1,
			CreatedAt: time.Now(), UpdatedAt: time.Now()})
		if applied {
			t.Error("an older version was applied")
		}
		return err
	})
	if got, _ := s.GetMemory(ctx, m.ID); got.Content != "edit A" {
		t.Fatalf("an older pulled version replaced %q", got.Content)
	}
}
