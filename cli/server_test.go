package cli

import (
	"context"
	"strings"
	"testing"
)

func TestServerFlagsToOptions(t *testing.T) {
	tf := newTestFactory(t, false)
	var got *ServerOptions
	cmd := NewCmdServer(tf.Factory, func(_ context.Context, o *ServerOptions) error { got = o; return nil })
	cmd.SetArgs([]string{"--listen", ":9999", "--registration", "invite", "--tls-cert", "c.pem", "--tls-key", "k.pem",
		"--jwt-key-file", "/k", "--generate-jwt-key", "--trust-proxy", "--rate-limit", "50"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Listen != ":9999" || got.Registration != "invite" || got.TLSCert != "c.pem" || got.TLSKey != "k.pem" ||
		got.JWTKeyFile != "/k" || !got.GenerateJWTKey || !got.TrustProxy || got.RateLimit != 50 {
		t.Fatalf("options: %+v", got)
	}
}

// Flag > environment > config file > default.
func TestServerConfigPrecedence(t *testing.T) {
	tf := newTestFactory(t, false)
	tf.env["MEM0_DATABASE_URL"] = "postgres://env/db"
	tf.env["MEM0_JWT_KEY"] = "env-key"
	t.Setenv("MEM0_SERVER_REGISTRATION", "open")
	c, err := serverConfig(&ServerOptions{f: tf.Factory, Listen: ":1"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != ":1" || c.DatabaseURL != "postgres://env/db" || c.JWTKey != "env-key" || c.Registration != "open" {
		t.Fatalf("config: %+v", c)
	}
	c, _ = serverConfig(&ServerOptions{f: tf.Factory, DatabaseURL: "postgres://flag/db", JWTKeyFile: "/k", Registration: "closed"})
	if c.DatabaseURL != "postgres://flag/db" || c.JWTKey != "" || c.JWTKeyFile != "/k" || c.Registration != "closed" {
		t.Fatalf("flags do not win: %+v", c)
	}
}

func TestServerRefusesToStartWithoutDatabaseOrKey(t *testing.T) {
	tf := newTestFactory(t, false)
	if code := tf.run(t, "server"); code != 1 || !strings.Contains(tf.errOut.String(), "MEM0_DATABASE_URL") {
		t.Fatalf("no database: exit %d: %s", code, tf.errOut)
	}
	tf.env["MEM0_DATABASE_URL"] = "postgres://mem0:s3cret@127.0.0.1:1/mem0"
	if code := tf.run(t, "server"); code != 1 || !strings.Contains(tf.errOut.String(), "MEM0_JWT_KEY") {
		t.Fatalf("no key: exit %d: %s", code, tf.errOut)
	}
	if code := tf.run(t, "server", "--registration", "sometimes"); code != 1 {
		t.Fatalf("bad registration: exit %d", code)
	}
	if code := tf.run(t, "server", "--log-level", "loud"); code != 2 {
		t.Fatalf("bad log level: exit %d", code)
	}
	tf.env["MEM0_JWT_KEY"] = "0123456789abcdef0123456789abcdef"
	if code := tf.run(t, "server", "migrate"); code != 1 || strings.Contains(tf.errOut.String(), "s3cret") {
		t.Fatalf("unreachable database: exit %d: %s", code, tf.errOut)
	}
}
