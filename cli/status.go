package cli

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/mem0dev/mem0/store"
)

// StatusOptions is what `mem0 status` was asked to do.
type StatusOptions struct {
	f    *Factory
	JSON bool
}

// NewCmdStatus builds `mem0 status`.
func NewCmdStatus(f *Factory, runF func(context.Context, *StatusOptions) error) *cobra.Command {
	opts := &StatusOptions{f: f}
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Show where mem0 keeps things, what it holds and what it records",
		Example: `  mem0 status
  mem0 status --json | jq .memories`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(cmd.Context(), opts)
			}
			return statusRun(cmd.Context(), opts)
		},
	}
	addJSONFlag(cmd, &opts.JSON)
	return cmd
}

type statusView struct {
	ConfigFile     string       `json:"config_file"`
	Database       string       `json:"database"`
	StateDir       string       `json:"state_dir"`
	SchemaVersion  int          `json:"schema_version"`
	CurrentContext string       `json:"current_context"`
	ContextSource  string       `json:"current_context_source"`
	Recording      string       `json:"recording_context"` // what new shells record into
	RecordingSince *time.Time   `json:"recording_since,omitempty"`
	Shell          shellView    `json:"shell"`
	Vectors        *vectorsView `json:"vectors,omitempty"` // with an embedder configured
	*store.Stats
}

// shellView is the recording state of the shell mem0 runs in.
type shellView struct {
	Session   string     `json:"session"`   // "" when the shell has no hook loaded
	Recording string     `json:"recording"` // context this shell records into, "" for none
	Since     *time.Time `json:"since,omitempty"`
	Spooled   int        `json:"spooled"`   // records waiting to be ingested
	SetAside  int        `json:"set_aside"` // unreadable records kept for inspection
}

func statusRun(ctx context.Context, opts *StatusOptions) error {
	f := opts.f
	p, err := f.Paths()
	if err != nil {
		return err
	}
	s, err := f.Store(ctx)
	if err != nil {
		return err
	}
	st, err := s.Stats(ctx)
	if err != nil {
		return err
	}
	v := statusView{ConfigFile: p.ConfigFile(), Database: s.Path(), StateDir: p.State, Stats: st}
	if v.SchemaVersion, err = s.SchemaVersion(ctx); err != nil {
		return err
	}
	if v.CurrentContext, v.ContextSource, err = f.CurrentContext(ctx, ""); err != nil {
		return err
	}
	if v.Recording, err = s.State(ctx, store.StateRecordingContext); err != nil {
		return err
	}
	if since, _ := s.State(ctx, store.StateRecordingSince); since != "" && v.Recording != "" {
		if ms, err := strconv.ParseInt(since, 10, 64); err == nil {
			t := time.UnixMilli(ms).UTC()
			v.RecordingSince = &t
		}
	}
	if v.Shell, err = currentShell(ctx, f, s, p); err != nil {
		return err
	}
	if v.Vectors, err = vectorsStatus(ctx, f, s); err != nil {
		return err
	}
	if opts.JSON {
		return writeJSON(f.IO.Out, v)
	}
	sty := f.Styles()
	fl := fields{key: sty.Dim}
	fl.add("context", sty.Context.Render(v.CurrentContext)+sty.Dim.Render(" ("+v.ContextSource+")"))
	switch sh := v.Shell; {
	case sh.Session == "":
		fl.add("this shell", "no hook loaded (see mem0 init)")
	case sh.Recording == "":
		fl.add("this shell", "not recording")
	default:
		rec := "recording into " + sty.Warn.Render(sh.Recording)
		if sh.Since != nil {
			rec += sty.Dim.Render(" (since " + ago(f.Now(), *sh.Since) + ")")
		}
		fl.add("this shell", rec)
	}
	if v.Recording != "" {
		rec := sty.Warn.Render(v.Recording)
		if v.RecordingSince != nil {
			rec += sty.Dim.Render(" (started " + ago(f.Now(), *v.RecordingSince) + ")")
		}
		fl.add("new shells", "record into "+rec)
	} else {
		fl.add("new shells", "do not record")
	}
	if v.Shell.Spooled > 0 || v.Shell.SetAside > 0 {
		fl.add("spool", fmt.Sprintf("%d commands waiting, %d set aside as unreadable", v.Shell.Spooled, v.Shell.SetAside))
	}
	fl.add("memories", fmt.Sprintf("%d in %d contexts (%d deleted, %d earlier versions)", st.Memories, st.Contexts, st.Deleted, st.Versions))
	if st.Pending > 0 {
		fl.add("to sync", fmt.Sprint(st.Pending))
	}
	if vv := v.Vectors; vv != nil {
		line := fmt.Sprintf("%d memories embedded with %s", vv.Embedded, vv.Model)
		if vv.Stored != "" {
			line = fmt.Sprintf("made by %s, not the configured embedder: run mem0 reindex", vv.Stored)
		} else if vv.Waiting > 0 {
			line += fmt.Sprintf(", %d waiting (mem0 reindex)", vv.Waiting)
		}
		fl.add("vectors", line)
		if vv.LastError != "" {
			fl.add("reindex", sty.Warn.Render("the last background run failed: "+vv.LastError))
		}
	}
	fl.add("database", fmt.Sprintf("%s (%s)", v.Database, sizeText(st.Bytes)))
	fl.add("config", v.ConfigFile)
	fl.add("state", v.StateDir)
	_, err = fmt.Fprint(f.IO.Out, fl.String())
	return err
}

