#!/usr/bin/env bash
# bench/server.sh — the sync server's figures (docs/benchmarks-server.md).
#
# Self-contained: starts a throwaway PostgreSQL cluster (default durability
# settings), builds and starts the server, seeds it through the sync API,
# then measures with wrk (or bench/loadgen when wrk is missing) and compares
# with pgbench running the same SQL. Prints a table of medians.
#
#   BENCH_DURATION=5 BENCH_REPS=3 bench/server.sh
set -euo pipefail
cd "$(dirname "$0")/.."

DUR=${BENCH_DURATION:-5}
REPS=${BENCH_REPS:-3}
CONNS=${BENCH_CONNS:-32}
OUT=${BENCH_OUT:-bench/out/server}
mkdir -p "$OUT"

find_pgbin() {
	local d
	for d in "${MEM0_PG_BIN:-}" /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
		if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/postgres" ]; then echo "$d"; return 0; fi
	done
	if command -v postgres >/dev/null 2>&1; then dirname "$(command -v postgres)"; return 0; fi
	return 1
}
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo "?")
PGBIN=$(find_pgbin) || { echo "bench/server.sh: PostgreSQL not found; install postgresql-15" >&2; exit 1; }
PGBENCH=$PGBIN/pgbench
PSQL=$PGBIN/psql

