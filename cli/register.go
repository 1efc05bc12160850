package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// RegisterOptions is what `mem0 register` was asked to do.
type RegisterOptions struct {
	f *Factory

	Server        string
	Username      string
	PasswordStdin bool
	Invite        string
}

// NewCmdRegister builds `mem0 register`.
func NewCmdRegister(f *Factory, runF func(context.Context, *RegisterOptions) error) *cobra.Command {
	opts := &RegisterOptions{f: f}
	cmd := &cobra.Command{
		Use:   "register",
		Short: "Create an account on a team server and log in",
		Long: `Create an account on a mem0 team server and log in to it. The first account
of a server becomes its admin; after that the server's registration mode
decides: open, closed, or invite (an invite code from a server admin,
given with --invite or asked for at the prompt; a code works once).

Usernames are 2-39 lower-case letters, digits, '.', '_' or '-'; passwords
8-72 bytes. The password is asked for twice with echo off, or read from
stdin with --password-stdin; never from a flag.`,
		Example: `  mem0 register --server https://mem0.example.com
  mem0 register -u alice --invite mem0i_...
  printf '%s\n' "$PASSWORD" | mem0 register -u ci-bot --password-stdin`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if opts.PasswordStdin && opts.Username == "" {
				return usageErrorf("--password-stdin needs --username")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return registerRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	cmd.Flags().StringVarP(&opts.Username, "username", "u", "", "account name (prompted for when not given)")
	cmd.Flags().BoolVar(&opts.PasswordStdin, "password-stdin", false, "read the password from stdin")
	cmd.Flags().StringVar(&opts.Invite, "invite", "", "invite code, where the server asks for one (single use)")
	return cmd
}

func registerRun(ctx context.Context, opts *RegisterOptions) error {
	f := opts.f
	r, err := f.Remote(opts.Server)
	if err == nil {
		warnPlainHTTP(f, r.URL)
	}
	if err != nil {
		return err
	}
	c, err := r.AnonymousClient()
	if err != nil {
		return err
	}
	// Ask the server first: a dead server or a closed registration is
	// better said before the user types a password twice.
	caps, err := c.Capabilities(ctx)
	if err != nil {
		return err
	}
	p := newPrompter(f.IO)
	username, password, err := askCredentials(f, p, opts.Username, opts.PasswordStdin, true)
	if err != nil {
		return err
	}
	invite := opts.Invite
	if invite == "" && caps.Registration == "invite" && f.IO.IsStdinTTY() && !opts.PasswordStdin {
		if invite, err = p.Secret("Invite code (empty if this is the server's first account): "); err != nil {
			return err
		}
	}
	s, err := c.Register(ctx, syncapi.RegisterRequest{Username: username, Password: password, Invite: invite})
	if err != nil {
		return err
	}
	done := fmt.Sprintf("Registered %s on %s and logged in.", s.User.Username, r.URL)
	if s.User.IsAdmin {
		done = fmt.Sprintf("Registered %s on %s (the first account: server admin) and logged in.", s.User.Username, r.URL)
	}
	creds := &Credentials{Server: r.URL, Username: s.User.Username, AccessToken: s.AccessToken, RefreshToken: s.RefreshToken}
	return finishLogin(ctx, r, opts.Server, creds, done)
}
