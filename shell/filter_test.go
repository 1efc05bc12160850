package shell

import (
	"strings"
	"testing"
)

var redactCases = []struct{ name, in, want string }{
	{"AWS access key id", "aws configure set aws_access_key_id AKIAIOSFODNN7EXAMPLE", "aws configure set aws_access_key_id [REDACTED]"},
	{"AWS secret key", "export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "export AWS_SECRET_ACCESS_KEY=[REDACTED]"},
	{"GitHub token", "git clone https://ghp_0123456789abcdefghijABCDEFGHIJ012345@github.com/o/r", "git clone https://[REDACTED]@github.com/o/r"},
	{"GitHub fine-grained", "gh auth login --with-token github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJ", "gh auth login --with-token [REDACTED]"},
	{"GitLab token", "curl -H 'PRIVATE-TOKEN: glpat-abcdefghij0123456789' https://gitlab.example/api", "curl -H 'PRIVATE-TOKEN: [REDACTED]' https://gitlab.example/api"},
	{"Slack token", "slack-notify --as xoxb-123456789012-abcdefghijkl", "slack-notify --as [REDACTED]"},
	{"Slack webhook", "curl -X POST https://hooks.slack.com/services/T000/B000/XXXXXXXX -d x", "curl -X POST [REDACTED] -d x"},
	{"Stripe key", "stripe charges list --api-key=sk_live_4eC39HqLyjWDarjtT1zdp7dc", "stripe charges list --api-key=[REDACTED]"},
	{"Stripe restricted", "echo rk_test_abcdefghij0123", "echo [REDACTED]"},
	{"JWT", "http :8080 token==eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLXZhbHVl", "http :8080 token==[REDACTED]"},
	{"Bearer header", `curl -H "Authorization: Bearer abc.def.ghi-123456" https://api`, `curl -H "Authorization: Bearer [REDACTED]" https://api`},
	{"Basic header", `curl -H 'authorization: basic dXNlcjpwYXNz' x`, `curl -H 'authorization: basic [REDACTED]' x`},
	{"--password value", "psql --password hunter2 -U me", "psql --password [REDACTED] -U me"},
	{"--password=quoted", `tool --password="two words" go`, `tool --password=[REDACTED] go`},
	{"password= assignment", "DB_PASSWORD='s3cr3t!' ./run", "DB_PASSWORD=[REDACTED] ./run"},
	{"token assignment", "export NPM_TOKEN=npm_abcdef123", "export NPM_TOKEN=[REDACTED]"},
	{"URL credentials", "psql postgres://admin:pa55word@db.internal:5432/app", "psql postgres://admin:[REDACTED]@db.internal:5432/app"},
	{"curl -u", "curl -u alice:wonderland https://x", "curl -u alice:[REDACTED] https://x"},
	{"mysql -p", "mysql -u root -pTopSecret db", "mysql -u root -p[REDACTED] db"},
	{"sshpass", "sshpass -p 'letmein' ssh host", "sshpass -p [REDACTED] ssh host"},
	{"mysql -p'quoted'", "mysql -uroot -p'pa ss' db", "mysql -uroot -p[REDACTED] db"},
	{"fish set -x", "set -gx DB_PASSWORD hunter2", "set -gx DB_PASSWORD [REDACTED]"},
	{"X-Auth-Token header", `curl -H 'X-Auth-Token: abc123def' https://x`, `curl -H 'X-Auth-Token: [REDACTED]' https://x`},
	{"Cookie header", `curl -H "Cookie: session=abc; id=42" https://x`, `curl -H "Cookie: [REDACTED]" https://x`},
	{"OpenAI key", "OPENAI=sk-proj-abcdefghijklmnopqrstuvwx llm", "OPENAI=[REDACTED] llm"},
	{"Anthropic key", "claude --key sk-ant-api03-abcdefghijklmnopqrstuv", "claude --key [REDACTED]"},
	{"npm token", "echo npm_abcdefghijklmnopqrstuvwxyz0123456789 > x", "echo [REDACTED] > x"},
	{"Google API key", "curl 'https://x?key=AIzaSyA1234567890abcdefghijklmnopqrstuv'", "curl 'https://x?key=[REDACTED]'"},
	{"docker login -p", "docker login -u me -p s3cret registry.example", "docker login -u me -p [REDACTED] registry.example"},
	{"redis-cli -a", "redis-cli -h db -a hunter2 ping", "redis-cli -h db -a [REDACTED] ping"},
	{"private key", "echo '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----' > k", "echo '[REDACTED]' > k"},
}

func TestRedactsBuiltinSecrets(t *testing.T) {
	f, err := NewFilter("", "", "")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range redactCases {
		got, n, keep := f.Apply(tc.in)
		if !keep || got != tc.want || n == 0 {
			t.Errorf("%s:\n got  %q (%d masked, keep %v)\n want %q", tc.name, got, n, keep, tc.want)
		}
	}
}

func TestKeepsOrdinaryCommands(t *testing.T) {
	f, _ := NewFilter("", "", "")
	for _, cmd := range []string{
		"git commit -m 'fix the token refresh'",
		"go test ./... -run TestPassword",
		"kubectl get secrets",
		"echo $HOME && ls -la /etc",
		"curl https://example.com/path?q=1",
		"docker run -p 8080:80 nginx",
		`git commit -m "handle token expiration"`,
		"python gen.py --max_tokens=4096",
		"MAX_TOKENS=4096 TOKENIZERS_PARALLELISM=false ./run",
		"PASSWORD=$(pass show db) ./migrate",
		`psql "postgres://app@db/app"`,
		"export DB_PASSWORD=$DB_PASSWORD_FROM_VAULT",
	} {
		got, n, keep := f.Apply(cmd)
		if !keep || got != cmd || n != 0 {
			t.Errorf("%q became %q (%d masked, keep %v)", cmd, got, n, keep)
		}
	}
}

func TestIgnores(t *testing.T) {
	f, err := NewFilter("ls, cd,mem0", `^make (clean|help)`, `internal-[0-9]+`)
	if err != nil {
		t.Fatal(err)
	}
	for _, cmd := range []string{
		" echo starts with a space", "\tsecret", "", "   ",
		"ls -la", "/bin/ls", "cd /tmp", "FOO=1 mem0 add x", "make clean",
	} {
		if _, _, keep := f.Apply(cmd); keep {
			t.Errorf("%q was kept", cmd)
		}
	}
	for _, cmd := range []string{"lsblk", "make test", "echo ls"} {
		if _, _, keep := f.Apply(cmd); !keep {
			t.Errorf("%q was dropped", cmd)
		}
	}
	if got, n, _ := f.Apply("ssh internal-42"); got != "ssh [REDACTED]" || n != 1 {
		t.Errorf("user pattern: %q, %d", got, n)
	}
	if _, err := NewFilter("", "(", ""); err == nil || !strings.Contains(err.Error(), "shell.ignore_pattern") {
		t.Errorf("a broken pattern: %v", err)
	}
}

// A rule's hints must be in every text it matches, or skipping the rule
// when none is present would keep a secret.
func TestHintsNeverSkipAMatch(t *testing.T) {
	for _, tc := range redactCases {
		lower := strings.ToLower(tc.in)
		for i, re := range rules() {
			if re.MatchString(tc.in) && !hinted(lower, builtinRules[i].hints) {
				t.Errorf("rule %d matches %q (%s) but none of its hints %q is there", i, tc.in, tc.name, builtinRules[i].hints)
			}
		}
	}
}

func BenchmarkFilterApply(b *testing.B) {
	f, _ := NewFilter("ls,cd,pwd,clear,exit,history,mem0", "", "")
	cmds := []string{"go test ./pkg/... -run TestX", "git commit -m 'fix the build'", "docker compose up -d",
		"kubectl get pods -n prod", "export GITHUB_TOKEN=ghp_0123456789abcdefghijABCDEFGHIJ012345"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		f.Apply(cmds[i%len(cmds)])
	}
}
