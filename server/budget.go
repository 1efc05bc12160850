package server

import (
	"unicode/utf8"

	wire "github.com/mem0dev/mem0/sync"
)

// Answers that grow with the data (sync pull, memory lists, history) stop
// adding items once their encoded size would pass cfg.MaxResponseBytes and
// tell the client where to continue. The sizes below are upper bounds of
// what writeJSON produces (HTML escaping off), computed without encoding.

// jsonStringLen is an upper bound of the encoded length of s as a JSON
// string, quotes included.
func jsonStringLen(s string) int {
	n := 2
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				n += 2
			case c < 0x20:
				n += 6 // \u00XX (some have shorter forms)
			default:
				n++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			n += 6 // \ufffd
		case r == '\u2028' || r == '\u2029':
			n += 6
		default:
			n += size
		}
		i += size
	}
	return n
}

// memoryOverhead bounds the field names, ids, times, numbers and
// punctuation of one encoded memory.
const memoryOverhead = 512

// memoryJSONSize bounds the encoded size of m.
func memoryJSONSize(m *wire.Memory) int {
	return memoryOverhead + jsonStringLen(m.Content) + len(m.Metadata) + tagsJSONSize(m.Tags) +
		jsonStringLen(m.Kind) + jsonStringLen(m.Source) + jsonStringLen(m.DeviceID) + jsonStringLen(m.Author)
}

func tagsJSONSize(tags []string) int {
	n := 2
	for _, t := range tags {
		n += jsonStringLen(t) + 1
	}
	return n
}

// contextInfoJSONSize bounds the encoded size of c.
func contextInfoJSONSize(c *wire.ContextInfo) int {
	return memoryOverhead + jsonStringLen(c.Name) + jsonStringLen(c.Description)
}
