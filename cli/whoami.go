package cli

import (
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// WhoamiOptions is what `mem0 whoami` was asked to do.
type WhoamiOptions struct {
	f      *Factory
	Server string
	JSON   bool
}

// NewCmdWhoami builds `mem0 whoami`.
func NewCmdWhoami(f *Factory, runF func(context.Context, *WhoamiOptions) error) *cobra.Command {
	opts := &WhoamiOptions{f: f}
	cmd := &cobra.Command{
		Use:   "whoami",
		Short: "Show the account you are logged in with",
		Long: `Ask the team server who the held credential belongs to: the account, its
organisations and roles, and whether it is a login session or an API key.
Exit code 4 when not logged in or the session has ended.`,
		Example: `  mem0 whoami
  mem0 whoami --json | jq -r .user.username`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return whoamiRun(cmd.Context(), opts)
		},
	}
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

// whoamiView is whoami's JSON document.
type whoamiView struct {
	Server string `json:"server"`
	*syncapi.Me
	// Credentials says where the credential is kept: keyring, file or env.
	Credentials string `json:"credentials"`
}

func whoamiRun(ctx context.Context, opts *WhoamiOptions) error {
	f := opts.f
	r, err := f.Remote(opts.Server)
	if err != nil {
		return err
	}
	c, err := r.Client()
	if err != nil {
		return err
	}
	me, err := c.Me(ctx)
	if err != nil {
		return err
	}
	v := whoamiView{Server: r.URL, Me: me, Credentials: r.Where}
	if opts.JSON {
		return writeJSON(f.IO.Out, v)
	}
	auth := "login session"
	if me.Auth == syncapi.CredentialAPIKey {
		auth = "API key, " + me.Scope + " scope"
	}
	where := map[string]string{storeKeyring: "OS keyring", storeFile: r.store.file, storeEnv: "MEM0_API_KEY"}[r.Where]
	orgs := make([]string, len(me.Orgs))
	for i, o := range me.Orgs {
		orgs[i] = o.Name + " (" + o.Role + ")"
	}
	if !f.IO.IsStdoutTTY() {
		_, err := fmt.Fprintf(f.IO.Out, "%s\t%s\t%s\t%s\n", me.User.Username, r.URL, me.Auth, strings.Join(orgs, ","))
		return err
	}
	st := f.Styles()
	fl := &fields{key: st.Dim}
	user := me.User.Username
	if me.User.IsAdmin {
		user += " (server admin)"
	}
	fl.add("user", st.Bold.Render(user))
	fl.add("server", r.URL)
	fl.add("auth", auth)
	fl.add("credentials", where)
	if len(orgs) == 0 {
		fl.add("orgs", st.Dim.Render("none"))
	} else {
		fl.add("orgs", strings.Join(orgs, ", "))
	}
	_, err = fmt.Fprint(f.IO.Out, fl.String())
	return err
}
