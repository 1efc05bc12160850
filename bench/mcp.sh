#!/usr/bin/env bash
# bench/mcp.sh — mem0 mcp side by side with the reference MCP memory server
# (@modelcontextprotocol/server-memory), both driven over stdio by the same
# official TypeScript SDK client (bench/mcp/bench.mjs); docs/benchmarks-mcp.md.
#
#   bench/mcp.sh [bin/mem0]            BENCH_MCP_N=10000 BENCH_MCP_STARTS=20
#
# Needs Node.js 18+ and npm; installs bench/mcp's locked packages on first use.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/bin/mem0}
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
n=${BENCH_MCP_N:-10000}
starts=${BENCH_MCP_STARTS:-20}
out=${BENCH_OUT:-$root/bench/out/mcp}

command -v node >/dev/null || { echo "bench/mcp.sh: node is needed (Node.js 18 or later)" >&2; exit 1; }
[ -x "$bin" ] || { echo "bench/mcp.sh: $bin is not built (make build)" >&2; exit 1; }
if [ ! -d "$root/bench/mcp/node_modules/@modelcontextprotocol/server-memory" ]; then
	npm ci --prefix "$root/bench/mcp" --no-audit --no-fund --loglevel=error
fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
go run "$root/bench/gen" -n "$n" > "$work/memories.jsonl"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown)"
node "$root/bench/mcp/bench.mjs" --mem0 "$bin" --data "$work/memories.jsonl" --n "$n" --starts "$starts" --out "$out"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown) (figures are only comparable on a quiet machine)"
