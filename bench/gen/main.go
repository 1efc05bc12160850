// Command gen writes N realistic memories as mem0 JSONL (notes, shell
// commands, code snippets and facts built from a developer's vocabulary),
// deterministically, for benchmarks. Random letters would make full-text
// search look faster than it is: real text repeats words.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"time"

	"github.com/google/uuid"
)

var (
	services = []string{"api", "billing", "checkout", "auth", "search", "payments", "gateway", "worker", "scheduler", "frontend", "notifications", "inventory", "reporting", "ingest", "admin"}
	envs     = []string{"staging", "production", "dev", "qa", "canary", "local"}
	tools    = []string{"docker", "kubectl", "terraform", "git", "make", "psql", "redis-cli", "curl", "go", "npm", "helm", "aws", "gcloud", "ssh", "jq"}
	nouns    = []string{"database", "migration", "deploy", "release", "cache", "queue", "index", "certificate", "config", "secret", "pipeline", "build", "test", "timeout", "connection pool", "replica", "backup", "cron job", "feature flag", "rate limit", "load balancer", "dashboard", "alert", "log", "metric", "schema", "endpoint", "webhook", "token", "bucket"}
	verbs    = []string{"restart", "rotate", "rebuild", "rollback", "scale", "drain", "migrate", "bump", "flush", "reindex", "promote", "pin", "upgrade", "patch", "disable", "enable", "debug", "profile", "benchmark", "review"}
	people   = []string{"Ana", "Bo", "Chen", "Dmitri", "Eve", "Farah", "Gus", "Hana", "Ivan", "Jo", "Kemal", "Lena"}
	adjs     = []string{"slow", "flaky", "broken", "stale", "noisy", "expired", "missing", "duplicated", "corrupted", "throttled", "unreachable", "misconfigured"}
	langs    = []string{"go", "python", "sql", "bash", "typescript", "yaml"}
)

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func note(r *rand.Rand) string {
	switch r.IntN(6) {
	case 0:
		return fmt.Sprintf("The %s %s on %s was %s because the %s was %s; %s fixed it by %sing the %s.",
			pick(r, services), pick(r, nouns), pick(r, envs), pick(r, adjs), pick(r, nouns), pick(r, adjs),
			pick(r, people), pick(r, verbs), pick(r, nouns))
	case 1:
		return fmt.Sprintf("To %s the %s %s in %s, run make %s-%s first and check the %s dashboard.",
			pick(r, verbs), pick(r, services), pick(r, nouns), pick(r, envs), pick(r, verbs), pick(r, services), pick(r, nouns))
	case 2:
		return fmt.Sprintf("Meeting notes: %s wants the %s %s moved to %s before the next release. Open question: who owns the %s?",
			pick(r, people), pick(r, services), pick(r, nouns), pick(r, envs), pick(r, nouns))
	case 3:
		return fmt.Sprintf("TODO: %s the %s for %s; it has been %s since the last %s.",
			pick(r, verbs), pick(r, nouns), pick(r, services), pick(r, adjs), pick(r, nouns))
	case 4:
		return fmt.Sprintf("Runbook %s: if the %s alert fires, %s the %s, then %s the %s and watch the %s for ten minutes.",
			pick(r, services), pick(r, nouns), pick(r, verbs), pick(r, nouns), pick(r, verbs), pick(r, nouns), pick(r, nouns))
	default:
		return fmt.Sprintf("Learned today: %s %s timeouts on %s come from the %s, not the %s. Ask %s before changing it.",
			pick(r, services), pick(r, nouns), pick(r, envs), pick(r, nouns), pick(r, nouns), pick(r, people))
	}
}

func command(r *rand.Rand) string {
	s, e := pick(r, services), pick(r, envs)
	switch pick(r, tools) {
	case "docker":
		return fmt.Sprintf("docker compose -f deploy/%s.yml up -d --build %s", e, s)
	case "kubectl":
		return fmt.Sprintf("kubectl -n %s rollout restart deployment/%s && kubectl -n %s logs -f deploy/%s --since=10m", e, s, e, s)
	case "terraform":
		return fmt.Sprintf("terraform -chdir=infra/%s plan -var env=%s -target=module.%s", e, e, s)
	case "git":
		return fmt.Sprintf("git log --oneline --since='2 weeks ago' -- services/%s | grep -i %s", s, pick(r, nouns))
	case "psql":
		return fmt.Sprintf("psql \"$%s_DATABASE_URL\" -c 'SELECT count(*) FROM %s_%s WHERE created_at > now() - interval ''1 day'''", strings.ToUpper(e), s, strings.ReplaceAll(pick(r, nouns), " ", "_"))
	case "curl":
		return fmt.Sprintf("curl -sS -H 'Accept: application/json' https://%s.%s.internal/healthz | jq .%s", s, e, strings.ReplaceAll(pick(r, nouns), " ", "_"))
	case "go":
		return fmt.Sprintf("go test -run Test%s -count=1 ./services/%s/...", strings.ToUpper(pick(r, verbs)[:1])+pick(r, verbs)[1:], s)
	default:
		return fmt.Sprintf("make %s-%s ENV=%s SERVICE=%s", pick(r, verbs), strings.ReplaceAll(pick(r, nouns), " ", "-"), e, s)
	}
}

