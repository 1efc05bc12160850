// Drives `mem0 mcp` over stdio with the official MCP TypeScript SDK client,
// as AI clients do, and checks what comes back. Usage:
//   node client.mjs /path/to/mem0 [extra mem0 mcp args...]
// MEM0_HOME (from the environment) chooses the database. Prints one JSON
// summary line on success; exits 1 with the reason on stderr otherwise.
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [bin, ...extra] = process.argv.slice(2);
if (!bin) {
  console.error("usage: node client.mjs MEM0_BINARY [ARGS...]");
  process.exit(2);
}

function check(cond, what, got) {
  if (!cond) {
    throw new Error(`${what}: got ${JSON.stringify(got)}`);
  }
}

async function call(client, name, args) {
  const res = await client.callTool({ name, arguments: args });
  check(!res.isError, `${name} failed`, res.content);
  check(res.structuredContent, `${name} has no structured content`, res);
  return res.structuredContent;
}

const transport = new StdioClientTransport({
  command: bin,
  args: ["mcp", "--context", "tsclient", ...extra],
  env: { ...process.env },
  stderr: "inherit",
});
const client = new Client({ name: "mem0-tsclient-test", version: "1.0.0" });
const summary = {};
try {
  await client.connect(transport);
  const server = client.getServerVersion();
  check(server?.name === "mem0", "server name", server);
  summary.protocol = "ok";

  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  check(
    JSON.stringify(names) ===
      JSON.stringify([
        "add_memory", "delete_memory", "get_memories", "get_memory",
        "list_contexts", "memory_history", "search_memories", "update_memory",
      ]),
    "tools",
    names,
  );
  for (const t of tools) {
    check(t.inputSchema?.type === "object" && t.outputSchema && t.annotations && t.description, `tool ${t.name} metadata`, t);
  }
  summary.tools = names.length;

  const added = await call(client, "add_memory", {
    text: "The billing service deploys with make publish-billing",
    kind: "command",
    tags: ["billing", "deploy"],
    metadata: { repo: "billing" },
  });
  const id = added.memory.id;
  check(added.memory.context === "tsclient" && added.memory.source === "mcp" && !added.duplicate, "add_memory", added);

  // infer: offered, and refused with a clear tool error when no LLM is set.
  const addTool = tools.find((t) => t.name === "add_memory");
  check(addTool.inputSchema.properties?.infer?.type === "boolean", "add_memory infer option", addTool.inputSchema);
  const noLLM = await client.callTool({ name: "add_memory", arguments: { text: "Ana owns billing", infer: true } });
  check(noLLM.isError && noLLM.content[0].text.includes("no LLM is configured"), "add_memory infer without an LLM", noLLM);

  const found = await call(client, "search_memories", { query: "billing deploys", top_k: 3 });
  check(found.results.length === 1 && found.results[0].id === id, "search_memories", found);

  const updated = await call(client, "update_memory", { memory_id: id, text: "The billing service deploys with make release-billing" });
  check(updated.changed && updated.memory.version === 2, "update_memory", updated);

  const again = await call(client, "search_memories", { query: "release-billing" });
  check(again.results.length === 1 && again.results[0].version === 2, "search after update", again);

  const history = await call(client, "memory_history", { memory_id: id });
  check(
    history.versions.length === 2 &&
      history.versions[0].content.includes("publish-billing") &&
      history.versions[1].current,
    "memory_history",
    history,
  );

  const bad = await client.callTool({ name: "get_memory", arguments: { memory_id: "not-an-id" } });
  check(bad.isError && bad.content[0].text.includes("not a memory id"), "bad arguments give a tool error", bad);

  const resource = await client.readResource({ uri: `mem0://memories/${id}` });
  check(resource.contents[0].text.includes("release-billing"), "memory resource", resource);

  const deleted = await call(client, "delete_memory", { memory_id: id });
  check(deleted.deleted && deleted.version === 3, "delete_memory", deleted);

  const none = await call(client, "search_memories", { query: "billing" });
  check(none.results.length === 0, "search after delete", none);

  summary.memory_id = id;
  summary.ok = true;
  console.log(JSON.stringify(summary));
  await client.close();
} catch (err) {
  console.error(`tsclient: ${err.message}`);
  await client.close().catch(() => {});
  process.exit(1);
}
