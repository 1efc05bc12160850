package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/crypto/bcrypt"
)

// Token formats. API keys and refresh tokens are opaque random strings with
// a recognisable prefix; only their SHA-256 is stored.
const (
	apiKeyPrefix  = "mem0_"
	refreshPrefix = "mem0r_"
	invitePrefix  = "mem0i_"
	jwtIssuer     = "mem0"
	jwtAudience   = "mem0-api"
)

// Principal is an authenticated caller.
type Principal struct {
	UserID    uuid.UUID
	Username  string
	IsAdmin   bool      // server admin (the first account)
	SessionID uuid.UUID // for access tokens
	KeyID     uuid.UUID // for API keys
	Scope     string    // API key scope: read or write
	// Cap is the highest level the credential allows: owner for a login,
	// read or write for an API key of that scope.
	Cap Level
}

func (p *Principal) isAPIKey() bool { return p.KeyID != uuid.Nil }

func (p *Principal) rateKey() string {
	if p.isAPIKey() {
		return "key:" + p.KeyID.String()
	}
	return "user:" + p.UserID.String()
}

// requireLogin refuses API keys for account management (keys cannot mint
// keys, change passwords or manage organisations' owners).
func requireLogin(p *Principal) error {
	if p == nil {
		return ErrUnauthorized
	}
	if p.isAPIKey() {
		return forbidden("API keys cannot do this; log in with a password")
	}
	return nil
}

type accessClaims struct {
	jwt.RegisteredClaims
	SessionID string `json:"sid"`
}

func hashToken(t string) []byte {
	h := sha256.Sum256([]byte(t))
	return h[:]
}

func randomToken(prefix string) string {
	b := make([]byte, 32)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

func invalidToken(msg string) error {
	return &apiError{status: http.StatusUnauthorized, code: "invalid_token", message: msg,
		header: http.Header{"Www-Authenticate": []string{`Bearer error="invalid_token"`}}}
}

// authenticate returns the caller (nil when no credential was sent) or an
// error for a credential that is present but not valid.
func (s *Server) authenticate(r *http.Request) (*Principal, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return nil, nil
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" {
		return nil, invalidToken("the Authorization header must be: Bearer <token>")
	}
	tok = strings.TrimSpace(tok)
	if strings.HasPrefix(tok, apiKeyPrefix) {
		return s.authAPIKey(r.Context(), tok)
	}
	return s.authJWT(r.Context(), tok)
}

func (s *Server) parseAccessToken(tok string) (*accessClaims, error) {
	var c accessClaims
	_, err := jwt.ParseWithClaims(tok, &c, func(t *jwt.Token) (any, error) {
		if _, ok := t.Method.(*jwt.SigningMethodHMAC); !ok {
			return nil, errors.New("unexpected signing method")
		}
		return s.key, nil
	},
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(jwtIssuer),
		jwt.WithAudience(jwtAudience),
		jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(),
		jwt.WithLeeway(5*time.Second),
	)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

func (s *Server) authJWT(ctx context.Context, tok string) (*Principal, error) {
	c, err := s.verified.parse(tok, s.parseAccessToken)
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return nil, invalidToken("the access token has expired; refresh it")
		}
		return nil, invalidToken("the access token is not valid")
	}
	uid, err1 := uuid.Parse(c.Subject)
	sid, err2 := uuid.Parse(c.SessionID)
	if err1 != nil || err2 != nil {
		return nil, invalidToken("the access token is not valid")
	}
	p := &Principal{UserID: uid, SessionID: sid, Cap: LevelOwner}
	// The session check makes logout and password changes take effect at
	// once instead of when the access token expires (see sessions.go).
	if cs, ok := s.sessions.get(sid); ok && cs.uid == uid {
		p.Username, p.IsAdmin = cs.username, cs.isAdmin
		return p, nil
	}
	gen := s.sessions.begin()
	var expires time.Time
	err = s.db.QueryRow(ctx, `SELECT u.username, u.is_admin, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()`, sid, uid).
		Scan(&p.Username, &p.IsAdmin, &expires)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, invalidToken("the session has ended; log in again")
	}
	if err != nil {
		return nil, err
	}
	until := time.Now().Add(sessionTTL)
	if expires.Before(until) {
		until = expires
	}
	s.sessions.put(sid, cachedSession{uid: uid, username: p.Username, isAdmin: p.IsAdmin, until: until}, gen)
	return p, nil
}

