#!/usr/bin/env bash
# Whole-process figures for the local CLI, side by side with the sqlite3 CLI
# on the same data, printed as a table (medians of warm runs). Usage:
#   scripts/bench.sh bin/mem0 [N]     (N memories, default 100000)
set -euo pipefail
mem0=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
n=${2:-100000}
runs=${BENCH_RUNS:-30}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
command -v sqlite3 >/dev/null || { echo "bench: sqlite3 is needed (apt-get install sqlite3)" >&2; exit 1; }

go build -o "$out/gen" "$root/bench/gen"
go build -o "$out/proctime" "$root/bench/proctime"
pt() { "$out/proctime" -runs "$runs" "$@"; }

echo "generating $n realistic memories..." >&2
"$out/gen" -n "$n" > "$out/mem.jsonl"

export MEM0_HOME="$out/home"
# Import: whole process, fresh database each time, median of 3.
imports=()
for i in 1 2 3; do
	rm -rf "$MEM0_HOME"
	s=$(date +%s%N)
	"$mem0" import "$out/mem.jsonl" 2>/dev/null
	imports+=($(( ($(date +%s%N) - s) / 1000000 )))
done
import_ms=$(printf '%s\n' "${imports[@]}" | sort -n | sed -n 2p)

# The reference: the same schema and data, used by the sqlite3 CLI.
db="$MEM0_HOME/data/mem0.db"
"$mem0" status >/dev/null
cp "$db" "$out/ref.db"
ref="$out/ref.db"
sqlite3 "$ref" 'PRAGMA journal_mode=WAL' >/dev/null
ctxid=$(sqlite3 "$ref" "SELECT id FROM contexts WHERE name='default'")

rows=()
rows+=("$(pt -label 'mem0 version' "$mem0" version)")
rows+=("$(pt -label 'mem0 add' "$mem0" add "benchmark note {i}: the canary deploy of billing needs a feature flag")")
rows+=("$(pt -label 'sqlite3 insert (same row, same schema)' sqlite3 "$ref" "PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; BEGIN IMMEDIATE; SELECT id FROM memories WHERE context_id='$ctxid' AND content_hash='x{i}' AND deleted_at IS NULL; INSERT INTO memories (id, context_id, kind, content, content_hash, metadata, tags, source, author, created_at, updated_at, version) VALUES (lower(hex(randomblob(16))), '$ctxid', 'note', 'benchmark note {i}: the canary deploy of billing needs a feature flag', 'x{i}', '{}', '[]', 'cli', '', 1, 1, 1); COMMIT;")")
for q in "deploy staging" "connection pool" "docker build"; do
	set -- $q
	rows+=("$(pt -label "mem0 search $q" "$mem0" search "$q")")
	rows+=("$(pt -label "sqlite3 FTS5 bm25 $q" sqlite3 "$ref" "SELECT m.seq, m.id, c.name, m.context_id, m.kind, m.content, m.metadata, m.tags, m.source, m.author, m.created_at, m.updated_at, m.version, m.deleted_at, bm25(memories_fts, 1.0, 2.0) AS rank FROM memories_fts JOIN memories m ON m.seq = memories_fts.rowid JOIN contexts c ON c.id = m.context_id WHERE memories_fts MATCH '\"$1\" \"$2\"' AND m.deleted_at IS NULL AND c.name IN ('default') ORDER BY rank, m.created_at DESC LIMIT 10")")
done

printf '\n%-44s %5s %10s %8s %8s %8s\n' "measure ($n memories, warm cache)" runs "median ms" "p90 ms" "cpu ms" "RSS MB"
printf '%s\n' "${rows[@]}" | awk -F'\t' '{printf "%-44s %5s %10s %8s %8s %8s\n", $1, $2, $3, $4, $6, $5}'
printf '%-44s %5s %10s\n' "mem0 import (whole process)" 3 "$import_ms"
# Ratios of medians: wall time, and CPU time (steadier on a busy machine).
med() { printf '%s\n' "${rows[@]}" | awk -F'\t' -v l="$1" -v c="$2" '$1==l {print $c}'; }
ratio() { awk -v a="$(med "$1" 3)" -v b="$(med "$2" 3)" -v ca="$(med "$1" 6)" -v cb="$(med "$2" 6)" -v t="$3" \
	'BEGIN {printf "%-36s %.2fx wall, %.2fx cpu  (target %s)\n", t, a/b, ca/cb, "'"$4"'"}'; }
echo
ratio 'mem0 add' 'sqlite3 insert (same row, same schema)' "add / sqlite3 insert:" "<= 3x, <= 10 ms"
for q in "deploy staging" "connection pool" "docker build"; do
	ratio "mem0 search $q" "sqlite3 FTS5 bm25 $q" "search $q / sqlite3:" "<= 2x, <= 30 ms"
done
echo "import of $n: ${import_ms} ms (target <= 10000 ms)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (figures are only comparable on a quiet machine)"
