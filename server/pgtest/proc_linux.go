//go:build linux

package pgtest

import "syscall"

// setDeathSignal makes the kernel kill PostgreSQL if the test binary dies
// (a panic or a go test timeout), so no cluster outlives its tests.
func setDeathSignal(a *syscall.SysProcAttr) { a.Pdeathsig = syscall.SIGKILL }
