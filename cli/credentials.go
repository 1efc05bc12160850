package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/zalando/go-keyring"
)

// Credentials are what mem0 holds for one server: a login session's
// tokens, or an API key given to `mem0 login --with-token`. They are never
// printed or logged.
type Credentials struct {
	Server       string `json:"server"`
	Username     string `json:"username,omitempty"`
	AccessToken  string `json:"access_token,omitempty"`
	RefreshToken string `json:"refresh_token,omitempty"`
	APIKey       string `json:"api_key,omitempty"`
}

// Where credentials live.
const (
	storeKeyring = "keyring"
	storeFile    = "file"
	storeEnv     = "env" // MEM0_API_KEY
)

// keyringService names mem0's entries in the OS keyring; the entry's user
// is the server URL.
const keyringService = "mem0"

// keyringTimeout bounds every keyring call: on Linux the Secret Service is
// reached over D-Bus, which can hang (no session bus, a locked collection
// waiting for a prompt nobody sees).
var keyringTimeout = 3 * time.Second

var errKeyringTimeout = errors.New("the OS keyring did not answer in time")

// osKeyring is the keyring mem0 uses; tests replace it.
var osKeyring interface {
	Get(service, user string) (string, error)
	Set(service, user, secret string) error
	Delete(service, user string) error
} = goKeyring{}

type goKeyring struct{}

func (goKeyring) Get(service, user string) (string, error) { return keyring.Get(service, user) }
func (goKeyring) Set(service, user, secret string) error   { return keyring.Set(service, user, secret) }
func (goKeyring) Delete(service, user string) error        { return keyring.Delete(service, user) }

// credentialStore keeps Credentials per server URL in the OS keyring, or
// in a 0600 file in the config folder where no keyring is reachable
// (headless Linux, CI, containers) or the user chose the file
// (credentials.store = file).
type credentialStore struct {
	file      string // credentials.json
	forceFile bool
}

// credentialsFile is the fallback file's layout.
type credentialsFile struct {
	Servers map[string]*Credentials `json:"servers"`
}

func (f *Factory) credentialStore() (*credentialStore, error) {
	p, err := f.Paths()
	if err != nil {
		return nil, err
	}
	cfg, err := f.Config()
	if err != nil {
		return nil, err
	}
	return &credentialStore{file: filepath.Join(p.Config, "credentials.json"), forceFile: cfg.Get("credentials.store") == storeFile}, nil
}

// keyringHung is set once a keyring call timed out: the rest of the
// process does not wait for it again.
var keyringHung atomic.Bool

// withTimeout runs a keyring call in a goroutine and gives up after
// keyringTimeout (the goroutine is left behind; the process ends soon).
func withTimeout[T any](call func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	if keyringHung.Load() {
		var zero T
		return zero, fmt.Errorf("%w (%s)", errKeyringTimeout, keyringTimeout)
	}
	ch := make(chan result, 1)
	go func() {
		v, err := call()
		ch <- result{v, err}
	}()
	select {
	case r := <-ch:
		return r.v, r.err
	case <-time.After(keyringTimeout):
		keyringHung.Store(true)
		var zero T
		return zero, fmt.Errorf("%w (%s)", errKeyringTimeout, keyringTimeout)
	}
}

// Load returns the credentials for server and where they are kept, or nil
// when there are none. The file is read first: when it holds an entry the
// keyring was not usable at login, and asking it again could hang.
func (s *credentialStore) Load(server string) (*Credentials, string, error) {
	cf, err := s.readFile()
	if err != nil {
		return nil, "", err
	}
	if c, ok := cf.Servers[server]; ok {
		return c, storeFile, nil
	}
	if s.forceFile {
		return nil, "", nil
	}
	kr := osKeyring // read here, not in the goroutine that may outlive the call
	secret, err := withTimeout(func() (string, error) { return kr.Get(keyringService, server) })
	if err != nil {
		// Not found, or no keyring: either way nothing is stored there.
		return nil, "", nil
	}
	var c Credentials
	if err := json.Unmarshal([]byte(secret), &c); err != nil {
		return nil, "", fmt.Errorf("the OS keyring's mem0 entry for %s cannot be read; run `mem0 login` again", server)
	}
	c.Server = server
	return &c, storeKeyring, nil
}