func (s *Server) authAPIKey(ctx context.Context, tok string) (*Principal, error) {
	var (
		p        = &Principal{}
		expires  *time.Time
		revoked  *time.Time
		lastUsed *time.Time
	)
	err := s.db.QueryRow(ctx, `SELECT k.id, k.user_id, k.scope, k.expires_at, k.revoked_at, k.last_used_at, u.username, u.is_admin
		FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.key_hash = $1`, hashToken(tok)).
		Scan(&p.KeyID, &p.UserID, &p.Scope, &expires, &revoked, &lastUsed, &p.Username, &p.IsAdmin)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && revoked != nil) {
		return nil, invalidToken("the API key is not valid or has been revoked")
	}
	if err != nil {
		return nil, err
	}
	if expires != nil && time.Now().After(*expires) {
		return nil, invalidToken("the API key has expired")
	}
	p.Cap = LevelRead
	if p.Scope == "write" {
		p.Cap = LevelWrite
	}
	if lastUsed == nil || time.Since(*lastUsed) > time.Minute {
		s.db.Exec(ctx, "UPDATE api_keys SET last_used_at = now() WHERE id = $1", p.KeyID)
	}
	return p, nil
}

func (s *Server) signAccess(uid, sid uuid.UUID) (string, error) {
	now := time.Now()
	c := accessClaims{
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    jwtIssuer,
			Subject:   uid.String(),
			Audience:  jwt.ClaimStrings{jwtAudience},
			IssuedAt:  jwt.NewNumericDate(now),
			NotBefore: jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(now.Add(s.cfg.AccessTTL)),
			ID:        uuid.NewString(),
		},
		SessionID: sid.String(),
	}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, c).SignedString(s.key)
}

type execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

type tokenResponse struct {
	User         userJSON `json:"user"`
	AccessToken  string   `json:"access_token"`
	TokenType    string   `json:"token_type"`
	ExpiresIn    int      `json:"expires_in"`
	RefreshToken string   `json:"refresh_token"`
}

type userJSON struct {
	ID        string    `json:"id"`
	Username  string    `json:"username"`
	IsAdmin   bool      `json:"is_admin"`
	CreatedAt time.Time `json:"created_at,omitzero"`
}

// newSession starts a refresh-token family for uid inside tx.
func (s *Server) newSession(ctx context.Context, tx execer, u userJSON) (*tokenResponse, error) {
	sid := uuid.Must(uuid.NewV7())
	if _, err := tx.Exec(ctx, "INSERT INTO sessions (id, user_id, expires_at) VALUES ($1, $2, $3)",
		sid, u.ID, time.Now().Add(s.cfg.RefreshTTL)); err != nil {
		return nil, err
	}
	refresh := randomToken(refreshPrefix)
	if _, err := tx.Exec(ctx, "INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)", hashToken(refresh), sid); err != nil {
		return nil, err
	}
	access, err := s.signAccess(uuid.MustParse(u.ID), sid)
	if err != nil {
		return nil, err
	}
	return &tokenResponse{User: u, AccessToken: access, TokenType: "Bearer",
		ExpiresIn: int(s.cfg.AccessTTL.Seconds()), RefreshToken: refresh}, nil
}

// validName reports whether s is min..max characters of [a-z0-9_.-] (and
// A-Z when upper), starting with a letter or digit. Hand-written rather
// than a package-level regexp: package init must stay free (mem0 version).
func validName(s string, minLen, maxLen int, upper bool) bool {
	if len(s) < minLen || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || upper && c >= 'A' && c <= 'Z'
		if !alnum && (i == 0 || c != '_' && c != '.' && c != '-') {
			return false
		}
	}
	return true
}

