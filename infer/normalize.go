package infer

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

// Normalize is how two facts are compared: lower case, white space
// collapsed, trailing punctuation and surrounding quotes gone. "Ana owns
// billing." and "ana  owns billing" are one fact.
//
// Quotes and punctuation are trimmed in turn until neither changes
// anything: `"Ana owns billing".` loses the full stop, then the quotes,
// and "… with `make publish`." the full stop, then the backquote.
func Normalize(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	for {
		t := strings.TrimFunc(s, func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("\"'`“”‘’«»", r)
		})
		t = strings.TrimRightFunc(t, func(r rune) bool {
			return unicode.IsSpace(r) || unicode.IsPunct(r) && !strings.ContainsRune(")]}\"'%", r)
		})
		if t == s {
			return s
		}
		s = t
	}
}

// NormHash is the hash of Normalize(s), the key facts are deduplicated by.
func NormHash(s string) string {
	h := sha256.Sum256([]byte(Normalize(s)))
	return hex.EncodeToString(h[:16])
}
