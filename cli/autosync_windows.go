//go:build windows

package cli

import (
	"os/exec"
	"syscall"
)

// detach runs the child without a console, in its own process group.
func detach(cmd *exec.Cmd) {
	const detachedProcess = 0x00000008
	cmd.SysProcAttr = &syscall.SysProcAttr{CreationFlags: syscall.CREATE_NEW_PROCESS_GROUP | detachedProcess}
}
