//go:build !unix

package pgtest

import "os/exec"

type cred struct{}

func credential() (*cred, error) {
	return nil, &missingError{"the PostgreSQL test cluster is only supported on Unix"}
}

func prepareDir(string, *cred) error { return nil }
func setCredential(*exec.Cmd, *cred) {}
func interrupt(cmd *exec.Cmd)        { cmd.Process.Kill() }
