package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Deleted says whether listings include tombstoned memories.
type Deleted int

const (
	LiveOnly Deleted = iota
	DeletedOnly
	LiveAndDeleted
)

// Filter narrows listings and searches. Zero values mean "no filter".
type Filter struct {
	Contexts []string // context names; empty means every context
	Kind     string
	Tags     []string // a memory must carry all of them
	Since    time.Time
	Until    time.Time
	Deleted  Deleted
	// Cwd keeps commands run in this folder or below it (metadata.cwd);
	// Sep is the path separator of the folders compared.
	Cwd    string
	Sep    string
	Failed bool // only commands whose exit status was not 0
	Limit  int  // 0: no limit
	Offset int
}

// where renders the filter as SQL over "m" (memories) and "c" (contexts).
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	switch f.Deleted {
	case LiveOnly:
		conds = append(conds, "m.deleted_at IS NULL")
	case DeletedOnly:
		conds = append(conds, "m.deleted_at IS NOT NULL")
	}
	if len(f.Contexts) > 0 {
		conds = append(conds, "c.name IN ("+placeholders(len(f.Contexts))+")")
		for _, c := range f.Contexts {
			args = append(args, c)
		}
	}
	if f.Kind != "" {
		conds = append(conds, "m.kind = ?")
		args = append(args, f.Kind)
	}
	for _, t := range f.Tags {
		conds = append(conds, "EXISTS (SELECT 1 FROM json_each(m.tags) WHERE json_each.value = ?)")
		args = append(args, t)
	}
	if !f.Since.IsZero() {
		conds = append(conds, "m.created_at >= ?")
		args = append(args, millis(f.Since))
	}
	if !f.Until.IsZero() {
		conds = append(conds, "m.created_at < ?")
		args = append(args, millis(f.Until))
	}
	if f.Cwd != "" {
		under := strings.TrimSuffix(f.Cwd, f.Sep) + f.Sep
		conds = append(conds, `(json_extract(m.metadata, '$.cwd') = ? OR substr(json_extract(m.metadata, '$.cwd'), 1, ?) = ?)`)
		args = append(args, f.Cwd, utf8.RuneCountInString(under), under) // substr counts characters
	}
	if f.Failed {
		conds = append(conds, `json_extract(m.metadata, '$.exit') != 0`)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " AND " + strings.Join(conds, " AND "), args
}