func checkCredentials(username, password string) error {
	if !validName(username, 2, 39, false) {
		return badRequest("username must be 2-39 characters: lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	return checkPassword(password)
}

func checkPassword(password string) error {
	if len(password) < 8 {
		return badRequest("password must be at least 8 characters")
	}
	if len(password) > 72 {
		return badRequest("password must be at most 72 bytes")
	}
	return nil
}

type registerRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
	Invite   string `json:"invite,omitempty"`
}

func (s *Server) handleRegister(w http.ResponseWriter, r *http.Request) error {
	ip := info(r.Context()).ip
	if err := s.allowAuth("ip:" + ip); err != nil {
		return err
	}
	var req registerRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.Username = strings.ToLower(strings.TrimSpace(req.Username))
	if err := checkCredentials(req.Username, req.Password); err != nil {
		return err
	}
	if err := s.allowAuth("user:" + req.Username); err != nil {
		return err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(req.Password), s.cfg.BcryptCost)
	if err != nil {
		return err
	}
	var resp *tokenResponse
	err = pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		// Serialise registrations so exactly one first account becomes admin.
		if _, err := tx.Exec(r.Context(), "SELECT pg_advisory_xact_lock($1)", migrateLockID+1); err != nil {
			return err
		}
		var first bool
		if err := tx.QueryRow(r.Context(), "SELECT NOT EXISTS (SELECT 1 FROM users)").Scan(&first); err != nil {
			return err
		}
		if !first {
			switch s.cfg.Registration {
			case RegistrationClosed:
				return forbidden("registration is closed on this server")
			case RegistrationInvite:
				if req.Invite == "" {
					return forbidden("registration needs an invite code on this server")
				}
				tag, err := tx.Exec(r.Context(), `UPDATE invites SET used_at = now()
					WHERE code_hash = $1 AND used_at IS NULL AND expires_at > now()`, hashToken(req.Invite))
				if err != nil {
					return err
				}
				if tag.RowsAffected() != 1 {
					return forbidden("the invite code is not valid, used or expired")
				}
			}
		}
		u := userJSON{ID: uuid.Must(uuid.NewV7()).String(), Username: req.Username, IsAdmin: first}
		err := tx.QueryRow(r.Context(), `INSERT INTO users (id, username, password_hash, is_admin) VALUES ($1, $2, $3, $4)
			RETURNING created_at`, u.ID, u.Username, string(hash), first).Scan(&u.CreatedAt)
		if isUniqueViolation(err) {
			return conflict("that username is taken")
		}
		if err != nil {
			return err
		}
		if req.Invite != "" && !first && s.cfg.Registration == RegistrationInvite {
			tx.Exec(r.Context(), "UPDATE invites SET used_by = $1 WHERE code_hash = $2", u.ID, hashToken(req.Invite))
		}
		uid := uuid.MustParse(u.ID)
		if err := s.audit(r.Context(), tx, auditEvent{actor: uid, actorName: u.Username, action: "user.register",
			targetType: "user", targetID: u.ID, ip: ip, detail: map[string]any{"server_admin": first}}); err != nil {
			return err
		}
		resp, err = s.newSession(r.Context(), tx, u)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, resp)
}

type loginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	ip := info(r.Context()).ip
	if err := s.allowAuth("ip:" + ip); err != nil {
		return err
	}
	var req loginRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.Username = strings.ToLower(strings.TrimSpace(req.Username))
	if len(req.Username) > 64 || len(req.Password) > 1024 {
		return unauthorized("wrong username or password")
	}
	if err := s.allowAuth("user:" + req.Username); err != nil {
		return err
	}
	var (
		u    userJSON
		hash string
	)
	err := s.db.QueryRow(r.Context(), "SELECT id, username, is_admin, created_at, password_hash FROM users WHERE username = $1",
		req.Username).Scan(&u.ID, &u.Username, &u.IsAdmin, &u.CreatedAt, &hash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	ok := false
	if err == nil {
		ok = bcrypt.CompareHashAndPassword([]byte(hash), []byte(req.Password)) == nil
	} else {
		bcrypt.CompareHashAndPassword(s.dummyHash, []byte(req.Password))
	}
	if !ok {
		s.metrics.GetOrCreateCounter(`mem0_auth_failures_total{kind="login"}`).Inc()
		name := req.Username
		if len(name) > 64 || !validName(name, 1, 64, false) {
			name = "(invalid username)" // never store arbitrary input
		}
		ev := auditEvent{action: "user.login_failed", actorName: name, ip: ip, targetType: "user"}
		if u.ID != "" {
			ev.actor = uuid.MustParse(u.ID)
			ev.targetID = u.ID
		}
		if err := s.audit(r.Context(), s.db, ev); err != nil {
			return err
		}
		return unauthorized("wrong username or password")
	}
	var resp *tokenResponse
	err = pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		var err error
		if resp, err = s.newSession(r.Context(), tx, u); err != nil {
			return err
		}
		return s.audit(r.Context(), tx, auditEvent{actor: uuid.MustParse(u.ID), actorName: u.Username,
			action: "user.login", targetType: "user", targetID: u.ID, ip: ip})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, resp)
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

