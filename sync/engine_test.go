package sync

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	stdsync "sync"
	"testing"
	"time"

	"github.com/mem0dev/mem0/store"
)

// engineFixture is a store with one synced context and a fake server whose
// push answers the test scripts.
type engineFixture struct {
	s      *store.Store
	e      *Engine
	ctxID  string
	mu     stdsync.Mutex
	pushes [][]Op
	answer func(n int, w http.ResponseWriter, req PushRequest) // n: 1-based push count
	slept  []time.Duration
}

func newEngineFixture(t *testing.T) *engineFixture {
	t.Helper()
	ctx := context.Background()
	fx := &engineFixture{}
	s, err := store.Open(ctx, filepath.Join(t.TempDir(), "mem0.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	fx.s = s
	fx.ctxID = "0190a0a0-0000-7000-8000-0000000000c1"
	if err := s.WithTx(ctx, func(tx *store.Tx) error {
		_, err := tx.AddSyncedContext(ctx, store.SyncedContext{ID: fx.ctxID, Name: "acme/backend/runbook", Visibility: "private", OwnerKind: "team", Level: "write"})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/sync/push", func(w http.ResponseWriter, r *http.Request) {
		var req PushRequest
		json.NewDecoder(r.Body).Decode(&req)
		fx.mu.Lock()
		fx.pushes = append(fx.pushes, req.Ops)
		n := len(fx.pushes)
		fx.mu.Unlock()
		fx.answer(n, w, req)
	})
	mux.HandleFunc("POST /api/v1/sync/pull", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(PullResponse{Contexts: []PullContext{}, Gained: []ContextInfo{}, Lost: []string{}})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	c, err := NewClient(ClientOptions{BaseURL: srv.URL, APIKey: "k"})
	if err != nil {
		t.Fatal(err)
	}
	fx.e = &Engine{Store: s, Client: c, BatchSize: 2, Sleep: func(_ context.Context, d time.Duration) error {
		fx.slept = append(fx.slept, d)
		return nil
	}}
	return fx
}

func (fx *engineFixture) add(t *testing.T, text string) {
	t.Helper()
	ctx := context.Background()
	if err := fx.s.WithTx(ctx, func(tx *store.Tx) error {
		_, _, err := tx.AddMemory(ctx, store.NewMemory{Context: "acme/backend/runbook", Content: text})
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func applyAll(w http.ResponseWriter, req PushRequest) {
	res := PushResponse{}
	for _, op := range req.Ops {
		res.Results = append(res.Results, OpResult{OpID: op.OpID, Status: StatusApplied, MemoryID: op.MemoryID, Version: 1})
	}
	json.NewEncoder(w).Encode(res)
}

func apiError(w http.ResponseWriter, status int) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": map[string]string{"code": "x", "message": "no"}})
}

// Transient failures are retried with the same op ids and growing waits;
// batches go in order.
func TestEngineRetriesWithSameOpIDs(t *testing.T) {
	fx := newEngineFixture(t)
	for _, s := range []string{"one", "two", "three"} {
		fx.add(t, s)
	}
	fx.answer = func(n int, w http.ResponseWriter, req PushRequest) {
		if n <= 2 {
			apiError(w, http.StatusServiceUnavailable)
			return
		}
		applyAll(w, req)
	}
	sum, err := fx.e.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.Pushed != 3 || sum.Applied != 3 {
		t.Fatalf("summary %+v", sum)
	}
	if len(fx.pushes) != 4 || fx.pushes[0][0].OpID != fx.pushes[2][0].OpID || len(fx.pushes[2]) != 2 || fx.pushes[3][0].Content != "three" {
		t.Fatalf("pushes %+v", fx.pushes)
	}
	if len(fx.slept) != 2 || fx.slept[1] <= fx.slept[0] {
		t.Fatalf("waits %v", fx.slept)
	}
	if fx.pushes[0][0].BaseVersion != 0 || fx.pushes[0][0].ClientTime.IsZero() {
		t.Fatalf("op %+v", fx.pushes[0][0])
	}
	if n, _ := fx.s.PendingCount(context.Background()); n != 0 {
		t.Fatalf("%d pending", n)
	}
}

// An auth error stops at once, keeps everything queued and is recorded.
func TestEngineStopsOnAuthError(t *testing.T) {
	fx := newEngineFixture(t)
	fx.add(t, "one")
	fx.answer = func(n int, w http.ResponseWriter, req PushRequest) { apiError(w, http.StatusUnauthorized) }
	_, err := fx.e.Run(context.Background())
	if !errors.Is(err, ErrUnauthorized) {
		t.Fatalf("err %v", err)
	}
	if len(fx.pushes) != 1 || len(fx.slept) != 0 {
		t.Fatalf("retried an auth error: %d pushes", len(fx.pushes))
	}
	ctx := context.Background()
	if n, _ := fx.s.PendingCount(ctx); n != 1 {
		t.Fatalf("%d pending", n)
	}
	if last, _ := fx.s.State(ctx, store.StateSyncLastError); last == "" {
		t.Fatal("the error was not recorded")
	}
	// Out of attempts on a server that stays down: still queued.
	fx.answer = func(n int, w http.ResponseWriter, req PushRequest) { apiError(w, http.StatusBadGateway) }
	if _, err := fx.e.Run(ctx); !errors.Is(err, ErrServer) {
		t.Fatalf("err %v", err)
	}
	if n, _ := fx.s.PendingCount(ctx); n != 1 {
		t.Fatalf("%d pending", n)
	}
}
