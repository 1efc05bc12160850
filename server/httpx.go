package server

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"mime"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

type authMode int

const (
	authNone     authMode = iota // no credential looked at
	authOptional                 // anonymous allowed (public contexts)
	authRequired                 // 401 without a valid credential
)

type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// route is one entry of the API: registered on the mux and listed in the
// OpenAPI document.
type route struct {
	method, pattern, summary string
	auth                     authMode
	body                     bool  // takes a JSON body
	bodyLimit                int64 // 0: cfg.MaxBodyBytes
	acl                      bool  // changes who can read what: drop cached readable sets
	h                        handlerFunc
}

func (s *Server) handle(rt route) {
	s.routes = append(s.routes, rt)
	s.mux.Handle(rt.method+" "+rt.pattern, s.wrap(rt))
}

// reqInfo travels in the request context from the outermost middleware so
// inner layers can fill in what the outer ones log and count.
type reqInfo struct {
	id        string
	route     string
	principal *Principal
	ip        string
}

type ctxKey struct{}

func info(ctx context.Context) *reqInfo {
	if ri, ok := ctx.Value(ctxKey{}).(*reqInfo); ok {
		return ri
	}
	return &reqInfo{}
}

// principal returns the authenticated caller, nil for anonymous.
func principal(r *http.Request) *Principal { return info(r.Context()).principal }

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// withRequest is the outer middleware: request id, recovery, access log and
// request metrics.
func (s *Server) withRequest(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ri := &reqInfo{id: requestID(r), ip: s.clientIP(r)}
		w.Header().Set("X-Request-Id", ri.id)
		sw := &statusWriter{ResponseWriter: w}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri))
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "request_id", ri.id, "panic", fmt.Sprint(v), "stack", string(debug.Stack()))
				if sw.status == 0 {
					writeJSONError(sw, &apiError{status: 500, code: "internal", message: "internal server error"})
				}
			}
			route := ri.route
			if route == "" {
				route = "unmatched"
			}
			status := sw.status
			if status == 0 {
				status = 200
			}
			d := time.Since(start)
			s.observe(route, status, d)
			lvl := slog.LevelInfo
			if status >= 500 {
				lvl = slog.LevelError
			}
			if !s.log.Enabled(r.Context(), lvl) {
				return
			}
			attrs := []any{"request_id", ri.id, "method", r.Method, "route", route, "status", status,
				"duration_ms", float64(d.Microseconds()) / 1000, "bytes", sw.bytes, "ip", ri.ip}
			if ri.principal != nil {
				attrs = append(attrs, "user_id", ri.principal.UserID.String())
			}
			s.log.Log(r.Context(), lvl, "request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}

func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); id != "" && len(id) <= 64 && isPrintableASCII(id) {
		return id
	}
	var b [8]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

func isPrintableASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// clientIP is the peer address, or the last X-Forwarded-For hop when the
// operator said a trusted proxy sets it.
func (s *Server) clientIP(r *http.Request) string {
	if s.cfg.TrustProxyHeaders {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// wrap applies, per route: authentication, the per-credential rate limit,
// the body limit, and the mapping of the handler's error to a response.
func (s *Server) wrap(rt route) http.Handler {
	name := rt.method + " " + rt.pattern
	limit := rt.bodyLimit
	if limit == 0 {
		limit = s.cfg.MaxBodyBytes
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ri := info(r.Context())
		ri.route = name
		err := func() error {
			if rt.auth != authNone {
				// Failed authentications are charged to the client IP (the
				// login limit) and answered 429 once its bucket is empty, so
				// guessing keys or tokens gets nowhere. Valid credentials are
				// never turned away for others' failures: behind a proxy or a
				// shared NAT, one client's guessing must not lock out all.
				p, err := s.authenticate(r)
				if err != nil {
					s.metrics.GetOrCreateCounter(`mem0_auth_failures_total{kind="token"}`).Inc()
					if classify(err).status == http.StatusUnauthorized {
						if lerr := s.chargeAuthFailure(ri.ip); lerr != nil {
							return lerr
						}
					}
					return err
				}
				if p == nil && rt.auth == authRequired {
					return unauthorized("authentication required: send Authorization: Bearer <token>")
				}
				ri.principal = p
				key := "ip:" + ri.ip
				if p != nil {
					key = p.rateKey()
				}
				if err := s.limits.allow(key, s.cfg.RequestRate, s.cfg.RequestBurst); err != nil {
					s.metrics.GetOrCreateCounter(`mem0_rate_limited_total{kind="request"}`).Inc()
					return err
				}
			}
			if rt.body {
				r.Body = http.MaxBytesReader(w, r.Body, limit)
			} else if r.Body != nil {
				r.Body = http.MaxBytesReader(w, r.Body, 1<<10)
			}
			return rt.h(w, r)
		}()
		if rt.acl {
			// This instance forgets at once; the others when the trigger's
			// NOTIFY arrives (migration 0004).
			s.sessions.evict("acl")
		}
		if err != nil {
			s.writeError(w, r, err)
		}
	})
}

// writeError is the one place errors become HTTP responses.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	ae := classify(err)
	if ae.status >= 500 {
		s.log.Error("request failed", "request_id", info(r.Context()).id, "error", err.Error())
	}
	for k, v := range ae.header {
		w.Header()[k] = v
	}
	writeJSONError(w, ae)
}

func writeJSONError(w http.ResponseWriter, ae *apiError) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(ae.status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(map[string]any{"error": map[string]string{"code": ae.code, "message": ae.message}})
}

// writeJSON sends v as one JSON document. HTML escaping is off: the answers
// are application/json, never HTML, and \u003c for every '<' would make a
// memory full of markup six times its size.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil { // Encode ends the document with '\n'
		return err
	}
	b := buf.Bytes()
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	// A known length spares chunked encoding (and syscalls) on big answers.
	h.Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
	return nil
}

func noContent(w http.ResponseWriter) error {
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// decode reads one JSON document into v: valid UTF-8, no unknown fields,
// nothing after it, within the route's body limit.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return &apiError{status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", message: "send application/json"}
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return tooLarge(fmt.Sprintf("request body is larger than %d bytes", mbe.Limit))
		}
		return badRequest("could not read the request body")
	}
	if trimmed := bytes.TrimSpace(body); len(trimmed) == 0 || trimmed[0] != '{' {
		return badRequest("request body must be a JSON object")
	}
	// encoding/json silently replaces invalid UTF-8; refuse it instead.
	if !utf8.Valid(body) {
		return badRequest("request body is not valid UTF-8")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			return badRequest("malformed JSON at offset %d", se.Offset)
		case errors.As(err, &te):
			return badRequest("field %q must be %s", te.Field, te.Type.String())
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return badRequest("%s", strings.TrimPrefix(err.Error(), "json: "))
		default:
			return badRequest("malformed JSON")
		}
	}
	if _, err := dec.Token(); err != io.EOF {
		return badRequest("request body must hold exactly one JSON document")
	}
	return nil
}

// pathID parses the {name} path value as a UUID; a malformed id is simply
// not found.
func pathID(r *http.Request, name string) (uuid.UUID, error) {
	id, err := uuid.Parse(r.PathValue(name))
	if err != nil {
		return uuid.Nil, ErrNotFound
	}
	return id, nil
}

// queryInt parses an optional integer query parameter within [lo, hi].
func queryInt(r *http.Request, name string, def, lo, hi int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		return 0, badRequest("%s must be an integer from %d to %d", name, lo, hi)
	}
	return n, nil
}

func retryAfter(d time.Duration) error {
	secs := int(math.Ceil(d.Seconds()))
	if secs < 1 {
		secs = 1
	}
	return &apiError{status: http.StatusTooManyRequests, code: "rate_limited",
		message: "too many requests; retry later",
		header:  http.Header{"Retry-After": []string{strconv.Itoa(secs)}}}
}