func (s *Server) handleRefresh(w http.ResponseWriter, r *http.Request) error {
	ip := info(r.Context()).ip
	if err := s.limits.allow("ip:"+ip, s.cfg.RequestRate, s.cfg.RequestBurst); err != nil {
		return err
	}
	var req refreshRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if !strings.HasPrefix(req.RefreshToken, refreshPrefix) {
		return invalidToken("the refresh token is not valid")
	}
	var (
		resp      *tokenResponse
		reused    bool
		reusedSID uuid.UUID
	)
	err := pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		var (
			sid     uuid.UUID
			used    *time.Time
			revoked *time.Time
			expires time.Time
			u       userJSON
		)
		err := tx.QueryRow(r.Context(), `SELECT rt.session_id, rt.used_at, s.revoked_at, s.expires_at, u.id, u.username, u.is_admin, u.created_at
			FROM refresh_tokens rt JOIN sessions s ON s.id = rt.session_id JOIN users u ON u.id = s.user_id
			WHERE rt.token_hash = $1 FOR UPDATE OF rt, s`, hashToken(req.RefreshToken)).
			Scan(&sid, &used, &revoked, &expires, &u.ID, &u.Username, &u.IsAdmin, &u.CreatedAt)
		if errors.Is(err, pgx.ErrNoRows) {
			return invalidToken("the refresh token is not valid")
		}
		if err != nil {
			return err
		}
		if revoked != nil || time.Now().After(expires) {
			return invalidToken("the session has ended; log in again")
		}
		uid := uuid.MustParse(u.ID)
		if used != nil {
			// A rotated token came back: someone holds a copy. End the
			// whole family; the legitimate client logs in again.
			reused, reusedSID = true, sid
			if _, err := tx.Exec(r.Context(), "UPDATE sessions SET revoked_at = now() WHERE id = $1", sid); err != nil {
				return err
			}
			if err := notifyRevoked(r.Context(), tx, "session:"+sid.String()); err != nil {
				return err
			}
			return s.audit(r.Context(), tx, auditEvent{actor: uid, actorName: u.Username, action: "session.refresh_reuse",
				targetType: "session", targetID: sid.String(), ip: ip})
		}
		if _, err := tx.Exec(r.Context(), "UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1", hashToken(req.RefreshToken)); err != nil {
			return err
		}
		refresh := randomToken(refreshPrefix)
		if _, err := tx.Exec(r.Context(), "INSERT INTO refresh_tokens (token_hash, session_id) VALUES ($1, $2)", hashToken(refresh), sid); err != nil {
			return err
		}
		access, err := s.signAccess(uid, sid)
		if err != nil {
			return err
		}
		resp = &tokenResponse{User: u, AccessToken: access, TokenType: "Bearer", ExpiresIn: int(s.cfg.AccessTTL.Seconds()), RefreshToken: refresh}
		return nil
	})
	if err != nil {
		return err
	}
	if reused {
		s.sessions.evict("session:" + reusedSID.String())
		s.metrics.GetOrCreateCounter(`mem0_auth_failures_total{kind="refresh_reuse"}`).Inc()
		return invalidToken("the refresh token was already used; every session of this login has been ended")
	}
	return writeJSON(w, http.StatusOK, resp)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if err := requireLogin(p); err != nil {
		return err
	}
	err := pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		if _, err := tx.Exec(r.Context(), "UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL", p.SessionID); err != nil {
			return err
		}
		if err := notifyRevoked(r.Context(), tx, "session:"+p.SessionID.String()); err != nil {
			return err
		}
		return s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "user.logout",
			targetType: "session", targetID: p.SessionID.String(), ip: info(r.Context()).ip})
	})
	if err != nil {
		return err
	}
	s.sessions.evict("session:" + p.SessionID.String())
	return noContent(w)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Server) handlePassword(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if err := requireLogin(p); err != nil {
		return err
	}
	ip := info(r.Context()).ip
	if err := s.allowAuth("user:" + p.Username); err != nil {
		return err
	}
	var req passwordRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := checkPassword(req.NewPassword); err != nil {
		return err
	}
	var hash string
	if err := s.db.QueryRow(r.Context(), "SELECT password_hash FROM users WHERE id = $1", p.UserID).Scan(&hash); err != nil {
		return err
	}
	if bcrypt.CompareHashAndPassword([]byte(hash), []byte(req.CurrentPassword)) != nil {
		s.metrics.GetOrCreateCounter(`mem0_auth_failures_total{kind="password"}`).Inc()
		return forbidden("the current password is wrong")
	}
	newHash, err := bcrypt.GenerateFromPassword([]byte(req.NewPassword), s.cfg.BcryptCost)
	if err != nil {
		return err
	}
	var resp *tokenResponse
	err = pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		var u userJSON
		if err := tx.QueryRow(r.Context(), `UPDATE users SET password_hash = $2, password_changed_at = now() WHERE id = $1
			RETURNING id, username, is_admin, created_at`, p.UserID, string(newHash)).Scan(&u.ID, &u.Username, &u.IsAdmin, &u.CreatedAt); err != nil {
			return err
		}
		if _, err := tx.Exec(r.Context(), "UPDATE sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL", p.UserID); err != nil {
			return err
		}
		if err := notifyRevoked(r.Context(), tx, "user:"+p.UserID.String()); err != nil {
			return err
		}
		if err := s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "user.password_change",
			targetType: "user", targetID: p.UserID.String(), ip: ip}); err != nil {
			return err
		}
		resp, err = s.newSession(r.Context(), tx, u)
		return err
	})
	if err != nil {
		return err
	}
	s.sessions.evict("user:" + p.UserID.String())
	return writeJSON(w, http.StatusOK, resp)
}

