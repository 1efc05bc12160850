package server

import (
	"net/http"
	"strconv"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/mem0dev/mem0/store/content"
	wire "github.com/mem0dev/mem0/sync"
)

const (
	defaultPullLimit = 1000
	maxPullLimit     = 5000
	maxPullCursors   = 10000
)

// checkProtocol answers 426 to a client speaking a sync protocol this
// server does not (a missing header means version 1).
func checkProtocol(r *http.Request) error {
	v := r.Header.Get(wire.ProtocolHeader)
	if v == "" || v == strconv.Itoa(wire.ProtocolVersion) {
		return nil
	}
	return &apiError{status: http.StatusUpgradeRequired, code: "upgrade_required",
		message: "this server speaks sync protocol " + strconv.Itoa(wire.ProtocolVersion) + "; please upgrade mem0 (or the server)"}
}

func (s *Server) handleCapabilities(w http.ResponseWriter, r *http.Request) error {
	return writeJSON(w, http.StatusOK, wire.Capabilities{
		APIVersions:      []string{"v1"},
		SyncProtocols:    []int{wire.ProtocolVersion},
		Registration:     s.cfg.Registration,
		MaxContentBytes:  content.DefaultMaxBytes,
		MaxPushOps:       s.cfg.MaxPushOps,
		DefaultPullLimit: defaultPullLimit,
		MaxPullLimit:     maxPullLimit,
		Features:         []string{"sync", "search", "api_keys", "orgs", "teams", "audit"},
	})
}

func (s *Server) handlePush(w http.ResponseWriter, r *http.Request) error {
	if err := checkProtocol(r); err != nil {
		return err
	}
	p := principal(r)
	var req wire.PushRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.DeviceID == "" || len(req.DeviceID) > 100 || !isPrintableASCII(req.DeviceID) {
		return badRequest("device_id must be 1-100 printable ASCII characters")
	}
	if len(req.Ops) == 0 {
		return writeJSON(w, http.StatusOK, wire.PushResponse{Results: []wire.OpResult{}})
	}
	if len(req.Ops) > s.cfg.MaxPushOps {
		return tooLarge("at most " + strconv.Itoa(s.cfg.MaxPushOps) + " operations per push")
	}
	// Op ids are recorded and compared in canonical form, so "{...}",
	// "urn:uuid:..." and upper case are the same op as the plain spelling,
	// within a batch and on replay. Results echo the spelling sent.
	sent := make([]string, len(req.Ops))
	for i := range req.Ops {
		sent[i] = req.Ops[i].OpID
		if id, err := uuid.Parse(req.Ops[i].OpID); err == nil {
			req.Ops[i].OpID = id.String()
		}
	}
	res, err := s.applyOps(r.Context(), p, req.DeviceID, req.Ops, applyMode{record: true})
	if err != nil {
		return err
	}
	for i := range res {
		res[i].OpID = sent[i]
	}
	return writeJSON(w, http.StatusOK, wire.PushResponse{Results: res})
}

