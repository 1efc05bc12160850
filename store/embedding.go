package store

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
)

// StateEmbedModel names the embedding model the stored vectors belong to
// (provider, model and endpoint). While it is unset nothing is queued for
// embedding.
const StateEmbedModel = "embed_model"

// stateEmbedResetRev is the clock's tick at the last reset.
const stateEmbedResetRev = "embed_reset_rev"

// Seq is the memory's row number in this database: the key of its vector.
func (m *Memory) Seq() int64 { return m.seq }

// PendingText is a memory waiting for its vector.
type PendingText struct {
	Seq     int64
	Hash    string // the content hash the vector will be made from
	Content string
}

// Embedding is a memory's vector.
type Embedding struct {
	Seq    int64
	Hash   string
	Vector []float32 // unit length
}

// ResetEmbeddings starts over for model: every stored vector is dropped and
// every live memory queued. Used when the embedder changes and by reindex.
func (tx *Tx) ResetEmbeddings(ctx context.Context, model string) error {
	for _, q := range []string{
		`DELETE FROM embeddings`,
		// A copy of the vectors made before this tick predates the reset
		// and is rebuilt, so the deaths need not be kept.
		`UPDATE embed_clock SET n = n + 1`,
		`INSERT INTO state (key, value) SELECT '` + stateEmbedResetRev + `', n FROM embed_clock WHERE true
		 ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		`DELETE FROM embedding_deaths`,
		`DELETE FROM embed_pending`,
		`INSERT INTO embed_pending (seq) SELECT seq FROM memories WHERE deleted_at IS NULL`,
	} {
		if _, err := tx.q.ExecContext(ctx, q); err != nil {
			return mapErr(err, "reset embeddings")
		}
	}
	return tx.SetState(ctx, StateEmbedModel, model)
}

// PendingEmbeddings returns up to limit live memories waiting for a
// vector, oldest first.
func (r reader) PendingEmbeddings(ctx context.Context, limit int) ([]PendingText, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT p.seq, m.content_hash, m.content FROM embed_pending p
		JOIN memories m ON m.seq = p.seq WHERE m.deleted_at IS NULL ORDER BY p.seq LIMIT ?`, limit)
	if err != nil {
		return nil, mapErr(err, "read memories waiting for embeddings")
	}
	defer rows.Close()
	var out []PendingText
	for rows.Next() {
		var p PendingText
		if err := rows.Scan(&p.Seq, &p.Hash, &p.Content); err != nil {
			return nil, mapErr(err, "read memories waiting for embeddings")
		}
		out = append(out, p)
	}
	return out, mapErr(rows.Err(), "read memories waiting for embeddings")
}

// EmbeddingBacklog counts the live memories waiting for a vector (deleted
// ones wait too, but only matter once restored).
func (r reader) EmbeddingBacklog(ctx context.Context) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM embed_pending p
		JOIN memories m ON m.seq = p.seq WHERE m.deleted_at IS NULL`).Scan(&n)
	return n, mapErr(err, "count memories waiting for embeddings")
}

// PutEmbeddings stores vectors. A vector made from text that has changed
// since (its hash differs) is dropped and the memory stays queued.
func (tx *Tx) PutEmbeddings(ctx context.Context, es []Embedding) (stored int, err error) {
	var rev int64
	if err := tx.q.QueryRowContext(ctx, `UPDATE embed_clock SET n = n + ? RETURNING n - ?`, len(es), len(es)).Scan(&rev); err != nil {
		return 0, mapErr(err, "store embeddings")
	}
	for _, e := range es {
		rev++
		res, err := tx.q.ExecContext(ctx, `INSERT INTO embeddings (memory_seq, content_hash, rev, vector)
			SELECT seq, content_hash, ?, ? FROM memories WHERE seq = ? AND content_hash = ?
			ON CONFLICT (memory_seq) DO UPDATE SET content_hash = excluded.content_hash, rev = excluded.rev, vector = excluded.vector`,
			rev, EncodeVector(e.Vector), e.Seq, e.Hash)
		if err != nil {
			return stored, mapErr(err, "store embeddings")
		}
		if n, _ := res.RowsAffected(); n == 0 {
			continue
		}
		stored++
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM embed_pending WHERE seq = ?`, e.Seq); err != nil {
			return stored, mapErr(err, "store embeddings")
		}
	}
	return stored, nil
}

