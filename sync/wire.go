// Package sync holds the wire types of mem0's sync API (/api/v1/sync/...),
// shared by the server and the CLI's sync engine. The JSON field names are
// part of the protocol: change them only with a new ProtocolVersion.
package sync

import (
	"encoding/json"
	"time"
)

// ProtocolVersion is the sync protocol this package describes. Clients send it
// in the ProtocolHeader; a server that does not speak it answers 426 with an
// "upgrade_required" error instead of guessing.
const ProtocolVersion = 1

// ProtocolHeader carries the client's ProtocolVersion on sync requests.
const ProtocolHeader = "Mem0-Sync-Protocol"

// Operation types of a push.
const (
	OpUpsert = "upsert"
	OpDelete = "delete"
)

// Per-operation outcomes of a push.
const (
	// StatusApplied: the operation is now the memory's current version.
	StatusApplied = "applied"
	// StatusConflictResolved: the memory had changed since BaseVersion; last
	// writer by (ClientTime, DeviceID) won. Winner says whose version is now
	// current; the other one is in the memory's history.
	StatusConflictResolved = "conflict_resolved"
	// StatusRefused: nothing was written; Reason says why. The client keeps
	// its local change and shows the reason.
	StatusRefused = "refused"
)

// Refusal reasons.
const (
	ReasonNotFound        = "not_found"        // no such context, or no read access to it
	ReasonForbidden       = "forbidden"        // readable but not writable by this caller
	ReasonInvalid         = "invalid"          // the operation itself is malformed
	ReasonContextMismatch = "context_mismatch" // the memory id belongs to another readable context (else not_found)
)

// Memory is one memory as the server holds it.
type Memory struct {
	ID        string          `json:"id"`
	ContextID string          `json:"context_id"`
	Kind      string          `json:"kind"`
	Content   string          `json:"content"`
	Metadata  json.RawMessage `json:"metadata"`
	Tags      []string        `json:"tags"`
	Source    string          `json:"source"`
	AuthorID  string          `json:"author_id,omitempty"`
	Author    string          `json:"author,omitempty"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	DeviceID  string          `json:"device_id"`
	Version   int             `json:"version"`
	Deleted   bool            `json:"deleted"`
	// Seq is the context's change counter value of this memory's last change.
	Seq int64 `json:"seq"`
}

// Op is one operation of a push. OpID is made by the client (a UUID) and
// recorded by the server: the same OpID sent again returns the first result
// and writes nothing.
type Op struct {
	OpID      string `json:"op_id"`
	Type      string `json:"type"`
	ContextID string `json:"context_id"`
	MemoryID  string `json:"memory_id"`
	// BaseVersion is the server version the client's edit started from
	// (0 for a memory the client created).
	BaseVersion int `json:"base_version"`
	// ClientTime is when the client made the change; with the push's DeviceID
	// it orders concurrent edits (last writer wins).
	ClientTime time.Time       `json:"client_time"`
	Kind       string          `json:"kind,omitempty"`
	Content    string          `json:"content,omitempty"`
	Metadata   json.RawMessage `json:"metadata,omitempty"`
	Tags       []string        `json:"tags,omitempty"`
	Source     string          `json:"source,omitempty"`
	CreatedAt  time.Time       `json:"created_at,omitzero"`
}

// PushRequest is the body of POST /api/v1/sync/push.
type PushRequest struct {
	DeviceID string `json:"device_id"`
	Ops      []Op   `json:"ops"`
}

// OpResult is the outcome of one Op, in the order of the request.
type OpResult struct {
	OpID   string `json:"op_id"`
	Status string `json:"status"`
	// Winner is "client" or "server" for StatusConflictResolved.
	Winner string `json:"winner,omitempty"`
	Reason string `json:"reason,omitempty"`
	// Message explains a refusal in words.
	Message string `json:"message,omitempty"`
	// MemoryID and Version name the memory's current version after the
	// operation (the base for the client's next edit).
	MemoryID string `json:"memory_id,omitempty"`
	Version  int    `json:"version,omitempty"`
	// Replayed says this OpID was seen before: the first result is returned
	// and nothing was written this time.
	Replayed bool `json:"replayed,omitempty"`
	// Memory is the server's current version when the server's version won
	// a conflict (the client replaces its copy with it); absent otherwise
	// and on replays.
	Memory *Memory `json:"memory,omitempty"`
}

// PushResponse is the answer to a PushRequest.
type PushResponse struct {
	Results []OpResult `json:"results"`
}

// PullRequest is the body of POST /api/v1/sync/pull: the client's cursor for
// every context it holds (0 or absent for none yet).
type PullRequest struct {
	Cursors map[string]int64 `json:"cursors"`
	// Limit caps the changes returned per context (default and maximum are in
	// Capabilities).
	Limit int `json:"limit,omitempty"`
}

// ContextInfo describes a context the caller can read.
type ContextInfo struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	OwnerKind   string    `json:"owner_kind"`
	OwnerID     string    `json:"owner_id"`
	Visibility  string    `json:"visibility"`
	Level       string    `json:"level"`
	Seq         int64     `json:"seq"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// PullContext carries the changes of one context after the client's cursor,
// in counter order. A change is a whole memory (Deleted for a tombstone).
type PullContext struct {
	ID      string   `json:"id"`
	Cursor  int64    `json:"cursor"`
	Changes []Memory `json:"changes"`
	// More says more changes are waiting: pull again with the new Cursor
	// (the per-context limit or the response's size cap was reached).
	More bool `json:"more"`
}

// PullResponse answers a PullRequest. Contexts lists only contexts with
// changes, so a no-op pull is a few bytes. Gained lists contexts the caller
// can now read but sent no cursor for (their changes from 0 are in
// Contexts); Lost lists contexts the client sent a cursor for that it can no
// longer read (or that were deleted): the client drops their memories.
//
// The server caps the size of its answer. When the cap stops it, the
// context it was reading says More (its Cursor covers only the changes
// returned, possibly none), contexts it did not reach are left out of
// Contexts, and the response's More is true: pull again with the cursors
// returned until no More is set.
type PullResponse struct {
	Contexts []PullContext `json:"contexts"`
	Gained   []ContextInfo `json:"gained"`
	Lost     []string      `json:"lost"`
	// More says the size cap cut this answer short (see above).
	More bool `json:"more,omitempty"`
}

// Capabilities is the body of GET /api/v1/capabilities.
type Capabilities struct {
	APIVersions      []string `json:"api_versions"`
	SyncProtocols    []int    `json:"sync_protocols"`
	Registration     string   `json:"registration"`
	MaxContentBytes  int      `json:"max_content_bytes"`
	MaxPushOps       int      `json:"max_push_ops"`
	DefaultPullLimit int      `json:"default_pull_limit"`
	MaxPullLimit     int      `json:"max_pull_limit"`
	Features         []string `json:"features"`
}
