// mem0 mcp side by side with the reference MCP memory server
// (@modelcontextprotocol/server-memory), both driven by the same official
// TypeScript SDK client over stdio:
//   - server start to initialize answered (median of --starts runs),
//   - time to store N memories one tool call at a time,
//   - median latency of a search at 1,000 and at N stored.
// Usage (bench/mcp.sh runs it):
//   node bench.mjs --mem0 bin/mem0 --data memories.jsonl [--n 10000] [--starts 20] [--out DIR]
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { readFileSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";

const argv = process.argv.slice(2);
const opt = (name, def) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : def;
};
const mem0Bin = opt("mem0");
const dataFile = opt("data");
const N = Number(opt("n", "10000"));
const STARTS = Number(opt("starts", "20"));
const FIRST = Math.min(1000, N);
const outDir = opt("out", "");
const only = opt("only", ""); // "mem0" or "reference" to run one side
if (!mem0Bin || !dataFile) {
  console.error("usage: node bench.mjs --mem0 BIN --data FILE.jsonl [--n N] [--starts K] [--out DIR]");
  process.exit(2);
}
const here = dirname(fileURLToPath(import.meta.url));
const refServer = join(here, "node_modules", "@modelcontextprotocol", "server-memory", "dist", "index.js");

const texts = readFileSync(dataFile, "utf-8")
  .split("\n")
  .filter((l) => l.trim() !== "")
  .slice(0, N)
  .map((l) => JSON.parse(l));
if (texts.length < N) {
  console.error(`only ${texts.length} memories in ${dataFile}, want ${N}`);
  process.exit(2);
}

// Words and phrases from the generator's vocabulary (bench/gen), some
// common, some rare; each is searched SEARCH_ROUNDS times.
const QUERIES = [
  "staging", "database", "kubectl", "rotate certificate", "billing", "timeout", "docker build", "migration",
  "flaky", "Ana", "cron job", "rate limit", "terraform", "webhook", "replica", "pipeline", "canary",
  "redis-cli", "feature flag", "connection pool",
];
const SEARCH_ROUNDS = 10;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

// Each side says how to start it and how to map "store" and "search" onto
// its tools.
function sides(work) {
  return {
    mem0: {
      title: "mem0 mcp",
      command: mem0Bin,
      args: ["mcp", "--context", "bench"],
      env: { ...process.env, MEM0_HOME: join(work, "mem0home") },
      store: (m, i) => ({ name: "add_memory", arguments: { text: m.content, kind: m.kind, tags: m.tags ?? [] } }),
      search: (q) => ({ name: "search_memories", arguments: { query: q, top_k: 10 } }),
      hits: (res) => res.structuredContent?.results?.length ?? 0,
    },
    reference: {
      title: "@modelcontextprotocol/server-memory",
      command: process.execPath,
      args: [refServer],
      env: { ...process.env, MEMORY_FILE_PATH: join(work, "memory.jsonl") },
      store: (m, i) => ({
        name: "create_entities",
        arguments: { entities: [{ name: `memory-${i}`, entityType: m.kind, observations: [m.content] }] },
      }),
      search: (q) => ({ name: "search_nodes", arguments: { query: q } }),
      hits: (res) => res.structuredContent?.entities?.length ?? 0,
    },
  };
}

async function connect(side) {
  const transport = new StdioClientTransport({ command: side.command, args: side.args, env: side.env, stderr: "ignore" });
  const client = new Client({ name: "mem0-bench", version: "1.0.0" });
  const t0 = performance.now();
  await client.connect(transport); // spawn, initialize, answer, initialized
  return { client, startMs: performance.now() - t0 };
}

async function call(client, req) {
  const res = await client.callTool(req, undefined, { timeout: 600_000 });
  if (res.isError) {
    throw new Error(`${req.name}: ${JSON.stringify(res.content)}`);
  }
  return res;
}

async function searchRound(client, side) {
  const lat = [];
  let hits = 0;
  for (let r = 0; r < SEARCH_ROUNDS; r++) {
    for (const q of QUERIES) {
      const t0 = performance.now();
      const res = await call(client, side.search(q));
      lat.push(performance.now() - t0);
      if (r === 0) hits += side.hits(res);
    }
  }
  return { medianMs: median(lat), p90Ms: pct(lat, 0.9), calls: lat.length, hitsPerQuery: hits / QUERIES.length };
}

