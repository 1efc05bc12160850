#!/usr/bin/env bash
# Semantic search figures (issue: AI providers), printed as a table:
#  - whole `mem0 search` processes over N memories with vectors of D
#    dimensions, from a stand-in embedder on loopback (bench/stubembed), so
#    the figures are mem0's own work: --semantic, hybrid, --keyword;
#  - `mem0 add` without an embedder, against the binary built from BASE (the
#    commit before the embeddings migration), each on its own copy of the
#    same N memories, to show that adding is unchanged.
# Usage: bench/semantic.sh bin/mem0 [N] [D]
set -euo pipefail
mem0=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
n=${2:-100000}
dims=${3:-768}
runs=${BENCH_RUNS:-30}
base=${BENCH_BASE:-961aa52}
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mktemp -d)
stub_pid=
cleanup() {
	[ -n "$stub_pid" ] && kill "$stub_pid" 2>/dev/null || true
	git -C "$root" worktree remove --force "$out/base" 2>/dev/null || true
	rm -rf "$out"
}
trap cleanup EXIT

go build -o "$out/gen" "$root/bench/gen"
go build -o "$out/proctime" "$root/bench/proctime"
go build -o "$out/stubembed" "$root/bench/stubembed"
pt() { "$out/proctime" -runs "$runs" "$@"; }

echo "building the baseline mem0 at $base..." >&2
git -C "$root" worktree add -q --detach "$out/base" "$base"
(cd "$out/base" && CGO_ENABLED=0 go build -trimpath -o "$out/mem0-base" ./cmd/mem0)

echo "generating and importing $n memories (twice)..." >&2
"$out/gen" -n "$n" > "$out/mem.jsonl"
MEM0_HOME="$out/home-base" "$out/mem0-base" import "$out/mem.jsonl" 2>/dev/null
MEM0_HOME="$out/home" "$mem0" import "$out/mem.jsonl" 2>/dev/null

rows=()
note='benchmark note {i}: the canary deploy of billing needs a feature flag'
for round in 1 2; do
	rows+=("$(MEM0_HOME="$out/home-base" pt -label "add, before ($base) r$round" "$out/mem0-base" add "$note")")
	rows+=("$(MEM0_HOME="$out/home" pt -label "add, now, no embedder r$round" "$mem0" add "$note")")
done

"$out/stubembed" -dims "$dims" > "$out/stub.addr" &
stub_pid=$!
for _ in $(seq 50); do [ -s "$out/stub.addr" ] && break; sleep 0.1; done
export MEM0_HOME="$out/home"
"$mem0" config set embedder.provider openai >/dev/null 2>&1
"$mem0" config set embedder.base_url "$(cat "$out/stub.addr")/v1" >/dev/null 2>&1
s=$(date +%s%N)
"$mem0" reindex --quiet
reindex_ms=$(( ($(date +%s%N) - s) / 1000000 ))
sync; sleep 2 # let the new index file's write-back finish before timing reads
vec_mb=$(du -m "$out/home/data/mem0.vectors" | cut -f1)

for q in "how do I ship a release" "database connection timeout" "docker build"; do
	rows+=("$(pt -label "search --semantic: $q" "$mem0" search --semantic $q)")
	rows+=("$(pt -label "search (hybrid): $q" "$mem0" search $q)")
	rows+=("$(pt -label "search --keyword: $q" "$mem0" search --keyword $q)")
done

printf '\n%-52s %5s %10s %8s %8s %8s\n' "measure ($n memories, $dims dims, warm cache)" runs "median ms" "p90 ms" "cpu ms" "RSS MB"
printf '%s\n' "${rows[@]}" | awk -F'\t' '{printf "%-52s %5s %10s %8s %8s %8s\n", $1, $2, $3, $4, $6, $5}'
med() { printf '%s\n' "${rows[@]}" | awk -F'\t' -v l="$1" '$1==l {print $3}'; }
echo
for round in 1 2; do
	awk -v a="$(med "add, now, no embedder r$round")" -v b="$(med "add, before ($base) r$round")" \
		'BEGIN {printf "add now / before (round '"$round"'): %.3fx (target 0.90x-1.10x)\n", a/b}'
done
echo "reindex of $n memories (embedding on loopback, storing, index file of ${vec_mb} MB): ${reindex_ms} ms"
echo "targets: search --semantic <= 60 ms median, peak RSS <= 400 MB"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (figures are only comparable on a quiet machine)"
