package server

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

func claimsFor(u user, sid string) jwt.MapClaims {
	now := time.Now()
	return jwt.MapClaims{"iss": jwtIssuer, "sub": u.id, "aud": []string{jwtAudience}, "sid": sid,
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(time.Minute).Unix()}
}

// sessionOf reads the sid claim of a real access token.
func sessionOf(t *testing.T, tok string) string {
	parts := strings.Split(tok, ".")
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	json.Unmarshal(b, &c)
	return c["sid"].(string)
}

func TestJWTAttacks(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	sid := sessionOf(t, a.token)
	e.must(200, "GET", "/api/v1/me", a.token, nil)
	sign := func(m jwt.SigningMethod, key any, c jwt.MapClaims) string {
		s, err := jwt.NewWithClaims(m, c).SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	_, edKey, _ := ed25519.GenerateKey(rand.Reader)
	expired := claimsFor(a, sid)
	expired["exp"] = time.Now().Add(-time.Hour).Unix()
	expired["iat"] = time.Now().Add(-2 * time.Hour).Unix()
	expired["nbf"] = time.Now().Add(-2 * time.Hour).Unix()
	wrongAud := claimsFor(a, sid)
	wrongAud["aud"] = []string{"someone-else"}
	wrongIss := claimsFor(a, sid)
	wrongIss["iss"] = "evil"
	noExp := claimsFor(a, sid)
	delete(noExp, "exp")
	otherSession := claimsFor(a, newUUID())
	future := claimsFor(a, sid)
	future["iat"] = time.Now().Add(time.Hour).Unix()

	// A valid token with its payload swapped for another user's.
	b := e.newUser("b")
	parts := strings.Split(a.token, ".")
	bParts := strings.Split(b.token, ".")
	tampered := parts[0] + "." + bParts[1] + "." + parts[2]
	// Payload edited by hand (sub changed), original signature kept.
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	edited := strings.Replace(string(payload), a.id, b.id, 1)
	tampered2 := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(edited)) + "." + parts[2]

	noneTok := sign(jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claimsFor(a, sid))
	cases := map[string]string{
		"alg none":                noneTok,
		"alg none, no signature":  strings.TrimSuffix(noneTok, "."),
		"wrong key":               sign(jwt.SigningMethodHS256, []byte("another-key-0123456789-0123456789-xyz"), claimsFor(a, sid)),
		"HS512 with the real key": sign(jwt.SigningMethodHS512, []byte(testKey), claimsFor(a, sid)),
		"EdDSA":                   sign(jwt.SigningMethodEdDSA, edKey, claimsFor(a, sid)),
		// HS/EdDSA confusion: an HS256 token whose "key" is an EdDSA public key.
		"HS256 keyed with an EdDSA public key": sign(jwt.SigningMethodHS256, []byte(edKey.Public().(ed25519.PublicKey)), claimsFor(a, sid)),
		"expired":                              sign(jwt.SigningMethodHS256, []byte(testKey), expired),
		"wrong audience":                       sign(jwt.SigningMethodHS256, []byte(testKey), wrongAud),
		"wrong issuer":                         sign(jwt.SigningMethodHS256, []byte(testKey), wrongIss),
		"no expiry":                            sign(jwt.SigningMethodHS256, []byte(testKey), noExp),
		"issued in future":                     sign(jwt.SigningMethodHS256, []byte(testKey), future),
		"unknown session":                      sign(jwt.SigningMethodHS256, []byte(testKey), otherSession),
		"tampered payload":                     tampered,
		"edited payload":                       tampered2,
		"garbage":                              "not.a.token",
		"empty segments":                       "..",
		"refresh token used":                   a.refresh,
		"unknown api key":                      "mem0_" + strings.Repeat("A", 43),
	}
	for name, tok := range cases {
		r := e.do("GET", "/api/v1/me", tok, nil)
		if r.status != 401 || r.errCode() != "invalid_token" || r.header.Get("Www-Authenticate") == "" {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	// The forged token signed with the right key is the control: accepted.
	e.must(200, "GET", "/api/v1/me", sign(jwt.SigningMethodHS256, []byte(testKey), claimsFor(a, sid)), nil)
	for _, h := range []string{"Basic abc", "Bearer", "Bearer ", "token " + a.token} {
		r := e.doHeader("GET", "/api/v1/me", h)
		if r.status != 401 {
			t.Errorf("Authorization %q: %d", h, r.status)
		}
	}
	t.Logf("%d forged or invalid tokens refused", len(cases)+4)
}

func (e *env) doHeader(method, path, auth string) resp {
	req, _ := newRequest(method, e.ts.URL+path)
	req.Header.Set("Authorization", auth)
	return e.send(req)
}

func TestRefreshRotationAndReuse(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	r1 := e.must(200, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": a.refresh})
	newRefresh, newAccess := r1.str("refresh_token"), r1.str("access_token")
	if newRefresh == a.refresh {
		t.Fatal("refresh token not rotated")
	}
	e.must(200, "GET", "/api/v1/me", newAccess, nil)
	// The old token comes back (stolen copy): the whole family ends.
	r := e.must(401, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": a.refresh})
	if r.errCode() != "invalid_token" {
		t.Fatalf("reuse: %s", r.body)
	}
	e.must(401, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": newRefresh})
	e.must(401, "GET", "/api/v1/me", newAccess, nil)
	e.must(401, "GET", "/api/v1/me", a.token, nil)
	// Other sessions of the same user are unaffected.
	l := e.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"username": a.name, "password": "password-" + a.name})
	e.must(200, "GET", "/api/v1/me", l.str("access_token"), nil)
	// Logout ends that session at once.
	e.must(204, "POST", "/api/v1/auth/logout", l.str("access_token"), nil)
	e.must(401, "GET", "/api/v1/me", l.str("access_token"), nil)
	e.must(401, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": l.str("refresh_token")})
	audit := e.must(200, "GET", "/api/v1/me/audit", e.login(a).token, nil)
	for _, action := range []string{"user.register", "user.login", "session.refresh_reuse", "user.logout"} {
		if !strings.Contains(string(audit.body), action) {
			t.Errorf("audit lacks %s", action)
		}
	}
}

func (e *env) login(u user) user {
	e.t.Helper()
	r := e.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"username": u.name, "password": "password-" + u.name})
	u.token, u.refresh = r.str("access_token"), r.str("refresh_token")
	return u
}

func TestPasswordChangeEndsSessions(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	other := e.login(a)
	e.must(403, "POST", "/api/v1/me/password", a.token, map[string]string{"current_password": "wrong-password", "new_password": "new-password-1"})
	r := e.must(200, "POST", "/api/v1/me/password", a.token, map[string]string{"current_password": "password-" + a.name, "new_password": "new-password-1"})
	e.must(401, "GET", "/api/v1/me", a.token, nil)
	e.must(401, "GET", "/api/v1/me", other.token, nil)
	e.must(401, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": other.refresh})
	e.must(200, "GET", "/api/v1/me", r.str("access_token"), nil)
	e.must(401, "POST", "/api/v1/auth/login", "", map[string]string{"username": a.name, "password": "password-" + a.name})
	e.must(200, "POST", "/api/v1/auth/login", "", map[string]string{"username": a.name, "password": "new-password-1"})
}

func TestAPIKeys(t *testing.T) {
	e := newEnv(t)
	a := e.newUser("a")
	cid := e.must(201, "POST", "/api/v1/contexts", a.token, map[string]any{"name": "c"}).str("id")
	mk := func(scope string, exp any) resp {
		body := map[string]any{"name": "ci-" + scope, "scope": scope}
		if exp != nil {
			body["expires_at"] = exp
		}
		return e.must(201, "POST", "/api/v1/me/keys", a.token, body)
	}
	rk, wk := mk("read", nil), mk("write", time.Now().Add(time.Hour))
	read, write := rk.str("key"), wk.str("key")
	if !strings.HasPrefix(read, "mem0_") || rk.str("prefix") == "" {
		t.Fatalf("key: %s", rk.body)
	}
	list := e.must(200, "GET", "/api/v1/me/keys", a.token, nil)
	if strings.Contains(string(list.body), read) || strings.Contains(string(list.body), write) {
		t.Fatal("key listing shows secrets")
	}
	var stored []byte
	e.s.db.QueryRow(t.Context(), "SELECT key_hash FROM api_keys WHERE id = $1", rk.str("id")).Scan(&stored)
	if len(stored) != 32 || strings.Contains(string(stored), read) {
		t.Fatal("key not stored hashed")
	}
	// Scopes cap what a key can do.
	e.must(200, "GET", "/api/v1/contexts/"+cid+"/memories", read, nil)
	e.must(403, "POST", "/api/v1/contexts/"+cid+"/memories", read, map[string]any{"content": "x"})
	mid := e.must(201, "POST", "/api/v1/contexts/"+cid+"/memories", write, map[string]any{"content": "x"}).str("id")
	e.must(200, "GET", "/api/v1/memories/"+mid, write, nil)
	e.must(403, "PATCH", "/api/v1/contexts/"+cid, write, map[string]any{"name": "y"}) // admin actions need a login
	e.must(403, "POST", "/api/v1/me/keys", write, map[string]any{"name": "k", "scope": "write"})
	// Revoked keys stop working at once.
	e.must(204, "DELETE", "/api/v1/me/keys/"+rk.str("id"), a.token, nil)
	if r := e.must(401, "GET", "/api/v1/me", read, nil); r.errCode() != "invalid_token" {
		t.Fatal(r.body)
	}
	e.must(404, "DELETE", "/api/v1/me/keys/"+rk.str("id")+"x", a.token, nil)
	// Expired keys too.
	e.s.db.Exec(t.Context(), "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", wk.str("id"))
	e.must(401, "GET", "/api/v1/me", write, nil)
	// Another user cannot revoke my key.
	b := e.newUser("b")
	k3 := mk("read", nil)
	e.must(404, "DELETE", "/api/v1/me/keys/"+k3.str("id"), b.token, nil)
	e.must(200, "GET", "/api/v1/me", k3.str("key"), nil)
}

func TestRateLimits(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.AuthPerMinute = 3; c.RequestRate = 5; c.RequestBurst = 5 })
	a := e.register("alice") // 1 auth attempt from this IP
	for i := 0; i < 2; i++ {
		e.must(401, "POST", "/api/v1/auth/login", "", map[string]string{"username": "alice", "password": "wrong-password"})
	}
	r := e.must(429, "POST", "/api/v1/auth/login", "", map[string]string{"username": "alice", "password": "password-alice"})
	if r.header.Get("Retry-After") == "" || r.errCode() != "rate_limited" {
		t.Fatalf("429 without Retry-After: %v %s", r.header, r.body)
	}
	// Per credential: burst 5, then 429.
	got429 := false
	for i := 0; i < 8; i++ {
		r := e.do("GET", "/api/v1/me", a.token, nil)
		if r.status == 429 {
			got429 = r.header.Get("Retry-After") != ""
			break
		}
	}
	if !got429 {
		t.Fatal("no per-credential rate limit")
	}
	// Per account, from another IP (a trusted proxy's X-Forwarded-For).
	e2 := newEnvOn(t, e.url, func(c *Config) { c.AuthPerMinute = 3; c.TrustProxyHeaders = true })
	for i, want := range []int{401, 401, 401, 429} {
		req, _ := newRequest("POST", e2.ts.URL+"/api/v1/auth/login")
		req.Header.Set("X-Forwarded-For", "10.0.0."+string(rune('1'+i)))
		req.Header.Set("Content-Type", "application/json")
		req.Body = bodyOf(`{"username":"bob","password":"wrong-password"}`)
		if r := e2.send(req); r.status != want {
			t.Fatalf("attempt %d for one account from new IPs: %d, want %d", i, r.status, want)
		}
	}
}

func TestRegistrationModes(t *testing.T) {
	url := pgtestDB(t)
	closed := newEnvOn(t, url, func(c *Config) { c.Registration = RegistrationClosed })
	admin := closed.register("root") // the first account is always allowed
	if me := closed.must(200, "GET", "/api/v1/me", admin.token, nil); me.str("user", "is_admin") != "true" {
		t.Fatal("first account is not admin")
	}
	closed.must(403, "POST", "/api/v1/auth/register", "", map[string]string{"username": "eve", "password": "password-eve"})
	inv := newEnvOn(t, url, func(c *Config) { c.Registration = RegistrationInvite })
	inv.must(403, "POST", "/api/v1/auth/register", "", map[string]string{"username": "eve", "password": "password-eve"})
	code := inv.must(201, "POST", "/api/v1/invites", admin.token, map[string]any{}).str("code")
	u := inv.must(201, "POST", "/api/v1/auth/register", "", map[string]string{"username": "eve", "password": "password-eve", "invite": code})
	if u.str("user", "is_admin") != "false" {
		t.Fatal("second account is admin")
	}
	inv.must(403, "POST", "/api/v1/auth/register", "", map[string]string{"username": "mallory", "password": "password-m", "invite": code})
	inv.must(403, "POST", "/api/v1/invites", u.str("access_token"), map[string]any{})
	code2 := inv.must(201, "POST", "/api/v1/invites", admin.token, map[string]any{"expires_in_hours": 1}).str("code")
	inv.must(409, "POST", "/api/v1/auth/register", "", map[string]string{"username": "root", "password": "password-x", "invite": code2})
}
