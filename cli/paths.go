package cli

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"

	"github.com/mem0dev/mem0/shell"
)

// Paths are the folders mem0 reads and writes. MEM0_HOME puts all of them in
// one folder (tests and portable installs use it); otherwise they follow the
// XDG base directory spec on Linux and the platform's own folders elsewhere.
// mem0 never writes to ~/.mem0, which belongs to mem0's Python/JS tools.
type Paths struct {
	Config string // config.yaml lives here
	Data   string // the SQLite database lives here
	State  string // spools, locks and logs
}

// ConfigFile is the path of the YAML config file.
func (p Paths) ConfigFile() string { return filepath.Join(p.Config, "config.yaml") }

// Database is the path of the local SQLite database.
func (p Paths) Database() string { return filepath.Join(p.Data, "mem0.db") }

// Spool is the folder the shell hooks write captured commands into.
func (p Paths) Spool() shell.Spool { return shell.Spool{Dir: filepath.Join(p.State, "spool")} }

// Sessions is the folder of each hooked shell's recording state.
func (p Paths) Sessions() shell.Sessions {
	return shell.Sessions{Dir: filepath.Join(p.State, "sessions")}
}

// ResolvePaths works out the folders from the environment. It does no I/O.
func ResolvePaths(getenv func(string) string) (Paths, error) {
	if home := getenv("MEM0_HOME"); home != "" {
		abs, err := filepath.Abs(home)
		if err != nil {
			return Paths{}, err
		}
		return Paths{Config: abs, Data: filepath.Join(abs, "data"), State: filepath.Join(abs, "state")}, nil
	}
	home := getenv("HOME")
	if runtime.GOOS == "windows" {
		home = getenv("USERPROFILE")
	}
	pick := func(xdgVar string, fallback func() (string, error)) (string, error) {
		if v := getenv(xdgVar); v != "" && filepath.IsAbs(v) {
			return filepath.Join(v, "mem0"), nil
		}
		return fallback()
	}
	var p Paths
	var err error
	switch runtime.GOOS {
	case "windows":
		// %APPDATA% roams with the user (config); %LOCALAPPDATA% stays on the machine.
		appData, local := getenv("APPDATA"), getenv("LOCALAPPDATA")
		if appData == "" || local == "" {
			return Paths{}, errors.New("cannot find %APPDATA% or %LOCALAPPDATA%; set MEM0_HOME to a folder mem0 may use")
		}
		p = Paths{
			Config: filepath.Join(appData, "mem0"),
			Data:   filepath.Join(local, "mem0", "data"),
			State:  filepath.Join(local, "mem0", "state"),
		}
		return p, nil
	case "darwin":
		// XDG variables win when a user set them; otherwise the macOS convention.
		if home == "" {
			return Paths{}, errors.New("cannot find the home folder; set MEM0_HOME to a folder mem0 may use")
		}
		lib := filepath.Join(home, "Library", "Application Support", "mem0")
		p.Config, _ = pick("XDG_CONFIG_HOME", func() (string, error) { return lib, nil })
		p.Data, _ = pick("XDG_DATA_HOME", func() (string, error) { return lib, nil })
		p.State, _ = pick("XDG_STATE_HOME", func() (string, error) { return filepath.Join(lib, "state"), nil })
		return p, nil
	default:
		if home == "" {
			return Paths{}, errors.New("cannot find the home folder ($HOME is unset); set MEM0_HOME to a folder mem0 may use")
		}
		under := func(parts ...string) func() (string, error) {
			return func() (string, error) { return filepath.Join(append([]string{home}, parts...)...), nil }
		}
		if p.Config, err = pick("XDG_CONFIG_HOME", under(".config", "mem0")); err != nil {
			return Paths{}, err
		}
		p.Data, _ = pick("XDG_DATA_HOME", under(".local", "share", "mem0"))
		p.State, _ = pick("XDG_STATE_HOME", under(".local", "state", "mem0"))
		return p, nil
	}
}

// ensureDir creates dir (and parents) readable only by the user.
func ensureDir(dir string) error { return os.MkdirAll(dir, 0o700) }
