package server

import (
	"strings"
	"testing"
)

func TestPromText(t *testing.T) {
	s := newPromSet()
	s.GetOrCreateCounter(`x_total{k="a"}`).Inc()
	s.GetOrCreateCounter(`x_total{k="a"}`).Add(2)
	s.GetOrCreateCounter(`x_total{k="b"}`).Inc()
	s.NewGauge("g", func() float64 { return 1.5 })
	h := s.GetOrCreatePrometheusHistogram(`d_seconds{route="GET /x"}`)
	h.Update(0.0007)
	h.Update(0.003)
	h.Update(20)
	var b strings.Builder
	s.WritePrometheus(&b)
	want := `# TYPE d_seconds histogram
d_seconds_bucket{route="GET /x",le="0.0005"} 0
d_seconds_bucket{route="GET /x",le="0.001"} 1
d_seconds_bucket{route="GET /x",le="0.0025"} 1
d_seconds_bucket{route="GET /x",le="0.005"} 2
`
	if !strings.HasPrefix(b.String(), want) {
		t.Fatalf("got:\n%s", b.String())
	}
	for _, line := range []string{
		`d_seconds_bucket{route="GET /x",le="10"} 2`,
		`d_seconds_bucket{route="GET /x",le="+Inf"} 3`,
		`d_seconds_sum{route="GET /x"} 20.0037`,
		`d_seconds_count{route="GET /x"} 3`,
		"# TYPE g gauge\ng 1.5\n",
		"# TYPE x_total counter\nx_total{k=\"a\"} 3\nx_total{k=\"b\"} 1\n",
	} {
		if !strings.Contains(b.String(), line) {
			t.Errorf("missing %q in:\n%s", line, b.String())
		}
	}
}