// DropPending takes memories off the embedding queue without a vector
// (texts the provider refuses).
func (tx *Tx) DropPending(ctx context.Context, seqs []int64) error {
	for _, seq := range seqs {
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM embed_pending WHERE seq = ?`, seq); err != nil {
			return mapErr(err, "update the embedding queue")
		}
	}
	return nil
}

// EmbeddingRev is the clock's tick: the rev of the newest vector stored or
// dropped (0 when there was none). It never goes down.
func (r reader) EmbeddingRev(ctx context.Context) (int64, error) {
	var rev int64
	err := r.q.QueryRowContext(ctx, `SELECT n FROM embed_clock`).Scan(&rev)
	return rev, mapErr(err, "read embeddings")
}

// EmbeddingDims is the length of the stored vectors (0 when none is).
func (r reader) EmbeddingDims(ctx context.Context) (int, error) {
	var n sql.NullInt64
	err := r.q.QueryRowContext(ctx, `SELECT length(vector) / 4 FROM embeddings LIMIT 1`).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return int(n.Int64), mapErr(err, "read embeddings")
}

// EmbeddingResetRev is the clock's tick at the last reset: a copy of the
// vectors that stops below it predates the reset.
func (r reader) EmbeddingResetRev(ctx context.Context) (int64, error) {
	v, err := r.State(ctx, stateEmbedResetRev)
	if err != nil || v == "" {
		return 0, err
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: state %s is %q", ErrCorrupt, stateEmbedResetRev, v)
	}
	return n, nil
}

// DroppedEmbeddings returns the memories whose vector was dropped after
// rev, in rev order (since the last reset).
func (r reader) DroppedEmbeddings(ctx context.Context, after int64) ([]int64, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT seq FROM embedding_deaths WHERE rev > ? ORDER BY rev`, after)
	if err != nil {
		return nil, mapErr(err, "read embeddings")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return nil, mapErr(err, "read embeddings")
		}
		out = append(out, seq)
	}
	return out, mapErr(rows.Err(), "read embeddings")
}

// EmbeddingCount is how many memories have a vector.
func (r reader) EmbeddingCount(ctx context.Context) (int, error) {
	var n int
	err := r.q.QueryRowContext(ctx, `SELECT count(*) FROM embeddings`).Scan(&n)
	return n, mapErr(err, "count embeddings")
}

// EachEmbedding calls fn for every vector written after rev, in rev order.
// vec is only valid during the call.
func (r reader) EachEmbedding(ctx context.Context, after int64, fn func(seq, rev int64, vec []byte) error) error {
	rows, err := r.q.QueryContext(ctx, `SELECT memory_seq, rev, vector FROM embeddings WHERE rev > ? ORDER BY rev`, after)
	if err != nil {
		return mapErr(err, "read embeddings")
	}
	defer rows.Close()
	for rows.Next() {
		var seq, rev int64
		var vec []byte
		if err := rows.Scan(&seq, &rev, &vec); err != nil {
			return mapErr(err, "read embeddings")
		}
		if err := fn(seq, rev, vec); err != nil {
			return err
		}
	}
	return mapErr(rows.Err(), "read embeddings")
}

// ResultsFor reads the live memories with the given seqs that pass f,
// scored by score, best first.
func (r reader) ResultsFor(ctx context.Context, seqs []int64, score map[int64]float64, f Filter) ([]Result, error) {
	f.Deleted = LiveOnly
	var out []Result
	for start := 0; start < len(seqs); start += maxRanked {
		chunk := seqs[start:min(len(seqs), start+maxRanked)]
		args := make([]any, len(chunk))
		neg := make(map[int64]float64, len(chunk))
		for i, s := range chunk {
			args[i] = s
			neg[s] = -score[s] // resultsFor takes FTS5 ranks: lower is better
		}
		res, err := r.resultsFor(ctx, args, neg, f)
		if err != nil {
			return nil, err
		}
		out = append(out, res...)
	}
	slices.SortStableFunc(out, func(a, b Result) int { return cmp.Compare(b.Score, a.Score) })
	return out, nil
}

// EncodeVector is the stored form of a vector: little-endian float32s.
func EncodeVector(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// DecodeVector reads what EncodeVector wrote.
func DecodeVector(b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("%w: a stored vector has %d bytes", ErrCorrupt, len(b))
	}
	v := make([]float32, len(b)/4)
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
	return v, nil
}

// SeqsMatching returns the seqs of the live memories that pass f (its
// limit ignored): the allowed set when filters leave few candidates.
func (r reader) SeqsMatching(ctx context.Context, f Filter) ([]int64, error) {
	f.Deleted = LiveOnly
	where, args := f.where()
	rows, err := r.q.QueryContext(ctx, `SELECT m.seq`+memoryFrom+`WHERE 1=1`+where, args...)
	if err != nil {
		return nil, mapErr(err, "list memories")
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return nil, mapErr(err, "list memories")
		}
		out = append(out, seq)
	}
	return out, mapErr(rows.Err(), "list memories")
}
