package ai

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func entry(i int, texts ...string) Sent {
	return Sent{Time: time.Date(2026, 11, 28, 12, 0, i, 0, time.UTC), Role: "llm", Purpose: "summarize", Provider: OpenAI,
		Host: "http://127.0.0.1:1", Model: "m", Op: "chat", Texts: texts, Items: len(texts), Bytes: i, LatencyMS: int64(i)}
}

func TestLogAppendAndReadTheLast(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state", "ai.log") // the folder is made
	if got, err := ReadLog(path, 5); err != nil || len(got) != 0 {
		t.Fatalf("missing log: %v %v", got, err)
	}
	for i := 1; i <= 3; i++ {
		if err := AppendLog(path, entry(i, fmt.Sprint("text ", i))); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadLog(path, 2)
	if err != nil || len(got) != 2 || got[0].Bytes != 2 || got[1].Bytes != 3 || got[1].Texts[0] != "text 3" || got[1].Provider != OpenAI {
		t.Fatalf("%+v %v", got, err)
	}
	if all, _ := ReadLog(path, 0); len(all) != 3 || all[0].Bytes != 1 {
		t.Fatalf("all: %+v", all)
	}
	if runtime.GOOS != "windows" {
		for _, p := range []string{path, filepath.Dir(path)} {
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if want := map[bool]os.FileMode{true: 0o700, false: 0o600}[fi.IsDir()]; fi.Mode().Perm() != want {
				t.Errorf("%s: mode %v, want %v", p, fi.Mode().Perm(), want)
			}
		}
	}
}

func TestLogCutsTextsButKeepsCounts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ai.log")
	texts := make([]string, 30)
	for i := range texts {
		texts[i] = strings.Repeat("é", 3000) // 6000 bytes, two per rune
	}
	s := entry(1, texts...)
	s.Bytes = 30 * 6000
	if err := AppendLog(path, s); err != nil {
		t.Fatal(err)
	}
	got, _ := ReadLog(path, 0)
	if len(got) != 1 || got[0].Items != 30 || got[0].Bytes != 180000 || len(got[0].Texts) != logMaxTexts {
		t.Fatalf("%d texts, items %d", len(got[0].Texts), got[0].Items)
	}
	if tx := got[0].Texts[0]; !strings.HasSuffix(tx, "…") || len(tx) > logMaxText+len("…") || !strings.HasPrefix(tx, "éé") {
		t.Errorf("cut text: %d bytes, ends %q", len(tx), tx[len(tx)-8:])
	}
}

func TestLogRotatesPastOneMiB(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ai.log")
	big := strings.Repeat("x", logMaxText)
	texts := make([]string, logMaxTexts)
	for i := range texts {
		texts[i] = big
	}
	const n = 40 // 40 KB each: the log passes 1 MiB once
	for i := 1; i <= n; i++ {
		if err := AppendLog(path, entry(i, texts...)); err != nil {
			t.Fatal(err)
		}
	}
	old, err := os.Stat(path + ".1")
	if err != nil {
		t.Fatalf("not rotated: %v", err)
	}
	cur, _ := os.Stat(path)
	if old.Size() <= logMaxBytes || cur.Size() >= old.Size() {
		t.Errorf("sizes: old %d, current %d", old.Size(), cur.Size())
	}
	all, err := ReadLog(path, 0)
	if err != nil || len(all) != n {
		t.Fatalf("%d entries, %v", len(all), err)
	}
	for i, s := range all {
		if s.Bytes != i+1 {
			t.Fatalf("entry %d is %d: out of order", i, s.Bytes)
		}
	}
	if last, _ := ReadLog(path, 3); len(last) != 3 || last[0].Bytes != n-2 || last[2].Bytes != n {
		t.Errorf("last 3: %+v", last)
	}
	if runtime.GOOS != "windows" && old.Mode().Perm() != 0o600 {
		t.Errorf("rotated part: mode %v", old.Mode().Perm())
	}
	// A second rotation drops the oldest part: the log stays bounded.
	for i := n + 1; i <= 3*n; i++ {
		if err := AppendLog(path, entry(i, texts...)); err != nil {
			t.Fatal(err)
		}
	}
	all, _ = ReadLog(path, 0)
	if len(all) >= 3*n || all[len(all)-1].Bytes != 3*n {
		t.Errorf("after a second rotation: %d entries, last %d", len(all), all[len(all)-1].Bytes)
	}
}

func TestLogSkipsATornLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ai.log")
	if err := AppendLog(path, entry(1, "a")); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`{"time":"2026-11-28T12:00:02Z","role":"ll` + "\n") // a write cut short
	f.Close()
	if err := AppendLog(path, entry(3, "c")); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLog(path, 0)
	if err != nil || len(got) != 2 || got[0].Bytes != 1 || got[1].Bytes != 3 {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestLogEntryAfterATornWriteIsKept(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ai.log")
	if err := os.WriteFile(path, []byte(`{"time":"2026-11-28T00:00:00Z","role":"llm","pur`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := AppendLog(path, Sent{Role: "embedder", Purpose: "search"}); err != nil {
		t.Fatal(err)
	}
	got, err := ReadLog(path, 0)
	if err != nil || len(got) != 1 || got[0].Purpose != "search" {
		t.Fatalf("%v %+v", err, got)
	}
}