// Save stores c in the keyring, or in the file when the keyring cannot be
// used (keyringErr then says why). where says which.
func (s *credentialStore) Save(c *Credentials) (where string, keyringErr error, err error) {
	if !s.forceFile {
		b, _ := json.Marshal(c)
		kr := osKeyring
		_, kerr := withTimeout(func() (struct{}, error) {
			return struct{}{}, kr.Set(keyringService, c.Server, string(b))
		})
		if kerr == nil {
			// An older copy in the file would shadow the keyring's.
			return storeKeyring, nil, s.deleteFromFile(c.Server)
		}
		keyringErr = kerr
	}
	return storeFile, keyringErr, s.saveToFile(c)
}

// SaveTo stores c where it was loaded from (after a token refresh).
func (s *credentialStore) SaveTo(where string, c *Credentials) error {
	if where == storeKeyring {
		b, _ := json.Marshal(c)
		kr := osKeyring
		_, err := withTimeout(func() (struct{}, error) {
			return struct{}{}, kr.Set(keyringService, c.Server, string(b))
		})
		return err
	}
	return s.saveToFile(c)
}

// Delete removes the credentials for server from the file and the keyring.
func (s *credentialStore) Delete(server string) error {
	if err := s.deleteFromFile(server); err != nil {
		return err
	}
	if s.forceFile {
		return nil
	}
	kr := osKeyring
	_, err := withTimeout(func() (struct{}, error) { return struct{}{}, kr.Delete(keyringService, server) })
	if errors.Is(err, errKeyringTimeout) {
		return fmt.Errorf("delete the tokens from the OS keyring: %w; try again, or remove mem0's entry for %s with the keyring's own tool", err, server)
	}
	// Not found, or no keyring at all: nothing is stored there.
	return nil
}

func (s *credentialStore) readFile() (*credentialsFile, error) {
	cf := &credentialsFile{Servers: map[string]*Credentials{}}
	b, err := os.ReadFile(s.file)
	if errors.Is(err, fs.ErrNotExist) {
		return cf, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read credentials file: %w", err)
	}
	if err := json.Unmarshal(b, cf); err != nil {
		return nil, fmt.Errorf("the credentials file %s cannot be read (%v); delete it and run `mem0 login` again", s.file, err)
	}
	if cf.Servers == nil {
		cf.Servers = map[string]*Credentials{}
	}
	for url, c := range cf.Servers {
		c.Server = url
	}
	return cf, nil
}

func (s *credentialStore) saveToFile(c *Credentials) error {
	cf, err := s.readFile()
	if err != nil {
		return err
	}
	cf.Servers[c.Server] = c
	return s.writeFile(cf)
}

func (s *credentialStore) deleteFromFile(server string) error {
	cf, err := s.readFile()
	if err != nil {
		return err
	}
	if _, ok := cf.Servers[server]; !ok {
		return nil
	}
	delete(cf.Servers, server)
	if len(cf.Servers) == 0 {
		if err := os.Remove(s.file); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("delete credentials file: %w", err)
		}
		return nil
	}
	return s.writeFile(cf)
}

// writeFile replaces the file atomically; it is created 0600 and never
// exists with wider permissions, even for a moment.
func (s *credentialStore) writeFile(cf *credentialsFile) error {
	if err := ensureDir(filepath.Dir(s.file)); err != nil {
		return fmt.Errorf("create config folder: %w", err)
	}
	b, err := json.MarshalIndent(cf, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(s.file), ".credentials-*.tmp") // mode 0600
	if err != nil {
		return fmt.Errorf("write credentials file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("write credentials file: %w", err)
	}
	if err := tmp.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return fmt.Errorf("write credentials file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write credentials file: %w", err)
	}
	if err := os.Rename(tmp.Name(), s.file); err != nil {
		return fmt.Errorf("write credentials file: %w", err)
	}
	return nil
}
