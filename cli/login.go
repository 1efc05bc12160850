package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// LoginOptions is what `mem0 login` was asked to do.
type LoginOptions struct {
	f *Factory

	Server        string
	Username      string
	PasswordStdin bool
	WithToken     bool
}

// NewCmdLogin builds `mem0 login`.
func NewCmdLogin(f *Factory, runF func(context.Context, *LoginOptions) error) *cobra.Command {
	opts := &LoginOptions{f: f}
	cmd := &cobra.Command{
		Use:   "login",
		Short: "Log in to a team server",
		Long: `Log in to a mem0 team server with a username and password, or with an API
key (--with-token). The session's tokens are kept in the OS keyring (macOS
Keychain, Windows Credential Manager, the Secret Service on Linux); where
none is reachable they go to a file readable only by you in the config
folder, and mem0 says so. Access tokens are refreshed silently; when the
session ends, commands say so and exit with code 4.

The password is read from a prompt with echo off, or from stdin with
--password-stdin; never from a flag. --server also becomes the default
server of later commands (the remote.url setting).`,
		Example: `  mem0 login
  mem0 login --server https://mem0.example.com -u alice
  pass show mem0 | mem0 login -u alice --password-stdin
  echo "$MEM0_KEY" | mem0 login --with-token`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.WithToken && (opts.PasswordStdin || opts.Username != "") {
				return usageErrorf("--with-token reads an API key from stdin; it takes no --username or --password-stdin")
			}
			if opts.PasswordStdin && opts.Username == "" {
				return usageErrorf("--password-stdin needs --username")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return loginRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	cmd.Flags().StringVarP(&opts.Username, "username", "u", "", "account name (prompted for when not given)")
	cmd.Flags().BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the password from stdin")
	cmd.Flags().BoolVar(&opts.WithToken, "with-token", false, "read an API key from stdin instead of logging in with a password")
	return cmd
}

func loginRun(ctx context.Context, opts *LoginOptions) error {
	f := opts.f
	r, err := f.Remote(opts.Server)
	if err == nil {
		warnPlainHTTP(f, r.URL)
	}
	if err != nil {
		return err
	}
	var creds *Credentials
	var who string
	if opts.WithToken {
		key, err := readKey(f)
		if err != nil {
			return err
		}
		c, err := syncapi.NewClient(syncapi.ClientOptions{BaseURL: r.URL, UserAgent: f.userAgent(), APIKey: key})
		if err != nil {
			return err
		}
		me, err := c.Me(ctx)
		if err != nil {
			return err
		}
		creds = &Credentials{Server: r.URL, Username: me.User.Username, APIKey: key}
		who = fmt.Sprintf("%s (API key, %s scope)", me.User.Username, me.Scope)
	} else {
		username, password, err := askCredentials(f, newPrompter(f.IO), opts.Username, opts.PasswordStdin, false)
		if err != nil {
			return err
		}
		c, err := r.AnonymousClient()
		if err != nil {
			return err
		}
		s, err := c.Login(ctx, username, password)
		if err != nil {
			return err
		}
		creds = &Credentials{Server: r.URL, Username: s.User.Username, AccessToken: s.AccessToken, RefreshToken: s.RefreshToken}
		who = s.User.Username
	}
	return finishLogin(ctx, r, opts.Server, creds, fmt.Sprintf("Logged in to %s as %s.", r.URL, who))
}

// finishLogin replaces what was held for the server with creds (ending
// the old session on the server), remembers --server as the default, and
// reports.
func finishLogin(ctx context.Context, r *Remote, serverFlag string, creds *Credentials, done string) error {
	f := r.f
	if r.Where == storeEnv {
		// MEM0_API_KEY hid what is stored; the stored session is replaced.
		r.Creds, r.Where, _ = r.store.Load(r.URL)
	}
	_ = r.endSession(ctx) // best effort: the old session would only expire
	if err := r.saveLogin(creds); err != nil {
		return err
	}
	if serverFlag != "" {
		if err := rememberServer(f, r.URL); err != nil {
			fmt.Fprintf(f.IO.ErrOut, "mem0: warning: could not make %s the default server: %v\n", r.URL, err)
		}
	}
	fmt.Fprintln(f.IO.ErrOut, done)
	if f.Getenv("MEM0_API_KEY") != "" {
		fmt.Fprintln(f.IO.ErrOut, "mem0: note: MEM0_API_KEY is set and wins over this login until you unset it")
	}
	return nil
}

// rememberServer writes remote.url into the config file when it differs.
func rememberServer(f *Factory, url string) error {
	cfg, err := f.Config()
	if err != nil {
		return err
	}
	if cfg.Get("remote.url") == url {
		return nil
	}
	if err := SetInFile(cfg.Path(), "remote.url", url); err != nil {
		return err
	}
	f.config = nil // read again with the new value
	return nil
}

// askCredentials gets a username and a password: from the flag and stdin
// (--password-stdin), or from prompts on a terminal. confirm asks for the
// password twice (registration).
func askCredentials(f *Factory, p *prompter, username string, passwordStdin, confirm bool) (string, string, error) {
	if passwordStdin {
		pw, err := readSecretStdin(f.IO, "password")
		return username, pw, err
	}
	if !f.IO.IsStdinTTY() {
		return "", "", usageErrorf("no terminal to ask for the password: pipe it with --password-stdin (and give --username)")
	}
	var err error
	if username == "" {
		if username, err = p.Ask("Username: "); err != nil {
			return "", "", err
		}
		if username == "" {
			return "", "", usageErrorf("no username given")
		}
	}
	pw, err := p.Secret("Password: ")
	if err != nil {
		return "", "", err
	}
	if confirm {
		again, err := p.Secret("Password (again): ")
		if err != nil {
			return "", "", err
		}
		if again != pw {
			return "", "", usageErrorf("the passwords do not match")
		}
	}
	return username, pw, nil
}

// readKey reads an API key for --with-token: piped on stdin, or pasted at
// a prompt with echo off.
func readKey(f *Factory) (string, error) {
	var key string
	var err error
	if f.IO.IsStdinTTY() {
		key, err = newPrompter(f.IO).Secret("Paste an API key: ")
	} else {
		key, err = readSecretStdin(f.IO, "API key")
	}
	if err != nil {
		return "", err
	}
	key = strings.TrimSpace(key)
	if key == "" {
		return "", usageErrorf("no API key given")
	}
	return key, nil
}
