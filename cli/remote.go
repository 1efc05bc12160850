package cli

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// defaultRemoteURL is where `mem0 server` listens by default.
const defaultRemoteURL = "http://127.0.0.1:13370"

func checkRemoteURL(s string) (any, error) {
	u, err := syncapi.NormalizeURL(s)
	if err != nil {
		return nil, err
	}
	return u, nil
}

// addServerFlag adds --server to a command that talks to the team server.
func addServerFlag(cmd *cobra.Command, p *string) {
	cmd.Flags().StringVar(p, "server", "", "team server URL (default: $MEM0_SERVER, then the remote.url setting, then "+defaultRemoteURL+")")
}

// ServerURL resolves the team server: the --server flag, then
// MEM0_SERVER, then remote.url (MEM0_REMOTE_URL or the config file), then
// the default.
func (f *Factory) ServerURL(flag string) (string, error) {
	raw := flag
	if raw == "" {
		raw = f.Getenv("MEM0_SERVER")
	}
	if raw == "" {
		cfg, err := f.Config()
		if err != nil {
			return "", err
		}
		raw = cfg.Get("remote.url")
	}
	if raw == "" {
		raw = defaultRemoteURL
	}
	u, err := syncapi.NormalizeURL(raw)
	if err != nil {
		return "", usageErrorf("%v", err)
	}
	return u, nil
}

// notLoggedInError: no credential for the server at all.
type notLoggedInError struct{ server string }

func (e *notLoggedInError) Error() string {
	return fmt.Sprintf("not logged in to %s; run `mem0 login` (or set MEM0_API_KEY)", e.server)
}

func (e *notLoggedInError) Is(target error) bool { return target == ErrAuth }

// Remote is a team server and the credential mem0 holds for it.
type Remote struct {
	URL   string
	Creds *Credentials // nil when not logged in
	// Where says where Creds come from: storeKeyring, storeFile or storeEnv.
	Where string

	f     *Factory
	store *credentialStore
}

// Remote resolves the server (see ServerURL) and loads its credentials.
// MEM0_API_KEY wins over stored credentials.
func (f *Factory) Remote(serverFlag string) (*Remote, error) {
	url, err := f.ServerURL(serverFlag)
	if err != nil {
		return nil, err
	}
	cs, err := f.credentialStore()
	if err != nil {
		return nil, err
	}
	r := &Remote{URL: url, f: f, store: cs}
	if key := f.Getenv("MEM0_API_KEY"); key != "" {
		r.Creds, r.Where = &Credentials{Server: url, APIKey: key}, storeEnv
		return r, nil
	}
	r.Creds, r.Where, err = cs.Load(url)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// warnPlainHTTP warns, before a password or a key is sent, when the server
// is reached over plain http anywhere but this machine: what is sent can be
// read on the way.
func warnPlainHTTP(f *Factory, raw string) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" {
		return
	}
	host := u.Hostname()
	if host == "localhost" {
		return
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return
	}
	fmt.Fprintf(f.IO.ErrOut, "mem0: warning: %s is plain http: your password and tokens cross the network unencrypted; use https:// (a TLS proxy, or server.tls_cert and server.tls_key)\n", raw)
}

// userAgent names the client and its version to the server.
func (f *Factory) userAgent() string { return "mem0/" + f.Build.Version }

// AnonymousClient talks to the server without a credential (register, login).
func (r *Remote) AnonymousClient() (*syncapi.Client, error) {
	return syncapi.NewClient(syncapi.ClientOptions{BaseURL: r.URL, UserAgent: r.f.userAgent()})
}

// Client talks to the server with the held credential; it refreshes an
// expired access token silently and stores the rotated pair where the old
// one was. Without a credential it is an error (exit 4).
func (r *Remote) Client() (*syncapi.Client, error) {
	if r.Creds == nil {
		return nil, &notLoggedInError{server: r.URL}
	}
	o := syncapi.ClientOptions{BaseURL: r.URL, UserAgent: r.f.userAgent()}
	if r.Creds.APIKey != "" {
		o.APIKey = r.Creds.APIKey
		return syncapi.NewClient(o)
	}
	o.Tokens = syncapi.Tokens{AccessToken: r.Creds.AccessToken, RefreshToken: r.Creds.RefreshToken}
	o.OnRefresh = func(t syncapi.Tokens) {
		c := *r.Creds
		c.AccessToken, c.RefreshToken = t.AccessToken, t.RefreshToken
		r.Creds = &c
		if err := r.store.SaveTo(r.Where, &c); err != nil {
			// The old refresh token is spent: the next command will have to
			// log in again. Say so now rather than then.
			fmt.Fprintf(r.f.IO.ErrOut, "mem0: warning: could not store the refreshed tokens (%v); you may have to run `mem0 login` again\n", err)
		}
	}
	if p, err := r.f.Paths(); err == nil {
		o.LockRefresh = func(ctx context.Context) (func(), error) { return lockAuth(ctx, p.State) }
	}
	o.Reload = func() (syncapi.Tokens, bool) {
		c, where, err := r.store.Load(r.URL)
		if err != nil || c == nil || where != r.Where || c.APIKey != "" {
			return syncapi.Tokens{}, false
		}
		return syncapi.Tokens{AccessToken: c.AccessToken, RefreshToken: c.RefreshToken}, true
	}
	return syncapi.NewClient(o)
}

// saveLogin stores a new session (or API key) for the server and tells the
// user, once, when the tokens went to the file instead of the keyring.
func (r *Remote) saveLogin(c *Credentials) error {
	where, kerr, err := r.store.Save(c)
	if err != nil {
		return fmt.Errorf("store the credentials: %w", err)
	}
	r.Creds, r.Where = c, where
	if where == storeFile && kerr != nil {
		fmt.Fprintf(r.f.IO.ErrOut, "mem0: the OS keyring is not available (%v); the credentials are stored in %s (readable only by you)\n",
			shortKeyringError(kerr), r.store.file)
	}
	return nil
}

// shortKeyringError keeps the first line of a keyring error: D-Bus errors
// can be long.
func shortKeyringError(err error) string {
	s := err.Error()
	for i, c := range s {
		if c == '\n' || i > 160 {
			return s[:i]
		}
	}
	return s
}

// endSession ends the held session on the server, if any, best effort
// and briefly: used before replacing or deleting it.
func (r *Remote) endSession(ctx context.Context) error {
	if r.Creds == nil || r.Creds.RefreshToken == "" || r.Where == storeEnv {
		return nil
	}
	c, err := r.Client()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	return c.Logout(ctx)
}
