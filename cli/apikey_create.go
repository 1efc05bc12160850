package cli

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// APIKeyCreateOptions is what `mem0 apikey create` was asked to do.
type APIKeyCreateOptions struct {
	f      *Factory
	Server string

	Name    string
	Scope   string
	Expires time.Duration // 0: never
	JSON    bool
}

// NewCmdAPIKeyCreate builds `mem0 apikey create`.
func NewCmdAPIKeyCreate(f *Factory, runF func(context.Context, *APIKeyCreateOptions) error) *cobra.Command {
	opts := &APIKeyCreateOptions{f: f}
	var expires string
	cmd := &cobra.Command{
		Use:   "create NAME",
		Short: "Create an API key (printed once)",
		Long: `Create an API key named NAME and print it on stdout. The server keeps only a
hash: the key is shown this once, so store it now (a secret store, a CI
variable). The scope defaults to read; give --scope write for keys that
push changes.`,
		Example: `  mem0 apikey create laptop-backup
  mem0 apikey create ci --scope write --expires 90d
  MEM0_API_KEY=$(mem0 apikey create nightly) some-script`,
		Args: exactArgs(1, "one key name"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Name = strings.TrimSpace(args[0])
			if opts.Name == "" {
				return usageErrorf("the key name is empty")
			}
			if opts.Scope != "read" && opts.Scope != "write" {
				return usageErrorf("--scope %q: use read or write", opts.Scope)
			}
			if expires != "" {
				d, err := parseLifetime(expires)
				if err != nil {
					return usageErrorf("--expires %q: %v", expires, err)
				}
				opts.Expires = d
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return apiKeyCreateRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	cmd.Flags().StringVar(&opts.Scope, "scope", "read", "what the key may do: read or write")
	cmd.Flags().StringVar(&expires, "expires", "", "lifetime, such as 30d, 12h or 2w (default: until revoked)")
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

// parseLifetime reads a duration that may be given in days or weeks.
func parseLifetime(s string) (time.Duration, error) {
	if n := len(s); n >= 2 && (s[n-1] == 'd' || s[n-1] == 'w') {
		num, err := strconv.Atoi(s[:n-1])
		days := map[byte]int{'d': 1, 'w': 7}[s[n-1]] * num
		if err != nil || num <= 0 || days > 3650 {
			return 0, fmt.Errorf("use a lifetime such as 30d, 2w or 12h, at most 10 years")
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("use a lifetime such as 30d, 2w or 12h")
	}
	return d, nil
}

func apiKeyCreateRun(ctx context.Context, opts *APIKeyCreateOptions) error {
	f := opts.f
	c, err := serverClient(f, opts.Server)
	if err != nil {
		return err
	}
	req := syncapi.CreateKeyRequest{Name: opts.Name, Scope: opts.Scope}
	if opts.Expires > 0 {
		t := f.Now().Add(opts.Expires).UTC()
		req.ExpiresAt = &t
	}
	k, err := c.CreateKey(ctx, req)
	if err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Created API key %q (%s scope, id %s). It is shown only this once: store it now.\n", k.Name, k.Scope, k.ID)
	if opts.JSON {
		return writeJSON(f.IO.Out, k)
	}
	_, err = fmt.Fprintln(f.IO.Out, k.Key)
	return err
}