type meOrg struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Role string `json:"role"`
}

func (s *Server) handleMe(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	var u userJSON
	if err := s.db.QueryRow(r.Context(), "SELECT id, username, is_admin, created_at FROM users WHERE id = $1", p.UserID).
		Scan(&u.ID, &u.Username, &u.IsAdmin, &u.CreatedAt); err != nil {
		return err
	}
	rows, err := s.db.Query(r.Context(), `SELECT o.id, o.name, m.role FROM org_members m JOIN orgs o ON o.id = m.org_id
		WHERE m.user_id = $1 ORDER BY o.name`, p.UserID)
	if err != nil {
		return err
	}
	orgs := []meOrg{}
	for rows.Next() {
		var o meOrg
		var role Level
		if err := rows.Scan(&o.ID, &o.Name, &role); err != nil {
			return err
		}
		o.Role = role.RoleName()
		orgs = append(orgs, o)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	out := map[string]any{"user": u, "orgs": orgs, "auth": "session"}
	if p.isAPIKey() {
		out["auth"] = "api_key"
		out["scope"] = p.Scope
	}
	return writeJSON(w, http.StatusOK, out)
}

// ---- API keys ----

type apiKeyRequest struct {
	Name      string     `json:"name"`
	Scope     string     `json:"scope"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

type apiKeyJSON struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	Scope      string     `json:"scope"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	// Key is the secret itself, present only in the answer to its creation.
	Key string `json:"key,omitempty"`
}

func (s *Server) handleCreateKey(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if err := requireLogin(p); err != nil {
		return err
	}
	var req apiKeyRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	req.Name = strings.TrimSpace(req.Name)
	if req.Name == "" || len(req.Name) > 100 {
		return badRequest("name must be 1-100 characters")
	}
	if req.Scope != "read" && req.Scope != "write" {
		return badRequest("scope must be read or write")
	}
	if req.ExpiresAt != nil && !req.ExpiresAt.After(time.Now()) {
		return badRequest("expires_at must be in the future")
	}
	key := randomToken(apiKeyPrefix)
	k := apiKeyJSON{ID: uuid.Must(uuid.NewV7()).String(), Name: req.Name, Prefix: key[:len(apiKeyPrefix)+6], Scope: req.Scope, ExpiresAt: req.ExpiresAt, Key: key}
	err := pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		if err := tx.QueryRow(r.Context(), `INSERT INTO api_keys (id, user_id, name, prefix, key_hash, scope, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING created_at`, k.ID, p.UserID, k.Name, k.Prefix, hashToken(key), k.Scope, k.ExpiresAt).
			Scan(&k.CreatedAt); err != nil {
			return err
		}
		return s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "api_key.create",
			targetType: "api_key", targetID: k.ID, ip: info(r.Context()).ip, detail: map[string]any{"name": k.Name, "scope": k.Scope}})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, k)
}