func (f Filter) page() string {
	if f.Limit <= 0 {
		if f.Offset > 0 {
			return fmt.Sprintf(" LIMIT -1 OFFSET %d", f.Offset)
		}
		return ""
	}
	return fmt.Sprintf(" LIMIT %d OFFSET %d", f.Limit, max(f.Offset, 0))
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// ListMemories returns memories matching f, newest first.
func (r reader) ListMemories(ctx context.Context, f Filter) ([]*Memory, error) {
	where, args := f.where()
	rows, err := r.q.QueryContext(ctx, `SELECT `+memoryColumns+memoryFrom+`WHERE 1=1`+where+
		` ORDER BY m.created_at DESC, m.id DESC`+f.page(), args...)
	if err != nil {
		return nil, mapErr(err, "list memories")
	}
	defer rows.Close()
	var out []*Memory
	for rows.Next() {
		m, err := scanMemory(rows)
		if err != nil {
			return nil, mapErr(err, "list memories")
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err(), "list memories")
}

// Highlight markers around matched terms in Result.Highlight. They are
// private-use code points, which never occur in typed text.
const (
	MarkStart = "\uE000"
	MarkEnd   = "\uE001"
)

// Result is one search hit.
type Result struct {
	*Memory
	// Score is the BM25 relevance: higher is better.
	Score float64 `json:"score"`
	// Highlight is the content with matched terms between MarkStart and
	// MarkEnd; set only when asked for.
	Highlight string `json:"-"`
}

// SearchMode tells how a query was matched.
type SearchMode string

const (
	MatchAll SearchMode = "all"  // every word matched
	MatchAny SearchMode = "any"  // no memory had every word; any word matched
	NoWords  SearchMode = "none" // the query holds no word to search for
)

// Search ranks live memories matching query by BM25 (tags weigh twice as
// much as content), breaking ties by recency. Users type plain words, so
// query syntax is never interpreted: every word is searched for literally,
// and a trailing * asks for a prefix match. When no memory holds every
// word, memories holding any of them are returned instead.
func (r reader) Search(ctx context.Context, query string, f Filter, highlight bool) ([]Result, SearchMode, error) {
	terms := queryTerms(query)
	if len(terms) == 0 {
		return nil, NoWords, nil
	}
	if f.Limit <= 0 {
		f.Limit = 1 << 30
	}
	f.Deleted = LiveOnly
	res, err := r.search(ctx, strings.Join(terms, " "), f)
	mode := MatchAll
	if err == nil && len(res) == 0 && len(terms) > 1 {
		mode = MatchAny
		res, err = r.search(ctx, strings.Join(terms, " OR "), f)
	}
	if err != nil || !highlight || len(res) == 0 {
		return res, mode, err
	}
	return res, mode, r.highlight(ctx, strings.Join(terms, " OR "), res)
}

// maxRanked bounds the candidates the index-first search reads in one
// round; their seqs are bound as SQL variables (SQLite allows 32,766).
const maxRanked = 4096

func (r reader) search(ctx context.Context, match string, f Filter) ([]Result, error) {
	want := f.Offset + f.Limit
	if want > maxRanked/4 {
		return r.searchJoined(ctx, match, f)
	}
	// Rank inside the full-text index first (ORDER BY rank lets FTS5 keep
	// only the best rows and never touch the memories table for the rest),
	// then read and filter just those rows. Filters may drop some, so ask
	// for more than needed and widen until enough pass or none are left.
	for k := max(4*want, 64); ; k *= 8 {
		if k > maxRanked {
			// Filters drop most hits (a small context among big ones, a
			// rare kind or tag): rank with the filters in one query instead.
			return r.searchJoined(ctx, match, f)
		}
		// Among equal scores the newer (higher rowid) come first, so the
		// cut at k keeps the recency tie-break.
		rows, err := r.q.QueryContext(ctx, `SELECT rowid, rank FROM memories_fts
			WHERE memories_fts MATCH ? AND rank MATCH 'bm25(1.0, 2.0)' ORDER BY rank, rowid DESC LIMIT ?`, match, k)
		if err != nil {
			return nil, mapErr(err, "search")
		}
		rank := map[int64]float64{}
		var seqs []any
		for rows.Next() {
			var seq int64
			var rk float64
			if err := rows.Scan(&seq, &rk); err != nil {
				rows.Close()
				return nil, mapErr(err, "search")
			}
			rank[seq] = rk
			seqs = append(seqs, seq)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapErr(err, "search")
		}
		res, err := r.resultsFor(ctx, seqs, rank, f)
		if err != nil {
			return nil, err
		}
		if len(res) >= want || len(seqs) < k {
			if f.Offset >= len(res) {
				return nil, nil
			}
			return res[f.Offset:min(len(res), want)], nil
		}
	}
}

// resultsFor reads the memories with the given seqs that pass f, best first.
func (r reader) resultsFor(ctx context.Context, seqs []any, rank map[int64]float64, f Filter) ([]Result, error) {
	if len(seqs) == 0 {
		return nil, nil
	}
	where, args := f.where()
	// "+m.context_id" keeps the planner on the rowid lookups instead of
	// scanning the whole context through its index.
	rows, err := r.q.QueryContext(ctx, `SELECT `+memoryColumns+` FROM memories m JOIN contexts c ON c.id = +m.context_id WHERE m.seq IN (`+placeholders(len(seqs))+`)`+where,
		append(seqs, args...)...)
	if err != nil {
		return nil, mapErr(err, "search")
	}
	defer rows.Close()
	var out []Result
	for rows.Next() {
		m, err := scanMemory(rows)
		if err != nil {
			return nil, mapErr(err, "search")
		}
		out = append(out, Result{Memory: m, Score: -rank[m.seq]})
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err, "search")
	}
	slices.SortFunc(out, func(a, b Result) int {
		if a.Score != b.Score {
			return cmp.Compare(b.Score, a.Score)
		}
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		return cmp.Compare(b.seq, a.seq)
	})
	return out, nil
}

// searchJoined ranks every match in one joined query: for requests too
// large for the index-first path.
func (r reader) searchJoined(ctx context.Context, match string, f Filter) ([]Result, error) {
	where, args := f.where()
	rows, err := r.q.QueryContext(ctx, `SELECT `+memoryColumns+`, bm25(memories_fts, 1.0, 2.0) AS rank
		FROM memories_fts JOIN memories m ON m.seq = memories_fts.rowid JOIN contexts c ON c.id = m.context_id
		WHERE memories_fts MATCH ?`+where+` ORDER BY rank, m.created_at DESC, m.seq DESC`+f.page(),
		append([]any{match}, args...)...)
	if err != nil {
		return nil, mapErr(err, "search")
	}
	defer rows.Close()
	var out []Result
	for rows.Next() {
		var rank float64
		m, err := scanMemory(rows, &rank)
		if err != nil {
			return nil, mapErr(err, "search")
		}
		out = append(out, Result{Memory: m, Score: -rank})
	}
	return out, mapErr(rows.Err(), "search")
}

// highlight fills Result.Highlight for the hits only, so the cost does not
// grow with the number of matches.
func (r reader) highlight(ctx context.Context, match string, res []Result) error {
	bySeq := make(map[int64]*Result, len(res))
	args := []any{match}
	for i := range res {
		bySeq[res[i].seq] = &res[i]
		args = append(args, res[i].seq)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT rowid, highlight(memories_fts, 0, '`+MarkStart+`', '`+MarkEnd+`')
		FROM memories_fts WHERE memories_fts MATCH ? AND rowid IN (`+placeholders(len(res))+`)`, args...)
	if err != nil {
		return mapErr(err, "highlight")
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		var h string
		if err := rows.Scan(&seq, &h); err != nil {
			return mapErr(err, "highlight")
		}
		if hit := bySeq[seq]; hit != nil {
			hit.Highlight = h
		}
	}
	return mapErr(rows.Err(), "highlight")
}

// queryTerms turns what a user typed into FTS5 terms that cannot be read as
// syntax: each word becomes a quoted string (a phrase when the tokenizer
// splits it, like "docker-compose"), quotes inside are doubled, and words
// without a letter or digit are dropped. NEAR, AND, OR, NOT, column filters
// and parentheses therefore all mean themselves.
func queryTerms(q string) []string {
	var terms []string
	for _, w := range strings.Fields(q) {
		prefix := strings.HasSuffix(w, "*")
		w = strings.Trim(w, "*")
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		t := `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
		if prefix {
			t += "*"
		}
		terms = append(terms, t)
	}
	return terms
}