func snippet(r *rand.Rand) string {
	s, n := pick(r, services), strings.ReplaceAll(pick(r, nouns), " ", "_")
	switch pick(r, langs) {
	case "go":
		return fmt.Sprintf("func %s%s(ctx context.Context, db *sql.DB) error {\n\trows, err := db.QueryContext(ctx, \"SELECT id FROM %s WHERE state = $1\", %q)\n\tif err != nil {\n\t\treturn fmt.Errorf(\"%s %s: %%w\", err)\n\t}\n\tdefer rows.Close()\n\treturn rows.Err()\n}", pick(r, verbs), strings.ToUpper(s[:1])+s[1:], n, pick(r, adjs), pick(r, verbs), n)
	case "sql":
		return fmt.Sprintf("CREATE INDEX CONCURRENTLY %s_%s_idx ON %s (%s_id, created_at DESC) WHERE deleted_at IS NULL;", s, n, s, n)
	case "bash":
		return fmt.Sprintf("for svc in %s %s %s; do\n  %s --env %s \"$svc\" || echo \"$svc failed\" >&2\ndone", s, pick(r, services), pick(r, services), pick(r, tools), pick(r, envs))
	case "yaml":
		return fmt.Sprintf("%s:\n  image: registry/%s:%d.%d\n  env:\n    %s_TIMEOUT: %ds\n  resources:\n    limits: {memory: %dMi}", s, s, r.IntN(5), r.IntN(30), strings.ToUpper(n), 5+r.IntN(55), 128*(1+r.IntN(8)))
	case "typescript":
		return fmt.Sprintf("export async function %s%s(id: string): Promise<%s> {\n  const res = await fetch(`/api/%s/${id}`);\n  if (!res.ok) throw new Error(`%s ${res.status}`);\n  return res.json();\n}", pick(r, verbs), strings.ToUpper(s[:1])+s[1:], strings.ToUpper(n[:1])+n[1:], s, pick(r, adjs))
	default:
		return fmt.Sprintf("def %s_%s(client, %s_id):\n    resp = client.get(f\"/%s/{%s_id}\", timeout=%d)\n    resp.raise_for_status()\n    return resp.json()", pick(r, verbs), n, s, s, s, 5+r.IntN(25))
	}
}

func fact(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("%s owns the %s service and is on call for %s.", pick(r, people), pick(r, services), pick(r, envs))
	case 1:
		return fmt.Sprintf("The %s %s in %s listens on port %d.", pick(r, services), pick(r, nouns), pick(r, envs), 1024+r.IntN(60000))
	case 2:
		return fmt.Sprintf("%s %s are kept for %d days in %s.", strings.ToUpper(pick(r, nouns)[:1])+pick(r, nouns)[1:], "backups", 7+r.IntN(90), pick(r, envs))
	default:
		return fmt.Sprintf("The %s team prefers %s over %s for %s work.", pick(r, services), pick(r, tools), pick(r, tools), pick(r, nouns))
	}
}

type memory struct {
	Type      string            `json:"type"`
	ID        string            `json:"id"`
	Context   string            `json:"context"`
	Kind      string            `json:"kind"`
	Content   string            `json:"content"`
	Metadata  map[string]string `json:"metadata"`
	Tags      []string          `json:"tags"`
	Source    string            `json:"source"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	Version   int               `json:"version"`
}

func main() {
	n := flag.Int("n", 100000, "how many memories")
	seed := flag.Uint64("seed", 1, "random seed")
	contexts := flag.Int("contexts", 1, "spread over this many contexts (default, ctx-2, ...)")
	flag.Parse()
	r := rand.New(rand.NewPCG(*seed, 42))
	w := bufio.NewWriterSize(os.Stdout, 1<<20)
	defer w.Flush()
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	start := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < *n; i++ {
		at := start.Add(time.Duration(i) * 5 * time.Minute)
		var m memory
		m.Type, m.Version, m.CreatedAt, m.UpdatedAt = "memory", 1, at, at
		m.Context = "default"
		if *contexts > 1 && i%*contexts != 0 {
			m.Context = fmt.Sprintf("ctx-%d", i%*contexts+1)
		}
		switch k := r.IntN(10); {
		case k < 4:
			m.Kind, m.Content, m.Source = "note", note(r), "cli"
		case k < 7:
			m.Kind, m.Content, m.Source = "command", command(r), "shell"
			m.Metadata = map[string]string{"exit": fmt.Sprint([]int{0, 0, 0, 1, 2}[r.IntN(5)]), "cwd": "/home/dev/src/" + pick(r, services)}
		case k < 9:
			m.Kind, m.Content, m.Source = "snippet", snippet(r), "cli"
		default:
			m.Kind, m.Content, m.Source = "fact", fact(r), "cli"
		}
		if r.IntN(3) == 0 {
			m.Tags = []string{pick(r, services), pick(r, envs)}
		}
		id, _ := uuid.NewV7FromReader(r2reader{r})
		// Embed the creation time, as mem0 does, so ids sort like the memories.
		ms := uint64(at.UnixMilli())
		id[0], id[1], id[2], id[3], id[4], id[5] = byte(ms>>40), byte(ms>>32), byte(ms>>24), byte(ms>>16), byte(ms>>8), byte(ms)
		m.ID = id.String()
		if err := enc.Encode(m); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

// r2reader feeds uuid the deterministic random stream.
type r2reader struct{ r *rand.Rand }

func (x r2reader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(x.r.UintN(256))
	}
	return len(p), nil
}