WORK=$(mktemp -d /tmp/mem0-bench-server-XXXXXX)
PGPID= SPID=
cleanup() {
	[ -n "$SPID" ] && kill "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null || true
	if [ -n "$PGPID" ]; then
		kill -INT "$PGPID" 2>/dev/null || true
		for _ in $(seq 50); do kill -0 "$PGPID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$PGPID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

AS=() INIT=()
if [ "$(id -u)" = 0 ]; then
	chown postgres: "$WORK"
	chmod 700 "$WORK"
	AS=(setpriv --reuid=postgres --regid=postgres --init-groups)
	INIT=(runuser -u postgres --)
fi
"${INIT[@]}" "$PGBIN/initdb" -D "$WORK/data" -U postgres -A trust -E UTF8 --no-locale >/dev/null
PGPORT=$((20000 + RANDOM % 20000))
"${AS[@]}" "$PGBIN/postgres" -D "$WORK/data" -p "$PGPORT" -k "$WORK" -c listen_addresses=127.0.0.1 \
	-c shared_buffers=128MB -c max_connections=100 >"$WORK/pg.log" 2>&1 &
PGPID=$!
for _ in $(seq 100); do "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT" && break; sleep 0.1; done
"$PSQL" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE mem0bench"
DB="postgres://postgres@127.0.0.1:$PGPORT/mem0bench?sslmode=disable"

echo "building..." >&2
go build -o "$WORK/loadgen" ./bench/loadgen
SERVER=()
if [ -d cmd/mem0 ] && go build -o "$WORK/mem0" ./cmd/mem0 2>/dev/null && "$WORK/mem0" server --help >/dev/null 2>&1; then
	SERVER=("$WORK/mem0" server --registration open --rate-limit 1000000000 --log-level warn)
	SERVER_KIND="mem0 server"
else
	go build -o "$WORK/serverbench" ./bench/serverbench
	SERVER=("$WORK/serverbench")
	SERVER_KIND="bench/serverbench (server.Run)"
fi
SPORT=$((20000 + RANDOM % 20000))
BASE=http://127.0.0.1:$SPORT
MEM0_DATABASE_URL=$DB MEM0_JWT_KEY=$(head -c 48 /dev/urandom | base64 | tr -d '\n') \
	"${SERVER[@]}" --listen "127.0.0.1:$SPORT" 2>"$WORK/server.log" &
SPID=$!
for _ in $(seq 100); do curl -fsS "$BASE/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$BASE/readyz" >/dev/null || { echo "server did not start:"; cat "$WORK/server.log"; exit 1; }

median() { sort -n | awk '{a[NR]=$1} END {if (NR%2) print a[(NR+1)/2]; else printf "%.2f\n", (a[NR/2]+a[NR/2+1])/2}'; }

# Seed: REPS users each push 10,000 memories in batches of 500 (timed); the
# load below uses the last user's token, memory and context.
PUSHES=() FULLS=()
for _ in $(seq "$REPS"); do
	vars=$("$WORK/loadgen" setup -url "$BASE" -n 10000 -batch 500) || { echo "bench/server.sh: seeding failed" >&2; exit 1; }
	eval "$vars"
	PUSHES+=("$PUSH_MS")
	FULLS+=("$FULLPULL_MS")
done
PUSH_MED=$(printf '%s\n' "${PUSHES[@]}" | median)
FULL_MED=$(printf '%s\n' "${FULLS[@]}" | median)
"$PSQL" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -d mem0bench -c "VACUUM ANALYZE" >/dev/null

if [ -n "${BENCH_HOLD:-}" ]; then # keep everything up for manual experiments
	echo "DB=$DB BASE=$BASE TOKEN=$TOKEN MEMORY=$MEMORY PGPORT=$PGPORT" >"$BENCH_HOLD"
	while :; do sleep 1; done
fi
vars=$("$WORK/loadgen" pull -url "$BASE" -token "$TOKEN" -reps 300) || { echo "bench/server.sh: no-op pull failed" >&2; exit 1; }
eval "$vars"

# wrk's latency figures carry units; normalise to ms.
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f\n", v}'; }
http_load() { # path → "rps p99ms"
	local path=$1
	if command -v wrk >/dev/null 2>&1; then
		local out
		out=$(wrk -t2 -c"$CONNS" -d"${DUR}s" --latency -H "Authorization: Bearer $TOKEN" "$BASE$path")
		if echo "$out" | grep -q "Non-2xx"; then echo "wrk saw errors: $out" >&2; exit 1; fi
		echo "$(echo "$out" | awk '/Requests\/sec/ {print $2}') $(echo "$out" | awk '$1 == "99%" {print $2}' | to_ms)"
	else
		local out
		out=$("$WORK/loadgen" http -url "$BASE" -path "$path" -token "$TOKEN" -c "$CONNS" -d "${DUR}s")
		echo "$(echo "$out" | sed -n 's/^RPS=//p') $(echo "$out" | sed -n 's/^P99_MS=//p')"
	fi
}
pg_load() { # script → tps
	"$PGBENCH" -n -M prepared -c "$CONNS" -j 2 -T "$DUR" -h 127.0.0.1 -p "$PGPORT" -U postgres -f "$1" mem0bench 2>/dev/null |
		awk '/^tps/ {print $3; exit}'
}

USERID=$("$PSQL" -At -h 127.0.0.1 -p "$PGPORT" -U postgres -d mem0bench -c "SELECT author_id FROM memories WHERE id = '$MEMORY'")

WORD=kubectl
MEMCOLS="m.id, m.context_id, m.kind, m.content, m.metadata, m.tags, m.source, m.author_id, m.created_at, m.updated_at, m.device_id, m.version, m.deleted, m.seq"
# The server checks a session, and computes a caller's readable contexts, in
# the database once per 10 s (then caches them until a revocation or access
# change notice), so per request the equivalent SQL is the route's query alone.
cat >"$WORK/get.sql" <<EOF
SELECT $MEMCOLS, COALESCE(u.username, ''), l.level FROM memories m LEFT JOIN users u ON u.id = m.author_id, LATERAL (SELECT mem0_level(m.context_id, '$USERID') AS level) l WHERE m.id = '$MEMORY' AND l.level > 0;
EOF
cat >"$WORK/search.sql" <<EOF
WITH q AS (SELECT uq, uq && string_agg(quote_literal('c' || replace(id::text, '-', '')), ' | ')::tsquery AS fq FROM unnest(ARRAY['$CONTEXT']::uuid[]) id, websearch_to_tsquery('simple', '$WORD') uq GROUP BY uq) SELECT $MEMCOLS, COALESCE(u.username, ''), ts_rank(m.tsv, q.uq) AS rank FROM q, memories m LEFT JOIN users u ON u.id = m.author_id WHERE numnode(q.uq) > 0 AND m.tsv @@ q.fq AND NOT m.deleted AND (m.context_id = ANY(ARRAY['$CONTEXT']::uuid[])) IS TRUE ORDER BY rank DESC, m.id DESC LIMIT 20;
EOF

declare -A RPS P99 TPS
for name in get search; do
	case $name in
	get) path="/api/v1/memories/$MEMORY" ;;
	search) path="/api/v1/search?q=$WORD&limit=20" ;;
	esac
	http_load "$path" >/dev/null # warm-up
	rs=() ps=() ts=()
	for _ in $(seq "$REPS"); do
		read -r r p <<<"$(http_load "$path")"
		rs+=("$r") ps+=("$p")
		ts+=("$(pg_load "$WORK/$name.sql")")
	done
	RPS[$name]=$(printf '%s\n' "${rs[@]}" | median)
	P99[$name]=$(printf '%s\n' "${ps[@]}" | median)
	TPS[$name]=$(printf '%s\n' "${ts[@]}" | median)
