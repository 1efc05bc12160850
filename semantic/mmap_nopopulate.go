//go:build unix && !linux

package semantic

import "golang.org/x/sys/unix"

// prefault tells the system the whole file is about to be read.
func prefault(data []byte) { unix.Madvise(data, unix.MADV_WILLNEED) }
