package cli

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/mem0dev/mem0/store/content"
)

// readText returns the content given as arguments, or read from stdin when
// there are none (or the only one is "-") and stdin is not a terminal.
// Reading stops at the limit, but the rest is counted so the error can say
// how large the input was.
func readText(ios *IOStreams, args []string, maxBytes int) (string, error) {
	if len(args) > 0 && !(len(args) == 1 && args[0] == "-") {
		return strings.Join(args, " "), nil
	}
	if ios.IsStdinTTY() && len(args) == 0 {
		return "", usageErrorf("give the text to remember as arguments, or pipe it on stdin")
	}
	return readLimited(ios.In, "stdin", maxBytes)
}

// readFile reads the text to remember from a file, like readText does
// stdin.
func readFile(path string, maxBytes int) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("read the text to remember: %w", err)
	}
	defer f.Close()
	return readLimited(f, path, maxBytes)
}

// readLimited reads all of r, refusing more than maxBytes (after a final
// line ending) with a SizeError that tells the whole size.
func readLimited(r io.Reader, what string, maxBytes int) (string, error) {
	if maxBytes <= 0 {
		maxBytes = content.DefaultMaxBytes
	}
	// Two bytes of slack for the line ending trimmed below: the limit is on
	// what is stored.
	buf, err := io.ReadAll(io.LimitReader(r, int64(maxBytes)+3))
	if err != nil {
		return "", fmt.Errorf("read %s: %w", what, err)
	}
	if len(buf) > maxBytes+2 {
		rest, err := io.Copy(io.Discard, r)
		if err != nil {
			return "", fmt.Errorf("read %s: %w", what, err)
		}
		return "", &content.SizeError{Size: int64(len(buf)) + rest, Limit: maxBytes}
	}
	// A trailing newline from echo or a file is not part of the memory.
	return strings.TrimRight(string(buf), "\r\n"), nil
}

// parseMeta turns repeated key=value flags into a metadata object.
func parseMeta(pairs []string, allowEmpty bool) (map[string]any, error) {
	if len(pairs) == 0 {
		return nil, nil
	}
	meta := make(map[string]any, len(pairs))
	for _, p := range pairs {
		k, v, ok := strings.Cut(p, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, usageErrorf("--meta %q: use key=value", p)
		}
		if v == "" && allowEmpty {
			meta[k] = nil // removes the key
			continue
		}
		for _, part := range []string{k, v} {
			if !utf8.ValidString(part) || strings.IndexByte(part, 0) >= 0 {
				return nil, usageErrorf("--meta %q: keys and values must be UTF-8 text without NUL bytes", p)
			}
		}
		meta[k] = v
	}
	return meta, nil
}

func checkKind(kind string) error {
	if kind != "" && !content.ValidKind(kind) {
		return usageErrorf("--kind %q: use one of %s", kind, strings.Join(content.Kinds, ", "))
	}
	return nil
}
