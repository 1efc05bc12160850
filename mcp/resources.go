package mcp

import (
	"context"
	"errors"
	"fmt"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/mem0dev/mem0/store"
)

// Resource URIs. Clients that browse resources list the recent memories of
// the server's context and can attach any memory, or a context's recent
// memories, by URI.
const (
	RecentURI          = "mem0://recent"
	memoryURIPrefix    = "mem0://memories/"
	contextURIPrefix   = "mem0://contexts/"
	contextURISuffix   = "/recent"
	recentLimit        = 20
	listedMemoryLimit  = 50
	markdownMIME       = "text/markdown"
	plainMIME          = "text/plain"
	resourceTitleRunes = 60
)

// MemoryURI is the resource URI of a memory.
func MemoryURI(id string) string { return memoryURIPrefix + id }

func (srv *Server) addResources(s *sdk.Server) {
	s.AddResource(&sdk.Resource{
		URI:         RecentURI,
		Name:        "recent",
		Title:       "Recent memories",
		Description: fmt.Sprintf("The %d newest memories of this server's context, newest first.", recentLimit),
		MIMEType:    markdownMIME,
	}, srv.readRecent)
	s.AddResourceTemplate(&sdk.ResourceTemplate{
		URITemplate: memoryURIPrefix + "{id}",
		Name:        "memory",
		Title:       "A memory",
		Description: "One memory's text, by id.",
		MIMEType:    plainMIME,
	}, srv.readMemory)
	s.AddResourceTemplate(&sdk.ResourceTemplate{
		URITemplate: contextURIPrefix + "{context}" + contextURISuffix,
		Name:        "context-recent",
		Title:       "Recent memories of a context",
		Description: fmt.Sprintf("The %d newest memories of a context this server may use.", recentLimit),
		MIMEType:    markdownMIME,
	}, srv.readRecent)
	// resources/list also lists the newest memories themselves, so that
	// clients that browse resources can attach one without knowing its id.
	s.AddReceivingMiddleware(srv.listMemoryResources)
}

func (srv *Server) readRecent(ctx context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
	uri := req.Params.URI
	var name string
	var err error
	if uri == RecentURI {
		name, err = srv.home(ctx)
	} else {
		named := strings.TrimSuffix(strings.TrimPrefix(uri, contextURIPrefix), contextURISuffix)
		name, err = srv.pick(ctx, named)
		if err != nil && !isStoreFailure(err) {
			return nil, sdk.ResourceNotFoundError(uri)
		}
	}
	if err != nil {
		return nil, srv.explain(err)
	}
	ms, err := srv.s.ListMemories(ctx, store.Filter{Contexts: []string{name}, Limit: recentLimit})
	if err != nil {
		return nil, srv.explain(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Recent memories in %s\n\n", name)
	if len(ms) == 0 {
		b.WriteString("(none yet)\n")
	}
	for _, m := range ms {
		fmt.Fprintf(&b, "- **%s** %s, %s", m.Kind, m.ID, m.CreatedAt.Format("2006-01-02 15:04 UTC"))
		if len(m.Tags) > 0 {
			b.WriteString(" #" + strings.Join(m.Tags, " #"))
		}
		b.WriteString("\n\n  " + strings.ReplaceAll(strings.TrimSpace(m.Content), "\n", "\n  ") + "\n\n")
	}
	return &sdk.ReadResourceResult{Contents: []*sdk.ResourceContents{{URI: uri, MIMEType: markdownMIME, Text: b.String()}}}, nil
}

func (srv *Server) readMemory(ctx context.Context, req *sdk.ReadResourceRequest) (*sdk.ReadResourceResult, error) {
	uri := req.Params.URI
	m, err := srv.find(ctx, srv.s, strings.TrimPrefix(uri, memoryURIPrefix))
	if err != nil || m.Deleted() {
		if err != nil && isStoreFailure(err) {
			return nil, err
		}
		return nil, sdk.ResourceNotFoundError(uri)
	}
	return &sdk.ReadResourceResult{Contents: []*sdk.ResourceContents{{URI: uri, MIMEType: plainMIME, Text: m.Content}}}, nil
}

// listMemoryResources adds the newest memories of the server's context to
// the first page of resources/list.
func (srv *Server) listMemoryResources(next sdk.MethodHandler) sdk.MethodHandler {
	return func(ctx context.Context, method string, req sdk.Request) (sdk.Result, error) {
		res, err := next(ctx, method, req)
		lr, ok := res.(*sdk.ListResourcesResult)
		if err != nil || !ok || lr == nil || method != "resources/list" {
			return res, err
		}
		if p, ok := req.GetParams().(*sdk.ListResourcesParams); ok && p != nil && p.Cursor != "" {
			return res, err
		}
		name, err := srv.home(ctx)
		if err != nil {
			return nil, srv.explain(err)
		}
		ms, err := srv.s.ListMemories(ctx, store.Filter{Contexts: []string{name}, Limit: listedMemoryLimit})
		if err != nil {
			return nil, srv.explain(err)
		}
		for _, m := range ms {
			lr.Resources = append(lr.Resources, &sdk.Resource{
				URI:         MemoryURI(m.ID),
				Name:        m.ID,
				Title:       firstLine(m.Content, resourceTitleRunes),
				Description: fmt.Sprintf("%s in %s, %s", m.Kind, m.Context, m.CreatedAt.Format("2006-01-02 15:04 UTC")),
				MIMEType:    plainMIME,
				Size:        int64(len(m.Content)),
			})
		}
		return lr, nil
	}
}

// isStoreFailure tells a database problem (worth reporting) from a name or
// id that merely does not resolve (reported as "not found").
func isStoreFailure(err error) bool {
	for _, s := range []error{store.ErrBusy, store.ErrCorrupt, store.ErrUnwritable, store.ErrTooNew} {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

func firstLine(s string, max int) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}