async function run(name, side) {
  const out = { name, title: side.title };
  // Store N memories, one call each; search after the first 1,000 and at N.
  const { client } = await connect(side);
  const storeLat = [];
  let storeMs = 0;
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    await call(client, side.store(texts[i], i));
    const d = performance.now() - t0;
    storeLat.push(d);
    storeMs += d;
    if (i + 1 === FIRST && FIRST < N) {
      out.storeFirstMs = storeMs;
      out.search1k = await searchRound(client, side);
      process.stderr.write(`${name}: ${FIRST} stored in ${(storeMs / 1000).toFixed(1)} s; search median ${out.search1k.medianMs.toFixed(2)} ms\n`);
    } else if ((i + 1) % 2000 === 0) {
      process.stderr.write(`${name}: ${i + 1} stored, ${(storeMs / 1000).toFixed(1)} s\n`);
    }
  }
  out.storeMs = storeMs;
  out.storeMedianMs = median(storeLat);
  out.searchN = await searchRound(client, side);
  if (FIRST === N) {
    out.storeFirstMs = storeMs;
    out.search1k = out.searchN;
  }
  process.stderr.write(`${name}: ${N} stored in ${(storeMs / 1000).toFixed(1)} s; search median ${out.searchN.medianMs.toFixed(2)} ms\n`);
  await client.close();

  // Start to initialize answered, with the store already full (warm disk
  // cache), as a client starting a session would see it.
  const starts = [];
  for (let i = 0; i < STARTS; i++) {
    const { client: c, startMs } = await connect(side);
    starts.push(startMs);
    await c.close();
  }
  out.startMedianMs = median(starts);
  out.startP90Ms = pct(starts, 0.9);
  return out;
}

const work = mkdtempSync(join(tmpdir(), "mem0-bench-mcp-"));
try {
  const all = sides(work);
  const results = {};
  for (const name of ["mem0", "reference"]) {
    if (!only || only === name) {
      results[name] = await run(name, all[name]);
    }
  }
  const f = (x) => (x === undefined ? "" : x >= 100 ? x.toFixed(0) : x.toFixed(2));
  const rows = [
    ["server start → initialize answered, median ms", (r) => f(r.startMedianMs)],
    [`store ${FIRST.toLocaleString("en")} memories, one call each, s`, (r) => f(r.storeFirstMs / 1000)],
    [`store ${N.toLocaleString("en")} memories, one call each, s`, (r) => f(r.storeMs / 1000)],
    ["store, median ms per call", (r) => f(r.storeMedianMs)],
    [`search at ${FIRST.toLocaleString("en")} stored, median ms (p90)`, (r) => `${f(r.search1k.medianMs)} (${f(r.search1k.p90Ms)})`],
    [`search at ${N.toLocaleString("en")} stored, median ms (p90)`, (r) => `${f(r.searchN.medianMs)} (${f(r.searchN.p90Ms)})`],
    [`results per search at ${N.toLocaleString("en")} (mean)`, (r) => f(r.searchN.hitsPerQuery)],
  ];
  if (N === FIRST) {
    rows.splice(2, 1); // "store N" and "search at N" repeat the first 1,000
    rows.splice(4, 1);
  }
  const names = Object.keys(results);
  console.log(`| measure | ${names.map((n) => results[n].title).join(" | ")} |${names.length === 2 ? " ratio |" : ""}`);
  console.log(`|---|${names.map(() => "---|").join("")}${names.length === 2 ? "---|" : ""}`);
  for (const [label, get] of rows) {
    const cells = names.map((n) => get(results[n]));
    let ratio = "";
    if (names.length === 2 && !label.startsWith("results")) {
      const a = parseFloat(cells[0]), b = parseFloat(cells[1]);
      ratio = ` ${(b / a).toFixed(1)}× |`;
    }
    console.log(`| ${label} | ${cells.join(" | ")} |${ratio}`);
  }
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, "results.json"), JSON.stringify({ n: N, queries: QUERIES, rounds: SEARCH_ROUNDS, results }, null, 2));
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
