package server

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

// promSet is a small registry written out in the Prometheus text format:
// counters, gauges read on scrape, and histograms with fixed buckets. It
// replaces a metrics library whose package initialisation read /proc and
// cgroup files in every mem0 process (0.5-0.9 ms of each CLI start).
// Names carry their labels: `name{label="v"}`.
type promSet struct {
	mu       sync.Mutex
	counters map[string]*promCounter
	gauges   map[string]func() float64
	hists    map[string]*promHistogram
}

func newPromSet() *promSet {
	return &promSet{counters: map[string]*promCounter{}, gauges: map[string]func() float64{}, hists: map[string]*promHistogram{}}
}

type promCounter struct{ n atomic.Uint64 }

func (c *promCounter) Inc()      { c.n.Add(1) }
func (c *promCounter) Add(n int) { c.n.Add(uint64(n)) }

// histogramBuckets are the upper bounds, in seconds, of request latencies.
var histogramBuckets = [...]float64{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10}

type promHistogram struct {
	counts [len(histogramBuckets) + 1]atomic.Uint64 // the last is +Inf
	sum    atomic.Uint64                            // float64 bits
}

// Update records v without locks (every request calls it).
func (h *promHistogram) Update(v float64) {
	h.counts[sort.SearchFloat64s(histogramBuckets[:], v)].Add(1)
	for {
		old := h.sum.Load()
		if h.sum.CompareAndSwap(old, math.Float64bits(math.Float64frombits(old)+v)) {
			return
		}
	}
}

func (s *promSet) GetOrCreateCounter(name string) *promCounter {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.counters[name]
	if c == nil {
		c = &promCounter{}
		s.counters[name] = c
	}
	return c
}

func (s *promSet) NewGauge(name string, f func() float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gauges[name] = f
}

func (s *promSet) GetOrCreatePrometheusHistogram(name string) *promHistogram {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.hists[name]
	if h == nil {
		h = &promHistogram{}
		s.hists[name] = h
	}
	return h
}

// splitName splits `family{labels}` into family and the labels inside braces.
func splitName(name string) (family, labels string) {
	if i := strings.IndexByte(name, '{'); i >= 0 {
		return name[:i], strings.TrimSuffix(name[i+1:], "}")
	}
	return name, ""
}

func withLabel(labels, extra string) string {
	if labels == "" {
		return "{" + extra + "}"
	}
	return "{" + labels + "," + extra + "}"
}

func formatFloat(v float64) string {
	switch {
	case math.IsInf(v, 1):
		return "+Inf"
	case v == math.Trunc(v) && math.Abs(v) < 1e15:
		return fmt.Sprintf("%d", int64(v))
	}
	return fmt.Sprintf("%g", v)
}

// WritePrometheus writes every metric, grouped by family, in a stable order.
func (s *promSet) WritePrometheus(w io.Writer) {
	s.mu.Lock()
	type line struct{ family, text string }
	var lines []line
	types := map[string]string{}
	for name, c := range s.counters {
		f, _ := splitName(name)
		types[f] = "counter"
		lines = append(lines, line{f, fmt.Sprintf("%s %d\n", name, c.n.Load())})
	}
	gauges := make(map[string]func() float64, len(s.gauges))
	for name, g := range s.gauges {
		gauges[name] = g
	}
	hists := make(map[string]*promHistogram, len(s.hists))
	for name, h := range s.hists {
		hists[name] = h
	}
	s.mu.Unlock()
	for name, g := range gauges {
		f, _ := splitName(name)
		types[f] = "gauge"
		lines = append(lines, line{f, fmt.Sprintf("%s %s\n", name, formatFloat(g()))})
	}
	for name, h := range hists {
		f, labels := splitName(name)
		types[f] = "histogram"
		var counts [len(histogramBuckets) + 1]uint64
		for i := range counts {
			counts[i] = h.counts[i].Load()
		}
		sum := math.Float64frombits(h.sum.Load())
		var b strings.Builder
		var cum uint64
		for i, le := range histogramBuckets {
			cum += counts[i]
			fmt.Fprintf(&b, "%s_bucket%s %d\n", f, withLabel(labels, `le="`+formatFloat(le)+`"`), cum)
		}
		cum += counts[len(histogramBuckets)]
		fmt.Fprintf(&b, "%s_bucket%s %d\n", f, withLabel(labels, `le="+Inf"`), cum)
		braces := ""
		if labels != "" {
			braces = "{" + labels + "}"
		}
		fmt.Fprintf(&b, "%s_sum%s %s\n%s_count%s %d\n", f, braces, formatFloat(sum), f, braces, cum)
		lines = append(lines, line{f, b.String()})
	}
	sort.Slice(lines, func(i, j int) bool {
		if lines[i].family != lines[j].family {
			return lines[i].family < lines[j].family
		}
		return lines[i].text < lines[j].text
	})
	last := ""
	for _, l := range lines {
		if l.family != last {
			fmt.Fprintf(w, "# TYPE %s %s\n", l.family, types[l.family])
			last = l.family
		}
		io.WriteString(w, l.text)
	}
}
