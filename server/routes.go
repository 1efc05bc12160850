package server

import (
	"context"
	"net/http"
	"time"
)

// registerRoutes is the API: every route is registered here, and the
// OpenAPI document is generated from the same list.
func (s *Server) registerRoutes() {
	const (
		none = authNone
		opt  = authOptional
		req  = authRequired
	)
	pushLimit := 16 * s.cfg.MaxBodyBytes
	for _, rt := range []route{
		{method: "GET", pattern: "/healthz", summary: "Process is alive", auth: none, h: s.handleHealthz},
		{method: "GET", pattern: "/readyz", summary: "Database reachable and schema current", auth: none, h: s.handleReadyz},
		{method: "GET", pattern: "/metrics", summary: "Prometheus metrics", auth: none, h: s.handleMetrics},
		{method: "GET", pattern: "/api/v1/openapi.json", summary: "This API's OpenAPI document", auth: none, h: s.handleOpenAPI},
		{method: "GET", pattern: "/api/v1/capabilities", summary: "API versions, sync protocols and limits", auth: none, h: s.handleCapabilities},

		{method: "POST", pattern: "/api/v1/auth/register", summary: "Create an account (the first becomes server admin)", auth: none, body: true, h: s.handleRegister},
		{method: "POST", pattern: "/api/v1/auth/login", summary: "Log in with a password", auth: none, body: true, h: s.handleLogin},
		{method: "POST", pattern: "/api/v1/auth/refresh", summary: "Rotate a refresh token for new tokens", auth: none, body: true, h: s.handleRefresh},
		{method: "POST", pattern: "/api/v1/auth/logout", summary: "End the current session", auth: req, h: s.handleLogout},
		{method: "POST", pattern: "/api/v1/invites", summary: "Create an invite code (server admins)", auth: req, body: true, h: s.handleCreateInvite},

		{method: "GET", pattern: "/api/v1/me", summary: "The caller's account", auth: req, h: s.handleMe},
		{method: "POST", pattern: "/api/v1/me/password", summary: "Change password (ends every session)", auth: req, body: true, h: s.handlePassword},
		{method: "GET", pattern: "/api/v1/me/keys", summary: "List API keys", auth: req, h: s.handleListKeys},
		{method: "POST", pattern: "/api/v1/me/keys", summary: "Create an API key (shown once)", auth: req, body: true, h: s.handleCreateKey},
		{method: "DELETE", pattern: "/api/v1/me/keys/{id}", summary: "Revoke an API key", auth: req, h: s.handleRevokeKey},
		{method: "GET", pattern: "/api/v1/me/audit", summary: "The caller's audit log", auth: req, h: s.handleMyAudit},

		{method: "GET", pattern: "/api/v1/orgs", summary: "List the caller's orgs", auth: req, h: s.handleListOrgs},
		{method: "POST", pattern: "/api/v1/orgs", acl: true, summary: "Create an org (the caller becomes owner)", auth: req, body: true, h: s.handleCreateOrg},
		{method: "GET", pattern: "/api/v1/orgs/{org}", summary: "Show an org", auth: req, h: s.handleGetOrg},
		{method: "PATCH", pattern: "/api/v1/orgs/{org}", summary: "Rename an org (admins)", auth: req, body: true, h: s.handleRenameOrg},
		{method: "DELETE", pattern: "/api/v1/orgs/{org}", acl: true, summary: "Delete an org (owners)", auth: req, h: s.handleDeleteOrg},
		{method: "GET", pattern: "/api/v1/orgs/{org}/members", summary: "List org members", auth: req, h: s.handleOrgMembers},
		{method: "PUT", pattern: "/api/v1/orgs/{org}/members/{user}", acl: true, summary: "Add (invite by username) or change an org member's role", auth: req, body: true, h: s.handleSetMember(s.orgGroup)},
		{method: "DELETE", pattern: "/api/v1/orgs/{org}/members/{user}", acl: true, summary: "Remove an org member", auth: req, h: s.handleRemoveMember(s.orgGroup)},
		{method: "POST", pattern: "/api/v1/orgs/{org}/leave", acl: true, summary: "Leave an org", auth: req, h: s.handleLeave(s.orgGroup)},
		{method: "GET", pattern: "/api/v1/orgs/{org}/teams", summary: "List an org's teams", auth: req, h: s.handleListTeams},
		{method: "POST", pattern: "/api/v1/orgs/{org}/teams", acl: true, summary: "Create a team (org admins)", auth: req, body: true, h: s.handleCreateTeam},
		{method: "GET", pattern: "/api/v1/orgs/{org}/audit", summary: "An org's audit log (org admins)", auth: req, h: s.handleOrgAudit},

		{method: "GET", pattern: "/api/v1/teams/{team}", summary: "Show a team", auth: req, h: s.handleGetTeam},
		{method: "PATCH", pattern: "/api/v1/teams/{team}", summary: "Rename a team", auth: req, body: true, h: s.handleRenameTeam},
		{method: "DELETE", pattern: "/api/v1/teams/{team}", acl: true, summary: "Delete a team", auth: req, h: s.handleDeleteTeam},
		{method: "GET", pattern: "/api/v1/teams/{team}/members", summary: "List team members", auth: req, h: s.handleTeamMembers},
		{method: "PUT", pattern: "/api/v1/teams/{team}/members/{user}", acl: true, summary: "Add or change a team member's role", auth: req, body: true, h: s.handleSetMember(s.teamGroup)},
		{method: "DELETE", pattern: "/api/v1/teams/{team}/members/{user}", acl: true, summary: "Remove a team member", auth: req, h: s.handleRemoveMember(s.teamGroup)},
		{method: "POST", pattern: "/api/v1/teams/{team}/leave", acl: true, summary: "Leave a team", auth: req, h: s.handleLeave(s.teamGroup)},

		{method: "GET", pattern: "/api/v1/contexts", summary: "List contexts the caller can read (sync set)", auth: req, h: s.handleListContexts},
		{method: "POST", pattern: "/api/v1/contexts", acl: true, summary: "Create a context", auth: req, body: true, h: s.handleCreateContext},
		{method: "GET", pattern: "/api/v1/contexts/{id}", summary: "Show a context", auth: opt, h: s.handleGetContext},
		{method: "PATCH", pattern: "/api/v1/contexts/{id}", acl: true, summary: "Rename, describe or change visibility (admin)", auth: req, body: true, h: s.handleUpdateContext},
		{method: "DELETE", pattern: "/api/v1/contexts/{id}", acl: true, summary: "Delete a context and its memories (owner)", auth: req, h: s.handleDeleteContext},
		{method: "POST", pattern: "/api/v1/contexts/{id}/transfer", acl: true, summary: "Transfer ownership (owner)", auth: req, body: true, h: s.handleTransferContext},
		{method: "GET", pattern: "/api/v1/contexts/{id}/access", summary: "Who has access and why (admin)", auth: req, h: s.handleAccess},
		{method: "POST", pattern: "/api/v1/contexts/{id}/grants", acl: true, summary: "Share with a user, team or org (admin)", auth: req, body: true, h: s.handleShare},
		{method: "DELETE", pattern: "/api/v1/contexts/{id}/grants/{grant}", acl: true, summary: "Unshare (admin)", auth: req, h: s.handleUnshare},
		{method: "GET", pattern: "/api/v1/contexts/{id}/memories", summary: "List memories (paged, filtered)", auth: opt, h: s.handleListMemories},
		{method: "POST", pattern: "/api/v1/contexts/{id}/memories", summary: "Add a memory (write)", auth: req, body: true, h: s.handleCreateMemory},

		{method: "GET", pattern: "/api/v1/memories/{id}", summary: "Get a memory", auth: opt, h: s.handleGetMemory},
		{method: "PATCH", pattern: "/api/v1/memories/{id}", summary: "Edit a memory (keeps history)", auth: req, body: true, h: s.handleUpdateMemory},
		{method: "DELETE", pattern: "/api/v1/memories/{id}", summary: "Delete a memory (tombstone)", auth: req, h: s.handleDeleteMemory},
		{method: "GET", pattern: "/api/v1/memories/{id}/history", summary: "A memory's previous versions", auth: opt, h: s.handleHistory},
		{method: "POST", pattern: "/api/v1/memories/{id}/restore", summary: "Make a history entry current again", auth: req, body: true, h: s.handleRestore},
		{method: "GET", pattern: "/api/v1/search", summary: "Full-text search across readable contexts", auth: opt, h: s.handleSearch},

		{method: "POST", pattern: "/api/v1/sync/push", summary: "Push a batch of operations (idempotent by op id)", auth: req, body: true, bodyLimit: pushLimit, h: s.handlePush},
		{method: "POST", pattern: "/api/v1/sync/pull", summary: "Pull changes after per-context cursors", auth: req, body: true, h: s.handlePull},
	} {
		s.handle(rt)
	}
	// Unknown API paths get a JSON 404 rather than the mux's text one.
	s.mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSONError(w, &apiError{status: http.StatusNotFound, code: "not_found", message: "no such route"})
	}))
}

func (s *Server) handleHealthz(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *Server) handleReadyz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	v, err := s.schemaVersion(ctx)
	if err != nil {
		return &apiError{status: http.StatusServiceUnavailable, code: "not_ready", message: "database unreachable"}
	}
	if v != latestVersion() {
		return &apiError{status: http.StatusServiceUnavailable, code: "not_ready", message: "database schema is not current"}
	}
	return writeJSON(w, http.StatusOK, map[string]any{"status": "ready", "schema_version": v})
}
