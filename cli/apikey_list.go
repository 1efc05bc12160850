package cli

import (
	"context"
	"time"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// APIKeyListOptions is what `mem0 apikey list` was asked to do.
type APIKeyListOptions struct {
	f      *Factory
	Server string
	JSON   bool
}

// NewCmdAPIKeyList builds `mem0 apikey list`.
func NewCmdAPIKeyList(f *Factory, runF func(context.Context, *APIKeyListOptions) error) *cobra.Command {
	opts := &APIKeyListOptions{f: f}
	cmd := &cobra.Command{
		Use:     "list",
		Aliases: []string{"ls"},
		Short:   "List your API keys",
		Long: `List your API keys, revoked and expired ones included, with the first
characters of each key (never the key). Piped, each key is one
tab-separated line: id, name, prefix, scope, status, created, last used.`,
		Example: `  mem0 apikey list
  mem0 apikey list --json | jq -r '.[] | select(.revoked_at == null) | .name'`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return apiKeyListRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

// keyStatus is active, revoked or expired.
func keyStatus(k syncapi.APIKey, now time.Time) string {
	switch {
	case k.RevokedAt != nil:
		return "revoked"
	case k.ExpiresAt != nil && now.After(*k.ExpiresAt):
		return "expired"
	}
	return "active"
}

func apiKeyListRun(ctx context.Context, opts *APIKeyListOptions) error {
	f := opts.f
	c, err := serverClient(f, opts.Server)
	if err != nil {
		return err
	}
	keys, err := c.ListKeys(ctx)
	if err != nil {
		return err
	}
	if opts.JSON {
		if keys == nil {
			keys = []syncapi.APIKey{}
		}
		return writeJSON(f.IO.Out, keys)
	}
	now := f.Now()
	tty := f.IO.IsStdoutTTY()
	when := func(t *time.Time) string {
		switch {
		case t == nil && tty:
			return "never"
		case t == nil:
			return ""
		case tty:
			return ago(now, *t)
		}
		return t.UTC().Format(time.RFC3339)
	}
	st := f.Styles()
	tb := newTable(f.IO, "id", "name", "prefix", "scope", "status", "created", "last used")
	for _, k := range keys {
		status := keyStatus(k, now)
		stStyle := st.OK
		if status != "active" {
			stStyle = st.Dim
		}
		tb.row(styled(k.ID, st.ID), plain(k.Name), plain(k.Prefix), plain(k.Scope), styled(status, stStyle),
			plain(when(&k.CreatedAt)), plain(when(k.LastUsedAt)))
	}
	if tty && len(keys) == 0 {
		_, err := f.IO.ErrOut.Write([]byte("No API keys; create one with `mem0 apikey create NAME`.\n"))
		return err
	}
	return tb.render(st)
}
