package content

import (
	"errors"
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name string
		text string
		max  int
		want error
	}{
		{"ok", "deploy with make publish", 0, nil},
		{"unicode", "café ☕ 日本語", 0, nil},
		{"empty", "", 0, ErrEmpty},
		{"blank", " \n\t ", 0, ErrEmpty},
		{"at limit", strings.Repeat("a", 10), 10, nil},
		{"over limit", strings.Repeat("a", 11), 10, ErrTooLarge},
		{"default limit", strings.Repeat("a", DefaultMaxBytes+1), 0, ErrTooLarge},
		{"invalid utf8", "abc\xff", 0, ErrInvalidUTF8},
		{"nul", "a\x00b", 0, ErrNUL},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := Validate(c.text, c.max)
			if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
				t.Fatalf("Validate(%q) = %v, want %v", c.text, err, c.want)
			}
		})
	}
}

func TestHashIgnoresOnlySurroundingWhitespace(t *testing.T) {
	if Hash("  git push\n") != Hash("git push") {
		t.Fatal("surrounding white space should not change the hash")
	}
	if Hash("if x:\n    return 1") == Hash("if x: return 1") {
		t.Fatal("indentation is part of the text")
	}
	if Hash("git push") == Hash("git pull") {
		t.Fatal("different text must hash differently")
	}
	if Hash("Git push") == Hash("git push") {
		t.Fatal("case is significant")
	}
}

func TestKindsAndSources(t *testing.T) {
	for _, k := range Kinds {
		if !ValidKind(k) {
			t.Fatalf("kind %q should be valid", k)
		}
	}
	if ValidKind("memo") || ValidSource("web") {
		t.Fatal("unknown kind or source accepted")
	}
}
