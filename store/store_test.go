package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func openTest(t *testing.T) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(t.TempDir(), "mem0.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func add(t *testing.T, s *Store, in NewMemory) *Memory {
	t.Helper()
	var m *Memory
	err := s.WithTx(context.Background(), func(tx *Tx) error {
		var err error
		m, _, err = tx.AddMemory(context.Background(), in)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestOpenMigratesOnceAndUsesWAL(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "mem0.db")
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	v, _ := s.SchemaVersion(ctx)
	migs, _ := loadMigrations()
	if v != len(migs) {
		t.Fatalf("schema version %d, want %d", v, len(migs))
	}
	var mode string
	s.db.QueryRow("PRAGMA journal_mode").Scan(&mode)
	if mode != "wal" {
		t.Fatalf("journal mode %q", mode)
	}
	var fk int
	s.db.QueryRow("PRAGMA foreign_keys").Scan(&fk)
	if fk != 1 {
		t.Fatal("foreign keys off")
	}
	s.Close()
	// Reopening an up-to-date database applies nothing: a migration run
	// again would fail on tables that exist, and the version stays.
	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if again, _ := s.SchemaVersion(ctx); again != len(migs) {
		t.Fatalf("schema version %d after reopening, want %d", again, len(migs))
	}
	s.Close()
}

func TestOpenRejectsNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mem0.db")
	s, _ := Open(ctx, path, Options{})
	s.db.Exec("PRAGMA user_version = 999")
	s.Close()
	_, err := Open(ctx, path, Options{})
	if !errors.Is(err, ErrTooNew) {
		t.Fatalf("got %v, want ErrTooNew", err)
	}
}

func TestOpenCorruptFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mem0.db")
	os.WriteFile(path, []byte(strings.Repeat("this is not a database ", 400)), 0o600)
	_, err := Open(context.Background(), path, Options{})
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("got %v, want ErrCorrupt", err)
	}
}

func TestOpenUnwritablePlace(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	os.WriteFile(file, nil, 0o600)
	_, err := Open(context.Background(), filepath.Join(file, "mem0.db"), Options{})
	if !errors.Is(err, ErrUnwritable) {
		t.Fatalf("got %v, want ErrUnwritable", err)
	}
}

func TestAddRecognisesDuplicates(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	first := add(t, s, NewMemory{Content: "deploy with make publish", Tags: []string{"b", "a", "a", " "}})
	if first.Context != DefaultContext || first.Kind != "note" || first.Source != "cli" || first.Version != 1 {
		t.Fatalf("defaults not applied: %+v", first)
	}
	if strings.Join(first.Tags, ",") != "a,b" {
		t.Fatalf("tags not normalised: %v", first.Tags)
	}
	var dup bool
	var again *Memory
	s.WithTx(ctx, func(tx *Tx) error {
		var err error
		again, dup, err = tx.AddMemory(ctx, NewMemory{Content: "  deploy with make publish\n"})
		return err
	})
	if !dup || again.ID != first.ID {
		t.Fatalf("duplicate not recognised: dup=%v id=%s", dup, again.ID)
	}
	other := add(t, s, NewMemory{Content: "deploy with make publish", AllowDuplicate: true})
	if other.ID == first.ID {
		t.Fatal("AllowDuplicate should add a new memory")
	}
	// The same content in another context is not a duplicate.
	third := add(t, s, NewMemory{Content: "deploy with make publish", Context: "work"})
	if third.ID == first.ID {
		t.Fatal("other context must not count as duplicate")
	}
}

func TestAddRejectsBadInputAndWritesNothing(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	s.opts.MaxContentBytes = 100
	cases := []struct {
		in   NewMemory
		want error
	}{
		{NewMemory{Content: ""}, ErrInvalid},
		{NewMemory{Content: strings.Repeat("x", 101)}, ErrTooLarge},
		{NewMemory{Content: "bad \xff utf8"}, ErrInvalid},
		{NewMemory{Content: "nul \x00 byte"}, ErrInvalid},
		{NewMemory{Content: "ok", Kind: "memo"}, ErrInvalid},
		{NewMemory{Content: "ok", Context: "no spaces allowed"}, ErrInvalid},
		{NewMemory{Content: "ok", Tags: []string{"a,b"}}, ErrInvalid},
	}
	for _, c := range cases {
		err := s.WithTx(ctx, func(tx *Tx) error {
			_, _, err := tx.AddMemory(ctx, c.in)
			return err
		})
		if !errors.Is(err, c.want) {
			t.Errorf("AddMemory(%q) = %v, want %v", c.in.Content, err, c.want)
		}
	}
	st, _ := s.Stats(ctx)
	if st.Memories != 0 || st.Contexts != 0 {
		t.Fatalf("bad input wrote something: %+v", st)
	}
}