// vectorsView is how far search by meaning has come.
type vectorsView struct {
	Model     string `json:"model"`
	Stored    string `json:"stored_model,omitempty"` // when the vectors are another embedder's
	Embedded  int    `json:"embedded"`
	Waiting   int    `json:"waiting"`
	LastError string `json:"last_error,omitempty"` // of the last background run
}

// vectorsStatus reads the embeddings' state; nil without an embedder.
func vectorsStatus(ctx context.Context, f *Factory, s *store.Store) (*vectorsView, error) {
	r, err := f.aiSettings("embedder") // the name only: no keyring lookup
	if err != nil || r == nil {
		return nil, err
	}
	v := &vectorsView{Model: r.vectorModel()}
	v.LastError, _ = s.State(ctx, stateReindexError)
	if cur, err := s.State(ctx, store.StateEmbedModel); err != nil || cur != v.Model {
		// Another embedder's vectors, or none yet: all will be made anew.
		st, err2 := s.Stats(ctx)
		if err2 == nil {
			v.Waiting = st.Memories
		}
		v.Stored = cur
		return v, cmp.Or(err, err2)
	}
	if v.Embedded, err = s.EmbeddingCount(ctx); err != nil {
		return nil, err
	}
	if v.Waiting, err = s.EmbeddingBacklog(ctx); err != nil {
		return nil, err
	}
	return v, nil
}

// currentShell reads the recording state of the shell mem0 runs in.
func currentShell(ctx context.Context, f *Factory, s *store.Store, p Paths) (shellView, error) {
	var v shellView
	var err error
	if v.Spooled, v.SetAside, err = p.Spool().Count(); err != nil {
		return v, err
	}
	id := f.shellSession()
	if id == "" {
		return v, nil
	}
	sess, _, err := p.Sessions().Get(id)
	if err != nil {
		return v, err
	}
	v.Session = id
	if sess.Context == "" {
		return v, nil
	}
	v.Recording = sess.Context // the id, when the context is gone
	if c, err := s.GetContextByID(ctx, sess.Context); err == nil {
		v.Recording = c.Name
	}
	since := sess.Since.UTC()
	v.Since = &since
	return v, nil
}

// sizeText renders a byte count for people (KiB, MiB, GiB).
func sizeText(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit && exp < 3; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGT"[exp])
}
