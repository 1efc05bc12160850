package semantic

import "syscall"

// mapPopulate maps every page at once: one call instead of a page fault
// per 4 KiB touched by the scan.
const mapPopulate = syscall.MAP_POPULATE