// handlePull returns, per context the caller can read, the changes after the
// client's cursor. It reads in one REPEATABLE READ snapshot, so the counters
// and the memories agree; since counters are assigned under the context row
// lock, everything at or below a returned cursor has committed.
func (s *Server) handlePull(w http.ResponseWriter, r *http.Request) error {
	if err := checkProtocol(r); err != nil {
		return err
	}
	p := principal(r)
	var req wire.PullRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Limit == 0 {
		req.Limit = defaultPullLimit
	}
	if req.Limit < 1 || req.Limit > maxPullLimit {
		return badRequest("limit must be from 1 to %d", maxPullLimit)
	}
	if len(req.Cursors) > maxPullCursors {
		return tooLarge("too many cursors")
	}
	cursors := make(map[uuid.UUID]int64, len(req.Cursors))
	known := make([]uuid.UUID, 0, len(req.Cursors))
	lostUnparsable := []string{}
	for k, v := range req.Cursors {
		id, err := uuid.Parse(k)
		if err != nil {
			lostUnparsable = append(lostUnparsable, k)
			continue
		}
		if v < 0 {
			return badRequest("cursors must not be negative")
		}
		cursors[id] = v
		known = append(known, id)
	}
	resp := wire.PullResponse{Contexts: []wire.PullContext{}, Gained: []wire.ContextInfo{}, Lost: lostUnparsable}
	err := pgx.BeginTxFunc(r.Context(), s.db, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		cs, err := s.memberContexts(r.Context(), tx, p, known)
		if err != nil {
			return err
		}
		readable := make(map[uuid.UUID]bool, len(cs))
		type want struct {
			c      *ctxRow
			cursor int64
		}
		var wants []want
		for _, c := range cs {
			readable[c.id] = true
			cur, ok := cursors[c.id]
			if !ok {
				resp.Gained = append(resp.Gained, c.info(p))
			}
			if c.seq > cur {
				wants = append(wants, want{c, cur})
			}
		}
		for _, id := range known {
			if !readable[id] {
				resp.Lost = append(resp.Lost, id.String())
			}
		}
		if len(wants) == 0 {
			return nil
		}
		// The answer stops growing at the byte budget: the context being read
		// then says More with a cursor covering only the changes returned, and
		// the contexts not reached are left out (the response says More).
		budget := s.cfg.MaxResponseBytes
		used := 64 + 40*len(resp.Lost)
		for i := range resp.Gained {
			used += contextInfoJSONSize(&resp.Gained[i])
		}
		full, returned := false, 0
		const chunk = 64 // contexts per round trip; none are read past the budget
		for first := 0; first < len(wants) && !full; first += chunk {
			part := wants[first:min(first+chunk, len(wants))]
			batch := &pgx.Batch{}
			for _, wt := range part {
				// From cursor 0 the client holds nothing, so tombstones are noise.
				batch.Queue(`SELECT `+memCols+` FROM memories m WHERE m.context_id = $1 AND m.seq > $2 AND ($2 > 0 OR NOT m.deleted)
				ORDER BY m.seq LIMIT $3`, wt.c.id, wt.cursor, req.Limit+1)
			}
			br := tx.SendBatch(r.Context(), batch)
			for _, wt := range part {
				if full {
					break // Close discards the rest of the batch
				}
				rows, err := br.Query()
				if err != nil {
					br.Close()
					return err
				}
				pc := wire.PullContext{ID: wt.c.id.String(), Cursor: wt.c.seq, Changes: []wire.Memory{}}
				used += 100
				for rows.Next() {
					m := &memState{}
					if err := rows.Scan(m.scanArgs()...); err != nil {
						rows.Close()
						br.Close()
						return err
					}
					if len(pc.Changes) == req.Limit {
						pc.More = true
						break
					}
					mw := m.wire("")
					size := memoryJSONSize(&mw)
					// The first change always goes, so every pull makes progress.
					if used+size > budget && returned > 0 {
						pc.More, full = true, true
						break
					}
					used += size
					returned++
					pc.Changes = append(pc.Changes, mw)
				}
				rows.Close()
				if err := rows.Err(); err != nil {
					br.Close()
					return err
				}
				if pc.More {
					// The cursor covers only what is returned.
					pc.Cursor = wt.cursor
					if n := len(pc.Changes); n > 0 {
						pc.Cursor = pc.Changes[n-1].Seq
					}
				}
				resp.Contexts = append(resp.Contexts, pc)
			}
			if err := br.Close(); err != nil {
				return err
			}
		}
		resp.More = full
		return nil
	})
	if err != nil {
		return err
	}
	s.countSyncOps("pulled", countChanges(resp))
	return writeJSON(w, http.StatusOK, resp)
}

func countChanges(r wire.PullResponse) int {
	n := 0
	for _, c := range r.Contexts {
		n += len(c.Changes)
	}
	return n
}
