//go:build !windows

package cli

import (
	"os/exec"
	"syscall"
)

// detach runs the child in its own session: it outlives the command and a
// Ctrl-C in the terminal does not reach it.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true} }