func (s *Server) handleListKeys(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if err := requireLogin(p); err != nil {
		return err
	}
	rows, err := s.db.Query(r.Context(), `SELECT id, name, prefix, scope, created_at, expires_at, revoked_at, last_used_at
		FROM api_keys WHERE user_id = $1 ORDER BY created_at`, p.UserID)
	if err != nil {
		return err
	}
	keys := []apiKeyJSON{}
	for rows.Next() {
		var k apiKeyJSON
		if err := rows.Scan(&k.ID, &k.Name, &k.Prefix, &k.Scope, &k.CreatedAt, &k.ExpiresAt, &k.RevokedAt, &k.LastUsedAt); err != nil {
			return err
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, map[string]any{"keys": keys})
}

func (s *Server) handleRevokeKey(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if err := requireLogin(p); err != nil {
		return err
	}
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	err = pgx.BeginFunc(r.Context(), s.db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(r.Context(), "UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND user_id = $2", id, p.UserID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return ErrNotFound
		}
		return s.audit(r.Context(), tx, auditEvent{actor: p.UserID, actorName: p.Username, action: "api_key.revoke",
			targetType: "api_key", targetID: id.String(), ip: info(r.Context()).ip})
	})
	if err != nil {
		return err
	}
	return noContent(w)
}

type inviteRequest struct {
	ExpiresInHours int `json:"expires_in_hours,omitempty"`
}

func (s *Server) handleCreateInvite(w http.ResponseWriter, r *http.Request) error {
	p := principal(r)
	if err := requireLogin(p); err != nil {
		return err
	}
	if !p.IsAdmin {
		return forbidden("only a server admin can create invites")
	}
	var req inviteRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.ExpiresInHours == 0 {
		req.ExpiresInHours = 72
	}
	if req.ExpiresInHours < 1 || req.ExpiresInHours > 24*90 {
		return badRequest("expires_in_hours must be from 1 to 2160")
	}
	code := randomToken(invitePrefix)
	exp := time.Now().Add(time.Duration(req.ExpiresInHours) * time.Hour)
	if _, err := s.db.Exec(r.Context(), "INSERT INTO invites (code_hash, created_by, expires_at) VALUES ($1, $2, $3)",
		hashToken(code), p.UserID, exp); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, map[string]any{"code": code, "expires_at": exp.UTC()})
}

// tokenCache remembers access tokens that verified, by their exact text, so
// a client sending the same token again is not re-verified (HMAC and JSON)
// on every request. Expiry is still checked on every use.
type tokenCache struct {
	mu sync.Mutex
	m  map[string]*accessClaims
}

func (tc *tokenCache) parse(tok string, verify func(string) (*accessClaims, error)) (*accessClaims, error) {
	tc.mu.Lock()
	c, ok := tc.m[tok]
	tc.mu.Unlock()
	if ok {
		if c.ExpiresAt != nil && time.Now().Before(c.ExpiresAt.Time) {
			return c, nil
		}
		tc.mu.Lock()
		delete(tc.m, tok)
		tc.mu.Unlock()
	}
	c, err := verify(tok)
	if err != nil {
		return nil, err
	}
	tc.mu.Lock()
	if tc.m == nil || len(tc.m) >= 10_000 {
		tc.m = map[string]*accessClaims{}
	}
	tc.m[tok] = c
	tc.mu.Unlock()
	return c, nil
}
