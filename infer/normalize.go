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
func Normalize(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	s = strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || strings.ContainsRune("\"'`“”‘’«»", r)
	})
	return strings.TrimRightFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) && !strings.ContainsRune(")]}\"'%", r)
	})
}

// NormHash is the hash of Normalize(s), the key facts are deduplicated by.
func NormHash(s string) string {
	h := sha256.Sum256([]byte(Normalize(s)))
	return hex.EncodeToString(h[:16])
}
