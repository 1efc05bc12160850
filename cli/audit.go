package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	syncapi "github.com/mem0dev/mem0/sync"
)

// AuditOptions is what `mem0 audit` was asked to do.
type AuditOptions struct {
	f      *Factory
	Server string
	Org    string // empty: the caller's own log
	Limit  int
	Since  time.Time // zero: no bound
	JSON   bool
}

// auditPage is the most the server gives in one page.
const auditPage = 500

// NewCmdAudit builds `mem0 audit`.
func NewCmdAudit(f *Factory, runF func(context.Context, *AuditOptions) error) *cobra.Command {
	opts := &AuditOptions{f: f}
	var since string
	cmd := &cobra.Command{
		Use:   "audit",
		Short: "Show your audit log, or an org's (org admins)",
		Long: `Show the team server's audit log, newest first: what you did and what was
done to your account (logins, API keys, orgs, teams, roles, sharing …), or
with --org everything that happened in an org, which its admins and owners
can read.

Piped, each event is one tab-separated line: time (RFC 3339), actor,
action, target, details (JSON), IP. --json gives an array of
{"id", "at", "actor_id", "actor", "action", "org_id", "target_type",
"target_id", "ip", "detail"}.`,
		Example: `  mem0 audit
  mem0 audit --org acme --since 7d
  mem0 audit --org acme --limit 500 --json | jq -r '.[] | select(.action == "org.role_change") | .detail.username'`,
		Args: exactArgs(0, "no arguments (name an org with --org)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.Flags().Changed("org") {
				g, err := parseOrg(opts.Org)
				if err != nil {
					return err
				}
				opts.Org = g.Org
			}
			if opts.Limit < 1 {
				return usageErrorf("--limit %d: give a number of events, at least 1", opts.Limit)
			}
			if since != "" {
				t, err := parseTimeSpec(since, f.Now())
				if err != nil {
					return usageErrorf("--since: %v", err)
				}
				opts.Since = t
			}
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return auditRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringVar(&opts.Org, "org", "", "show this org's log (org admins and owners)")
	cmd.Flags().IntVarP(&opts.Limit, "limit", "n", 50, "show at most this many events")
	cmd.Flags().StringVar(&since, "since", "", "only events since a time: 30m, 12h, 7d, 2w, a date (2026-11-01) or today/yesterday")
	addServerFlag(cmd, &opts.Server)
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

func auditRun(ctx context.Context, opts *AuditOptions) error {
	f := opts.f
	c, err := serverClient(f, opts.Server)
	if err != nil {
		return err
	}
	events, err := fetchAudit(ctx, c, opts)
	if err != nil {
		if opts.Org != "" {
			return adminError(err, group{Org: opts.Org}, "read the audit log of", needRole(group{Org: opts.Org}, "admin"))
		}
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, events)
	}
	tty := f.IO.IsStdoutTTY()
	if tty && len(events) == 0 {
		_, err := fmt.Fprintln(f.IO.ErrOut, "No events.")
		return err
	}
	st := f.Styles()
	if !tty {
		for _, e := range events {
			detail := compactJSON(e.Detail)
			if _, err := fmt.Fprintf(f.IO.Out, "%s\t%s\t%s\t%s\t%s\t%s\n", stamp(e.At), oneLine(e.Actor), e.Action,
				oneLine(auditTarget(e)), detail, e.IP); err != nil {
				return err
			}
		}
		return nil
	}
	// Team events name their team by id; in an org's log, one request
	// puts the names of its teams (those not deleted) in their place.
	teams := map[string]string{}
	if opts.Org != "" {
		if ts, err := c.ListTeams(ctx, opts.Org); err == nil {
			for _, t := range ts {
				teams[t.ID] = t.Org + "/" + t.Name
			}
		}
	}
	tb := newTable(f.IO, "when", "actor", "action", "target", "details")
	for _, e := range events {
		actor := e.Actor
		if actor == "" {
			actor = "-"
		}
		tb.row(styled(ago(f.Now(), e.At), st.Dim), styled(actor, st.Bold), styled(e.Action, st.Kind),
			plain(auditTarget(e)), styled(auditDetail(e, teams), st.Dim))
	}
	return tb.render(st)
}

// fetchAudit pages the log, newest first, until the limit, the --since
// bound or the end.
func fetchAudit(ctx context.Context, c *syncapi.Client, opts *AuditOptions) ([]syncapi.AuditEvent, error) {
	out := []syncapi.AuditEvent{}
	q := syncapi.AuditQuery{}
	for {
		q.Limit = min(opts.Limit-len(out), auditPage)
		var page *syncapi.AuditPage
		var err error
		if opts.Org != "" {
			page, err = c.OrgAudit(ctx, opts.Org, q)
		} else {
			page, err = c.MyAudit(ctx, q)
		}
		if err != nil {
			return nil, err
		}
		for _, e := range page.Events {
			if !opts.Since.IsZero() && e.At.Before(opts.Since) {
				return out, nil
			}
			out = append(out, e)
		}
		if len(out) >= opts.Limit || page.NextBefore == "" || len(page.Events) == 0 {
			return out, nil
		}
		before, err := strconv.ParseInt(page.NextBefore, 10, 64)
		if err != nil || (q.Before != 0 && before >= q.Before) {
			return out, nil // a server that does not page forward: stop, do not loop
		}
		q.Before = before
	}
}

// auditDetails reads an event's detail object (nil when it is not one).
func auditDetails(e syncapi.AuditEvent) map[string]any {
	var d map[string]any
	if len(e.Detail) > 0 {
		_ = json.Unmarshal(e.Detail, &d)
	}
	return d
}

// auditTarget names what an event was done to: a user by name, an org or a
// team by name, else the type and id.
func auditTarget(e syncapi.AuditEvent) string {
	d := auditDetails(e)
	for _, k := range []string{"username", "name"} {
		if s, ok := d[k].(string); ok && s != "" {
			return e.TargetType + " " + s
		}
	}
	if e.TargetID == "" {
		return e.TargetType
	}
	return strings.TrimSpace(e.TargetType + " " + e.TargetID)
}

// auditDetail is the rest of an event's details in one short line: a role
// change as "member → admin" (a rename likewise), the rest as key=value,
// with team ids replaced by names from teams.
func auditDetail(e syncapi.AuditEvent, teams map[string]string) string {
	d := auditDetails(e)
	var parts []string
	from, okf := d["from"].(string)
	to, okt := d["to"].(string)
	if okf && okt {
		if from == "none" {
			parts = append(parts, "role "+to)
		} else {
			parts = append(parts, from+" → "+to)
		}
	}
	keys := make([]string, 0, len(d))
	for k := range d {
		if k == "username" || k == "name" || k == "org" || ((k == "from" || k == "to") && okf && okt) {
			continue // in the target, shown above, or the org's id
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v, _ := json.Marshal(d[k])
		s := strings.Trim(string(v), `"`)
		if name, ok := teams[s]; ok && k == "team" {
			s = name
		}
		parts = append(parts, k+"="+s)
	}
	return strings.Join(parts, " ")
}

func compactJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "{}"
	}
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return "{}"
	}
	return b.String()
}
