//go:build unix

package pgtest

import (
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"strconv"
	"syscall"
)

// cred is the unprivileged account PostgreSQL runs as when the tests run as
// root (initdb refuses root); nil means "the current user".
type cred struct{ uid, gid uint32 }

func credential() (*cred, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, &missingError{"running as root and there is no unprivileged postgres user to run PostgreSQL as"}
	}
	uid, err1 := strconv.ParseUint(u.Uid, 10, 32)
	gid, err2 := strconv.ParseUint(u.Gid, 10, 32)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("postgres user has odd ids %s:%s", u.Uid, u.Gid)
	}
	return &cred{uint32(uid), uint32(gid)}, nil
}

func prepareDir(dir string, c *cred) error {
	if c == nil {
		return nil
	}
	if err := os.Chown(dir, int(c.uid), int(c.gid)); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700)
}

func setCredential(cmd *exec.Cmd, c *cred) {
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	if c != nil {
		cmd.SysProcAttr.Credential = &syscall.Credential{Uid: c.uid, Gid: c.gid}
	}
	setDeathSignal(cmd.SysProcAttr)
}

func interrupt(cmd *exec.Cmd) {
	// SIGINT is PostgreSQL's "fast shutdown".
	cmd.Process.Signal(syscall.SIGINT)
}