done
HITS=$(curl -fsS -H "Authorization: Bearer $TOKEN" "$BASE/api/v1/search?q=$WORD&limit=200" | grep -o '"rank"' | wc -l)
RSS_PEAK=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$SPID/status" 2>/dev/null || echo "?")
RSS_NOW=$(awk '/VmRSS/ {printf "%.0f", $2/1024}' "/proc/$SPID/status" 2>/dev/null || echo "?")
LOADER=$(command -v wrk >/dev/null 2>&1 && echo "wrk -t2 -c$CONNS" || echo "bench/loadgen -c $CONNS")
pct() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.0f%%", 100*a/b}'; }
ok() { awk -v v="$1" -v lim="$2" -v dir="$3" 'BEGIN {if ((dir == "le" && v <= lim) || (dir == "ge" && v >= lim)) print "ok"; else print "MISSED"}'; }

{
	echo "## Sync server — $(date -u +%Y-%m-%d), $(nproc) cores, PostgreSQL $("$PGBIN/postgres" --version | awk '{print $3}') on the same machine"
	echo
	echo "Load average before the run: $LOAD_BEFORE (other work on the machine skews these figures)."
	echo "Server: $SERVER_KIND. Load: $LOADER, ${DUR}s per run, median of $REPS runs, authenticated with a JWT."
	echo "Data: $REPS users × 10,000 memories; the search term matches $HITS of the caller's memories (limit 20 returned)."
	echo
	echo "| figure | target | measured | |"
	echo "|---|---|---|---|"
	echo "| GET memory: requests/s | ≥ 2,000 | ${RPS[get]} | $(ok "${RPS[get]}" 2000 ge) |"
	echo "| GET memory: p99 latency | ≤ 50 ms | ${P99[get]} ms | $(ok "${P99[get]}" 50 le) |"
	echo "| GET memory: pgbench, same SQL (tx/s) | — | ${TPS[get]} | server = $(pct "${RPS[get]}" "${TPS[get]}") |"
	echo "| search: requests/s | ≥ 2,000 | ${RPS[search]} | $(ok "${RPS[search]}" 2000 ge) |"
	echo "| search: p99 latency | ≤ 50 ms | ${P99[search]} ms | $(ok "${P99[search]}" 50 le) |"
	echo "| search: pgbench, same SQL (tx/s) | — | ${TPS[search]} | server = $(pct "${RPS[search]}" "${TPS[search]}") |"
	echo "| sync push of 10,000 memories (batches of 500) | ≤ 3 s | ${PUSH_MED} ms | $(ok "$PUSH_MED" 3000 le) |"
	echo "| first full pull of 10,000 memories | — | ${FULL_MED} ms | |"
	echo "| no-op pull: server time (mean) | ≤ 5 ms | ${NOOP_PULL_SERVER_MEAN_MS} ms | $(ok "$NOOP_PULL_SERVER_MEAN_MS" 5 le) |"
	echo "| no-op pull: round trip median / p99 | — | ${NOOP_PULL_MEDIAN_MS} / ${NOOP_PULL_P99_MS} ms, ${NOOP_PULL_BYTES} bytes | |"
	echo "| server RSS, peak under load | ≤ 150 MB | ${RSS_PEAK} MB (now ${RSS_NOW} MB) | $(ok "$RSS_PEAK" 150 le) |"
} | tee "$OUT/results.md"
