package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// APIKeyRevokeOptions is what `mem0 apikey revoke` was asked to do.
type APIKeyRevokeOptions struct {
	f      *Factory
	Server string
	ID     string
}

// NewCmdAPIKeyRevoke builds `mem0 apikey revoke`.
func NewCmdAPIKeyRevoke(f *Factory, runF func(context.Context, *APIKeyRevokeOptions) error) *cobra.Command {
	opts := &APIKeyRevokeOptions{f: f}
	cmd := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API key",
		Long: `Revoke an API key by its id (as mem0 apikey list shows it; a unique
beginning of the id is enough). The key stops working at once; revoking a
revoked key again is not an error.`,
		Example: `  mem0 apikey revoke 0193a1c2-7d4e-7a51-9c1f-2b3c4d5e6f70
  mem0 apikey revoke 0193a1c2`,
		Args: exactArgs(1, "one key id"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.ID = strings.TrimSpace(args[0])
			if opts.ID == "" {
				return usageErrorf("the key id is empty")
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return apiKeyRevokeRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	return cmd
}

func apiKeyRevokeRun(ctx context.Context, opts *APIKeyRevokeOptions) error {
	f := opts.f
	c, err := serverClient(f, opts.Server)
	if err != nil {
		return err
	}
	keys, err := c.ListKeys(ctx)
	if err != nil {
		return err
	}
	var match []syncapi.APIKey
	for _, k := range keys {
		if strings.EqualFold(k.ID, opts.ID) {
			match = []syncapi.APIKey{k}
			break
		}
		if strings.HasPrefix(strings.ToLower(k.ID), strings.ToLower(opts.ID)) {
			match = append(match, k)
		}
	}
	switch len(match) {
	case 0:
		return fmt.Errorf("no API key with id %s; see `mem0 apikey list`", opts.ID)
	case 1:
	default:
		return usageErrorf("%d API keys have ids starting with %s; give more of the id", len(match), opts.ID)
	}
	k := match[0]
	if err := c.RevokeKey(ctx, k.ID); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.ErrOut, "Revoked API key %q (%s).\n", k.Name, k.ID)
	return nil
}
