package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/ai"
)

// AIDoctorOptions is what `mem0 ai doctor` was asked to do.
type AIDoctorOptions struct {
	f *Factory

	JSON    bool
	Timeout time.Duration
}

// NewCmdAIDoctor builds `mem0 ai doctor`.
func NewCmdAIDoctor(f *Factory, runF func(context.Context, *AIDoctorOptions) error) *cobra.Command {
	opts := &AIDoctorOptions{f: f, Timeout: 20 * time.Second}
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "Show the AI provider settings and check each with one tiny request",
		Long: `Show the LLM and embedder settings (the key never: only where it comes from)
and check each configured provider with one tiny request: a chat answer of
one token, an embedding of one short string. Reports the latency, or the
exact problem and how to fix it. Nothing is sent for a provider that is
none. Exits 1 when a check fails.`,
		Example: `  mem0 ai doctor
  mem0 ai doctor --json`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return aiDoctorRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

// aiCheck is one role's settings and the outcome of its check.
type aiCheck struct {
	Role      string `json:"role"`
	Provider  string `json:"provider"`
	Model     string `json:"model,omitempty"`
	BaseURL   string `json:"base_url,omitempty"`
	Key       string `json:"key"` // where the key comes from, or "none"
	Status    string `json:"status"`
	LatencyMS int64  `json:"latency_ms,omitempty"`
	Problem   string `json:"problem,omitempty"`
	Fix       string `json:"fix,omitempty"`
}

func aiDoctorRun(ctx context.Context, opts *AIDoctorOptions) error {
	f := opts.f
	var checks []aiCheck
	bad := 0
	for _, role := range []string{"llm", "embedder"} {
		r, err := f.aiRole(role)
		if err != nil {
			return err
		}
		c := checkAIRole(ctx, f, role, r, opts.Timeout)
		if c.Status == "problem" {
			bad++
		}
		checks = append(checks, c)
	}
	if opts.JSON {
		if err := writeJSON(f.IO.Out, checks); err != nil {
			return err
		}
	} else {
		st := f.Styles()
		t := newTable(f.IO, "role", "provider", "model", "endpoint", "key", "status", "detail")
		for _, c := range checks {
			style := st.OK
			detail := ""
			switch c.Status {
			case "ok":
				detail = fmt.Sprintf("answered in %d ms", c.LatencyMS)
			case "problem":
				style, detail = st.Warn, c.Problem+"; "+c.Fix
			default:
				style, detail = st.Dim, "nothing is sent (mem0 config set "+c.Role+".provider … turns it on)"
			}
			t.row(plain(c.Role), plain(c.Provider), plain(c.Model), plain(c.BaseURL), plain(c.Key), styled(c.Status, style), plain(detail))
		}
		if err := t.render(st); err != nil {
			return err
		}
	}
	if bad > 0 {
		fmt.Fprintf(f.IO.ErrOut, "%d AI provider check%s failed; see docs/ai.md.\n", bad, map[bool]string{true: "", false: "s"}[bad == 1])
		return ErrSilent
	}
	return nil
}

func checkAIRole(ctx context.Context, f *Factory, role string, r *aiRole, timeout time.Duration) aiCheck {
	if r == nil {
		return aiCheck{Role: role, Provider: ai.None, Key: "none", Status: "off"}
	}
	c := aiCheck{Role: role, Provider: r.Provider, Model: r.Model, BaseURL: r.endpoint(), Key: r.KeySource}
	if c.Key == "" {
		c.Key = "none"
	}
	if r.key == "" && r.needsKey() {
		c.Status = "problem"
		c.Problem = "no API key"
		c.Fix = aiKeyHow(r)
		return c
	}
	start := time.Now()
	var err error
	switch cl := r.client(f, timeout, 1).(type) {
	case ai.Embedder:
		if role == "embedder" {
			_, err = cl.Embed(ctx, []string{"ping"})
			break
		}
		_, err = cl.(ai.Chatter).Chat(ctx, []ai.Message{{Role: "user", Content: "ping"}}, ai.ChatOptions{MaxTokens: 1})
	case ai.Chatter:
		_, err = cl.Chat(ctx, []ai.Message{{Role: "user", Content: "ping"}}, ai.ChatOptions{MaxTokens: 1})
	}
	if ctx.Err() != nil {
		c.Status, c.Problem = "problem", "cancelled"
		return c
	}
	if err != nil {
		c.Status, c.Problem, c.Fix = "problem", err.Error(), aiFix(r, err)
		return c
	}
	c.Status, c.LatencyMS = "ok", max(time.Since(start).Milliseconds(), 1)
	return c
}
