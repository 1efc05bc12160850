#!/usr/bin/env bash
# A short, real mem0 session in a throwaway MEM0_HOME: nothing of yours is touched.
set -euo pipefail
mem0=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
export MEM0_HOME
MEM0_HOME=$(mktemp -d)
trap 'rm -rf "$MEM0_HOME"' EXIT

run() { printf '\n\033[1m$ mem0 %s\033[0m\n' "$*"; "$mem0" "$@"; }

run add "the staging database is pg-staging-2 on port 6432" --tag infra
run add --kind command "docker compose up -d && docker compose logs -f api"
printf 'func retry(n int, f func() error) error {\n\tfor i := 0; ; i++ {\n\t\tif err := f(); err == nil || i == n {\n\t\t\treturn err\n\t\t}\n\t}\n}\n' |
	"$mem0" add --kind snippet --tag go >/dev/null
run context create incident-42 --description "checkout returns 500s"
run add --context incident-42 "root cause: connection pool exhausted after the deploy"
run search staging database
run search "docker-compose logs" --all-contexts
id=$("$mem0" list --context incident-42 --json | sed -n 's/.*"id": "\(.*\)".*/\1/p' | head -1)
run edit "$id" --content "root cause: pool exhausted; fixed by raising max_conns to 50"
run history "$id"
run context list
run export --format markdown
run status
