//go:build !(linux || darwin || freebsd || openbsd || netbsd || dragonfly || windows)

package cli

import "os"

// Elsewhere refreshes are not serialised between processes.
func tryLockFile(*os.File) (bool, error) { return true, nil }

func unlockFile(*os.File) {}
