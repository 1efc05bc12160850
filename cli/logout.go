package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// LogoutOptions is what `mem0 logout` was asked to do.
type LogoutOptions struct {
	f      *Factory
	Server string
}

// NewCmdLogout builds `mem0 logout`.
func NewCmdLogout(f *Factory, runF func(context.Context, *LogoutOptions) error) *cobra.Command {
	opts := &LogoutOptions{f: f}
	cmd := &cobra.Command{
		Use:   "logout",
		Short: "End the session with a team server and forget its tokens",
		Long: `End the session on the team server and delete the stored tokens (from the
OS keyring and the fallback file). When the server cannot be reached the
tokens are deleted anyway and mem0 says so. An API key stored with
mem0 login --with-token is forgotten but stays valid: revoke it with
mem0 apikey revoke. Local memories are not touched.`,
		Example: `  mem0 logout
  mem0 logout --server https://mem0.example.com`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return logoutRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	return cmd
}

func logoutRun(ctx context.Context, opts *LogoutOptions) error {
	f := opts.f
	r, err := f.Remote(opts.Server)
	if err != nil {
		return err
	}
	envKey := r.Where == storeEnv
	if envKey {
		// MEM0_API_KEY hides what is stored; logout is about the stored one.
		if r.Creds, r.Where, err = r.store.Load(r.URL); err != nil {
			return err
		}
	}
	if r.Creds == nil {
		fmt.Fprintf(f.IO.ErrOut, "Not logged in to %s; nothing to do.\n", r.URL)
	} else {
		err := r.endSession(ctx)
		var ae *syncapi.APIError
		switch {
		case err == nil, errors.Is(err, syncapi.ErrUnauthorized):
			// Ended now, or had ended already.
		case errors.As(err, &ae) || errors.Is(err, syncapi.ErrUnreachable):
			fmt.Fprintf(f.IO.ErrOut, "mem0: warning: the session could not be ended on the server (%s); it ends when it expires\n", Explain(err, ""))
		default:
			return err
		}
		if err := r.store.Delete(r.URL); err != nil {
			return err
		}
		fmt.Fprintf(f.IO.ErrOut, "Logged out of %s (%s).\n", r.URL, r.Creds.Username)
		if r.Creds.APIKey != "" {
			fmt.Fprintln(f.IO.ErrOut, "The API key itself stays valid: revoke it with `mem0 apikey revoke ID` if it is no longer needed.")
		}
	}
	if envKey {
		fmt.Fprintln(f.IO.ErrOut, "mem0: note: MEM0_API_KEY is still set; commands keep using it until you unset it")
	}
	return nil
}