func TestHistoryDeleteRestore(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m := add(t, s, NewMemory{Content: "first", Metadata: map[string]any{"a": "1"}})
	txt := "second"
	err := s.WithTx(ctx, func(tx *Tx) error {
		_, changed, err := tx.UpdateMemory(ctx, m.ID, Patch{Content: &txt, Metadata: map[string]any{"b": "2"}})
		if !changed {
			return errors.New("not changed")
		}
		if err != nil {
			return err
		}
		// Same content again: no new version.
		_, changed, err = tx.UpdateMemory(ctx, m.ID, Patch{Content: &txt})
		if changed {
			return errors.New("no-op update made a version")
		}
		if err != nil {
			return err
		}
		_, err = tx.DeleteMemory(ctx, m.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := s.History(ctx, m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 3 || h[0].Content != "first" || h[1].Content != "second" || !h[2].Deleted || !h[2].Current {
		t.Fatalf("history: %+v", h)
	}
	if h[1].Metadata["a"] != "1" || h[1].Metadata["b"] != "2" {
		t.Fatalf("metadata not merged: %v", h[1].Metadata)
	}
	// Deleted memories are hidden from search and listings.
	if res, _, _ := s.Search(ctx, "second", Filter{}, false); len(res) != 0 {
		t.Fatal("deleted memory found by search")
	}
	err = s.WithTx(ctx, func(tx *Tx) error {
		if _, err := tx.RestoreMemory(ctx, m.ID, 0); err != nil {
			return err
		}
		_, err := tx.RestoreMemory(ctx, m.ID, 1)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	got, _ := s.GetMemory(ctx, m.ID)
	if got.Deleted() || got.Content != "first" || got.Version != 5 {
		t.Fatalf("after restore: %+v", got)
	}
	if res, _, _ := s.Search(ctx, "first", Filter{}, false); len(res) != 1 {
		t.Fatal("restored memory not searchable")
	}
	err = s.WithTx(ctx, func(tx *Tx) error { _, err := tx.RestoreMemory(ctx, m.ID, 99); return err })
	if !errors.Is(err, ErrNotFound) {
		t.Fatalf("restore of missing version: %v", err)
	}
}

func TestSearchRanksAndNeverErrorsOnSyntax(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	add(t, s, NewMemory{Content: "docker compose up -d starts the stack in the background"})
	add(t, s, NewMemory{Content: "use docker-compose logs -f to follow logs", Tags: []string{"docker"}})
	add(t, s, NewMemory{Content: "the deploy script lives in scripts/deploy.sh", Kind: "fact"})
	add(t, s, NewMemory{Content: `say "hello" (NEAR the end) with * and : and -minus`})
	for _, q := range []string{`"unbalanced`, `a NEAR b`, `(`, `)`, `*`, `-d`, `col:val`, `AND OR NOT`, `"hello"`,
		`NEAR(`, `^start`, `'single'`, `docker*`, `x" OR "y`} {
		if _, _, err := s.Search(ctx, q, Filter{}, true); err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("query %q: %v", q, err)
		}
	}
	res, mode, err := s.Search(ctx, "docker logs", Filter{}, true)
	if err != nil || mode != MatchAll || len(res) != 1 || !strings.Contains(res[0].Content, "follow logs") {
		t.Fatalf("docker logs: %v %v %+v", err, mode, res)
	}
	if !strings.Contains(res[0].Highlight, MarkStart+"logs"+MarkEnd) {
		t.Fatalf("highlight: %q", res[0].Highlight)
	}
	// Diacritics and case fold, as docs/usage.md says: "CAFE" finds "café".
	add(t, s, NewMemory{Content: "un café au lait"})
	if res, _, _ := s.Search(ctx, "CAFE", Filter{}, false); len(res) != 1 {
		t.Fatalf("diacritic folding: %d results", len(res))
	}
	// Porter stemming: "starting" finds "starts".
	if res, _, _ := s.Search(ctx, "starting", Filter{}, false); len(res) != 1 {
		t.Fatalf("stemming: %d results", len(res))
	}
	// No memory has both words: fall back to any word.
	res, mode, _ = s.Search(ctx, "deploy kubernetes", Filter{}, false)
	if mode != MatchAny || len(res) != 1 {
		t.Fatalf("fallback: %v %d", mode, len(res))
	}
	if res, _, _ := s.Search(ctx, "NEAR", Filter{}, false); len(res) != 1 {
		t.Fatal("NEAR should be an ordinary word")
	}
	if res, _, _ := s.Search(ctx, "docker", Filter{Kind: "fact"}, false); len(res) != 0 {
		t.Fatal("kind filter ignored")
	}
	if res, _, _ := s.Search(ctx, "docker", Filter{Tags: []string{"docker"}}, false); len(res) != 1 {
		t.Fatal("tag filter")
	}
	if res, mode, err := s.Search(ctx, "-- ** ()", Filter{}, false); err != nil || mode != NoWords || len(res) != 0 {
		t.Fatalf("wordless query: %v %v %v", res, mode, err)
	}
}

func TestSearchRecencyBreaksTies(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	s := openTest(t)
	s.opts.Now = func() time.Time { return now }
	old := add(t, s, NewMemory{Content: "rotate the api keys", AllowDuplicate: true})
	now = now.Add(time.Hour)
	recent := add(t, s, NewMemory{Content: "rotate the api keys", AllowDuplicate: true})
	res, _, _ := s.Search(ctx, "rotate keys", Filter{}, false)
	if len(res) != 2 || res[0].ID != recent.ID || res[1].ID != old.ID {
		t.Fatalf("recency tie-break: %v", res)
	}
}

func TestResolveIDPrefixes(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	var ids []string
	for i := 0; i < 5; i++ {
		ids = append(ids, add(t, s, NewMemory{Content: fmt.Sprint("memory ", i)}).ID)
	}
	for _, id := range ids {
		got, err := s.ResolveID(ctx, id)
		if err != nil || got != id {
			t.Fatalf("full id: %v %v", got, err)
		}
		short, _ := s.ShortIDs(ctx, []string{id}, 8)
		got, err = s.ResolveID(ctx, strings.ToUpper(short[id]))
		if err != nil || got != id {
			t.Fatalf("short id %q: %v %v", short[id], got, err)
		}
	}
	// All were made within the same minute: the first 8 characters are shared.
	if _, err := s.ResolveID(ctx, ids[0][:8]); !errors.Is(err, ErrAmbiguous) {
		t.Fatalf("ambiguous prefix: %v", err)
	}
	if _, err := s.ResolveID(ctx, "ffffffff"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("unknown: %v", err)
	}
	if _, err := s.ResolveID(ctx, "ab"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("too short: %v", err)
	}
	if _, err := s.ResolveID(ctx, "zzzzzz"); !errors.Is(err, ErrInvalid) {
		t.Fatalf("not hex: %v", err)
	}
}

func TestContextsRenameDelete(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	add(t, s, NewMemory{Content: "a", Context: "work"})
	err := s.WithTx(ctx, func(tx *Tx) error {
		if err := tx.SetState(ctx, StateCurrentContext, "work"); err != nil {
			return err
		}
		if _, err := tx.CreateContext(ctx, "WORK", ""); !errors.Is(err, ErrConflict) {
			return fmt.Errorf("names are case-insensitive: %v", err)
		}
		return tx.RenameContext(ctx, "work", "job")
	})
	if err != nil {
		t.Fatal(err)
	}
	if cur, _ := s.State(ctx, StateCurrentContext); cur != "job" {
		t.Fatalf("current context did not follow rename: %q", cur)
	}
	err = s.WithTx(ctx, func(tx *Tx) error { _, err := tx.DeleteContext(ctx, "job", false); return err })
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("delete of non-empty context without force: %v", err)
	}
	err = s.WithTx(ctx, func(tx *Tx) error { _, err := tx.DeleteContext(ctx, "job", true); return err })
	if err != nil {
		t.Fatal(err)
	}
	st, _ := s.Stats(ctx)
	if st.Memories != 0 || st.Contexts != 0 {
		t.Fatalf("context delete left rows: %+v", st)
	}
	var fts int
	s.db.QueryRow(`SELECT count(*) FROM memories_fts WHERE memories_fts MATCH 'a'`).Scan(&fts)
	if fts != 0 {
		t.Fatal("full-text index kept deleted rows")
	}
}

func TestExportImportRoundTripIsIdempotent(t *testing.T) {
	ctx := context.Background()
	src := openTest(t)
	m := add(t, src, NewMemory{Content: "v1", Context: "work", Tags: []string{"x"}, Metadata: map[string]any{"n": 1.0}})
	add(t, src, NewMemory{Content: "other"})
	txt := "v2"
	src.WithTx(ctx, func(tx *Tx) error {
		tx.SetContextDescription(ctx, "work", "work stuff")
		_, _, err := tx.UpdateMemory(ctx, m.ID, Patch{Content: &txt})
		return err
	})
	gone := add(t, src, NewMemory{Content: "to be deleted"})
	src.WithTx(ctx, func(tx *Tx) error { _, err := tx.DeleteMemory(ctx, gone.ID); return err })

	var recs []Record
	if err := src.Export(ctx, ExportFilter{IncludeDeleted: true, WithHistory: true}, func(r Record) error {
		recs = append(recs, r)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	dst := openTest(t)
	importAll := func() ImportResult {
		var res ImportResult
		for i := range recs {
			if err := dst.CheckRecord(&recs[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := dst.WithTx(ctx, func(tx *Tx) error { return tx.ImportRecords(ctx, recs, &res) }); err != nil {
			t.Fatal(err)
		}
		return res
	}
	if res := importAll(); res.Added != 3 || res.Unchanged != 0 {
		t.Fatalf("first import: %+v", res)
	}
	if res := importAll(); res.Added != 0 || res.Updated != 0 || res.Unchanged != 3 {
		t.Fatalf("second import changed something: %+v", res)
	}
	for _, id := range []string{m.ID, gone.ID} {
		a, _ := src.History(ctx, id)
		b, _ := dst.History(ctx, id)
		if fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("history differs:\n%v\n%v", a, b)
		}
	}
	c, _ := dst.GetContext(ctx, "work")
	if c.Description != "work stuff" {
		t.Fatalf("context description lost: %q", c.Description)
	}
	got, _ := dst.GetMemory(ctx, m.ID)
	want, _ := src.GetMemory(ctx, m.ID)
	gj, _ := json.Marshal(got)
	wj, _ := json.Marshal(want)
	if string(gj) != string(wj) {
		t.Fatalf("memory differs:\n%+v\n%+v", got, want)
	}
}

func TestOutboxOnlyForSyncedContexts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	add(t, s, NewMemory{Content: "local only"})
	s.WithTx(ctx, func(tx *Tx) error {
		tx.CreateContext(ctx, "team", "")
		return tx.SetContextSync(ctx, "team", true)
	})
	m := add(t, s, NewMemory{Content: "shared", Context: "team"})
	s.WithTx(ctx, func(tx *Tx) error { _, err := tx.DeleteMemory(ctx, m.ID); return err })
	out, err := s.Outbox(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 2 || out[0].Op != "upsert" || out[1].Op != "delete" || out[1].Version != 2 {
		t.Fatalf("outbox: %+v", out)
	}
	s.WithTx(ctx, func(tx *Tx) error { return tx.AckOutbox(ctx, out[0].Seq, out[1].Seq) })
	if out, _ := s.Outbox(ctx, 10); len(out) != 0 {
		t.Fatal("ack did not remove entries")
	}
}

func TestCheckAndRepairSearchIndex(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	add(t, s, NewMemory{Content: "kept in step"})
	if p, err := s.Check(ctx); err != nil || len(p) != 0 {
		t.Fatalf("healthy db: %v %v", p, err)
	}
	// Break the index behind the triggers' back.
	s.db.Exec(`INSERT INTO memories_fts (memories_fts, rowid, content, tags) VALUES ('delete', 1, 'kept in step', '[]')`)
	p, err := s.Check(ctx)
	if err != nil || len(p) != 1 || !p[0].Fixable {
		t.Fatalf("broken index not found: %v %v", p, err)
	}
	if err := s.Repair(ctx); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Check(ctx); len(p) != 0 {
		t.Fatalf("after repair: %v", p)
	}
}

func TestBusyIsReported(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mem0.db")
	s, err := Open(ctx, path, Options{BusyTimeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	other, _ := sql.Open("sqlite", path)
	defer other.Close()
	conn, _ := other.Conn(ctx)
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	err = s.WithTx(ctx, func(tx *Tx) error {
		_, _, err := tx.AddMemory(ctx, NewMemory{Content: "x"})
		return err
	})
	if !errors.Is(err, ErrBusy) {
		t.Fatalf("got %v, want ErrBusy", err)
	}
	conn.ExecContext(ctx, "ROLLBACK")
}

func TestConcurrentWritersFromManyStores(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "mem0.db")
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			s, err := Open(ctx, path, Options{})
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			for i := 0; i < each; i++ {
				if err := s.WithTx(ctx, func(tx *Tx) error {
					_, _, err := tx.AddMemory(ctx, NewMemory{Content: fmt.Sprintf("writer %d item %d", w, i)})
					return err
				}); err != nil {
					errs <- err
					return
				}
			}
		}(w)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s, _ := Open(ctx, path, Options{})
	defer s.Close()
	st, _ := s.Stats(ctx)
	if st.Memories != writers*each {
		t.Fatalf("%d memories, want %d", st.Memories, writers*each)
	}
}

func TestSearchWidensWhenFiltersDropTopHits(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	err := s.WithTx(ctx, func(tx *Tx) error {
		for i := 0; i < 300; i++ {
			// Short texts rank higher than the long one below.
			if _, _, err := tx.AddMemory(ctx, NewMemory{Context: "busy", Content: fmt.Sprintf("deploy %d", i)}); err != nil {
				return err
			}
		}
		_, _, err := tx.AddMemory(ctx, NewMemory{Context: "quiet", Content: "a much longer note that also mentions deploy once among many other words"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	res, _, err := s.Search(ctx, "deploy", Filter{Contexts: []string{"quiet"}, Limit: 5}, false)
	if err != nil || len(res) != 1 || res[0].Context != "quiet" {
		t.Fatalf("filtered search: %v %+v", err, res)
	}
	res, _, _ = s.Search(ctx, "deploy", Filter{Limit: 10, Offset: 295}, false)
	if len(res) != 6 {
		t.Fatalf("offset near the end: %d results", len(res))
	}
	all, _, _ := s.Search(ctx, "deploy", Filter{}, false)
	if len(all) != 301 || all[len(all)-1].Context != "quiet" {
		t.Fatalf("unlimited search: %d", len(all))
	}
}

func TestDatabaseIsPrivate(t *testing.T) {
	if os.PathSeparator != '/' {
		t.Skip("file modes are a POSIX matter")
	}
	s := openTest(t)
	fi, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("database mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestSearchSmallContextAmongManyHits(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	err := s.WithTx(ctx, func(tx *Tx) error {
		for i := 0; i < 5000; i++ {
			if _, _, err := tx.AddMemory(ctx, NewMemory{Context: "big", Content: fmt.Sprintf("docker build image %d", i)}); err != nil {
				return err
			}
		}
		_, _, err := tx.AddMemory(ctx, NewMemory{Context: "small", Content: "docker build for the small project, with a longer text"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Filters reject nearly every hit: the search must widen past the
	// index-first rounds without binding thousands of variables.
	res, _, err := s.Search(ctx, "docker", Filter{Contexts: []string{"small"}, Limit: 10}, false)
	if err != nil || len(res) != 1 || res[0].Context != "small" {
		t.Fatalf("small context: %v %d", err, len(res))
	}
	// Equal scores: the newest first, as in the joined query.
	res, _, _ = s.Search(ctx, "docker", Filter{Contexts: []string{"big"}, Limit: 3}, false)
	if len(res) != 3 || res[0].Content != "docker build image 4999" {
		t.Fatalf("recency among equal scores: %+v", res[0].Memory)
	}
}

func TestUpdateRefusesAStaleVersion(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	m := add(t, s, NewMemory{Content: "v1"})
	a, b := "from the editor", "from another process"
	s.WithTx(ctx, func(tx *Tx) error { _, _, err := tx.UpdateMemory(ctx, m.ID, Patch{Content: &b}); return err })
	err := s.WithTx(ctx, func(tx *Tx) error {
		_, _, err := tx.UpdateMemory(ctx, m.ID, Patch{Content: &a, IfVersion: 1})
		return err
	})
	if !errors.Is(err, ErrConflict) {
		t.Fatalf("stale edit: %v", err)
	}
	if got, _ := s.GetMemory(ctx, m.ID); got.Content != b {
		t.Fatalf("stale edit overwrote: %q", got.Content)
	}
}
