package server

import (
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// initMetrics registers the gauges computed on scrape. Request counters and
// histograms are created on first use per route.
func (s *Server) initMetrics() {
	st := func(f func() float64) func() float64 { return f }
	s.metrics.NewGauge("mem0_db_pool_acquired_conns", st(func() float64 { return float64(s.db.Stat().AcquiredConns()) }))
	s.metrics.NewGauge("mem0_db_pool_idle_conns", st(func() float64 { return float64(s.db.Stat().IdleConns()) }))
	s.metrics.NewGauge("mem0_db_pool_total_conns", st(func() float64 { return float64(s.db.Stat().TotalConns()) }))
	s.metrics.NewGauge("mem0_db_pool_max_conns", st(func() float64 { return float64(s.db.Stat().MaxConns()) }))
	s.metrics.NewGauge("mem0_db_pool_acquire_count", st(func() float64 { return float64(s.db.Stat().AcquireCount()) }))
	s.metrics.NewGauge("mem0_db_pool_empty_acquire_count", st(func() float64 { return float64(s.db.Stat().EmptyAcquireCount()) }))
}

type routeStatus struct {
	route  string
	status int
}

// observe counts a request. The metric handles are cached so the hot path
// formats no names.
func (s *Server) observe(route string, status int, d time.Duration) {
	c, ok := s.reqCounters.Load(routeStatus{route, status})
	if !ok {
		c, _ = s.reqCounters.LoadOrStore(routeStatus{route, status},
			s.metrics.GetOrCreateCounter(fmt.Sprintf(`mem0_http_requests_total{route=%q,status="%s"}`, route, strconv.Itoa(status))))
	}
	c.(*promCounter).Inc()
	h, ok := s.reqHistograms.Load(route)
	if !ok {
		h, _ = s.reqHistograms.LoadOrStore(route,
			s.metrics.GetOrCreatePrometheusHistogram(fmt.Sprintf(`mem0_http_request_duration_seconds{route=%q}`, route)))
	}
	h.(*promHistogram).Update(d.Seconds())
}

func (s *Server) countSyncOps(status string, n int) {
	if n > 0 {
		s.metrics.GetOrCreateCounter(fmt.Sprintf(`mem0_sync_ops_total{status=%q}`, status)).Add(n)
	}
}

func (s *Server) handleMetrics(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	s.metrics.WritePrometheus(w)
	return nil
}
