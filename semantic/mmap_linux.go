package semantic

import "golang.org/x/sys/unix"

// prefault asks for huge pages where the file is held in them, then maps
// every page in one call instead of a page fault per few pages touched by
// the scan. Both are hints: older kernels refuse them, and nothing changes.
func prefault(data []byte) {
	unix.Madvise(data, unix.MADV_HUGEPAGE)
	if unix.Madvise(data, unix.MADV_POPULATE_READ) != nil { // Linux 5.14
		unix.Madvise(data, unix.MADV_WILLNEED)
	}
}
