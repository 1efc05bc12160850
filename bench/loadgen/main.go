// Command loadgen drives a mem0 sync server for bench/server.sh.
//
//	loadgen setup -url U             register, create a context, push 10,000
//	                                 memories in batches; prints shell variables
//	loadgen pull  -url U -token T    time no-op pulls (client and server side)
//	loadgen http  -url U -token T    closed-loop GET load (when wrk is missing)
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"
	wire "github.com/mem0dev/mem0/sync"
)

var client = &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}, Timeout: 60 * time.Second}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadgen setup|pull|http [flags]")
		os.Exit(2)
	}
	fs := flag.NewFlagSet(os.Args[1], flag.ExitOnError)
	base := fs.String("url", "http://127.0.0.1:13370", "server URL")
	token := fs.String("token", "", "access token")
	n := fs.Int("n", 10000, "setup: memories to push")
	batch := fs.Int("batch", 500, "setup: operations per push")
	path := fs.String("path", "", "http: path to GET")
	conns := fs.Int("c", 32, "http: concurrent connections")
	dur := fs.Duration("d", 5*time.Second, "http: duration")
	reps := fs.Int("reps", 200, "pull: no-op pulls")
	fs.Parse(os.Args[2:])
	var err error
	switch os.Args[1] {
	case "setup":
		err = setup(*base, *n, *batch)
	case "pull":
		err = pull(*base, *token, *reps)
	case "http":
		err = load(*base+*path, *token, *conns, *dur)
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func call(method, url, token string, body any, out any) error {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := client.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode >= 300 {
		return fmt.Errorf("%s %s: %d %s", method, url, res.StatusCode, b)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

var words = strings.Fields(`deploy release build test docker kubectl git rebase merge branch postgres index vacuum
backup restore nginx proxy certificate renew cron schedule python venv install upgrade rollback canary metrics
alert pager oncall runbook terraform plan apply state lock secret vault rotate token cache redis queue kafka`)

// sentence makes 8-20 words: mostly from a 2,000-word synthetic vocabulary,
// one in twenty a real tooling word, so a search for one such word matches
// roughly 1% of memories (as in a real, varied memory store).
func sentence(r *rand.Rand) string {
	n := 8 + r.IntN(13)
	w := make([]string, n)
	for i := range w {
		if r.IntN(20) == 0 {
			w[i] = words[r.IntN(len(words))]
		} else {
			w[i] = "w" + strconv.Itoa(r.IntN(2000))
		}
	}
	return strings.Join(w, " ")
}

func setup(base string, n, batch int) error {
	var auth struct {
		AccessToken string `json:"access_token"`
	}
	name := fmt.Sprintf("bench%d", time.Now().UnixNano()%1e9)
	if err := call("POST", base+"/api/v1/auth/register", "", map[string]string{"username": name, "password": "bench-password"}, &auth); err != nil {
		return err
	}
	tok := auth.AccessToken
	var ctx wire.ContextInfo
	if err := call("POST", base+"/api/v1/contexts", tok, map[string]string{"name": "bench"}, &ctx); err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(1, 2))
	ops := make([]wire.Op, n)
	for i := range ops {
		ops[i] = wire.Op{OpID: uuid.NewString(), Type: wire.OpUpsert, ContextID: ctx.ID, MemoryID: uuid.Must(uuid.NewV7()).String(),
			ClientTime: time.Now(), Kind: "note", Content: sentence(r), Source: "cli", Tags: []string{"bench"}}
	}
	start := time.Now()
	for i := 0; i < n; i += batch {
		var pr wire.PushResponse
		if err := call("POST", base+"/api/v1/sync/push", tok, wire.PushRequest{DeviceID: "bench", Ops: ops[i:min(i+batch, n)]}, &pr); err != nil {
			return err
		}
		for _, res := range pr.Results {
			if res.Status != wire.StatusApplied {
				return fmt.Errorf("push: %+v", res)
			}
		}
	}
	push := time.Since(start)
	// A fresh client pulls everything (the first sync of a new machine).
	start = time.Now()
	cursors := map[string]int64{}
	for {
		var pr wire.PullResponse
		if err := call("POST", base+"/api/v1/sync/pull", tok, wire.PullRequest{Cursors: cursors, Limit: 5000}, &pr); err != nil {
			return err
		}
		more := false
		for _, c := range pr.Contexts {
			cursors[c.ID] = c.Cursor
			more = more || c.More
		}
		for _, g := range pr.Gained {
			if _, ok := cursors[g.ID]; !ok {
				cursors[g.ID] = 0
			}
		}
		if !more {
			break
		}
	}
	full := time.Since(start)
	fmt.Printf("TOKEN=%s\nCONTEXT=%s\nMEMORY=%s\nPUSH_MS=%d\nPUSH_BATCH=%d\nPUSH_N=%d\nFULLPULL_MS=%d\n",
		tok, ctx.ID, ops[n/2].MemoryID, push.Milliseconds(), batch, n, full.Milliseconds())
	return nil
}

// serverPullTime reads the pull route's latency histogram from /metrics.
func serverPullTime(base string) (sum float64, count float64, err error) {
	res, err := client.Get(base + "/metrics")
	if err != nil {
		return 0, 0, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.Contains(line, `route="POST /api/v1/sync/pull"`) {
			continue
		}
		f := strings.Fields(line)
		v, _ := strconv.ParseFloat(f[len(f)-1], 64)
		switch {
		case strings.HasPrefix(line, "mem0_http_request_duration_seconds_sum"):
			sum = v
		case strings.HasPrefix(line, "mem0_http_request_duration_seconds_count"):
			count = v
		}
	}
	return sum, count, nil
}

func pull(base, tok string, reps int) error {
	cursors := map[string]int64{}
	var pr wire.PullResponse
	for {
		if err := call("POST", base+"/api/v1/sync/pull", tok, wire.PullRequest{Cursors: cursors, Limit: 5000}, &pr); err != nil {
			return err
		}
		more := false
		for _, c := range pr.Contexts {
			cursors[c.ID] = c.Cursor
			more = more || c.More
		}
		for _, g := range pr.Gained {
			if _, ok := cursors[g.ID]; !ok {
				cursors[g.ID] = 0
			}
		}
		if !more {
			break
		}
	}
	s0, c0, err := serverPullTime(base)
	if err != nil {
		return err
	}
	body, _ := json.Marshal(wire.PullRequest{Cursors: cursors})
	lat := make([]time.Duration, reps)
	size := 0
	for i := range lat {
		req, _ := http.NewRequest("POST", base+"/api/v1/sync/pull", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		start := time.Now()
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		lat[i] = time.Since(start)
		size = len(b)
		if !bytes.Contains(b, []byte(`"contexts":[]`)) {
			return fmt.Errorf("no-op pull returned changes: %s", b)
		}
	}
	s1, c1, err := serverPullTime(base)
	if err != nil {
		return err
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	fmt.Printf("NOOP_PULL_MEDIAN_MS=%.2f\nNOOP_PULL_P99_MS=%.2f\nNOOP_PULL_SERVER_MEAN_MS=%.2f\nNOOP_PULL_BYTES=%d\n",
		ms(lat[len(lat)/2]), ms(lat[len(lat)*99/100]), (s1-s0)/(c1-c0)*1000, size)
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func load(url, tok string, conns int, dur time.Duration) error {
	var mu sync.Mutex
	var all []time.Duration
	errs := 0
	deadline := time.Now().Add(dur)
	var wg sync.WaitGroup
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var mine []time.Duration
			bad := 0
			for time.Now().Before(deadline) {
				req, _ := http.NewRequest("GET", url, nil)
				req.Header.Set("Authorization", "Bearer "+tok)
				start := time.Now()
				res, err := client.Do(req)
				if err != nil {
					bad++
					continue
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != 200 {
					bad++
				}
				mine = append(mine, time.Since(start))
			}
			mu.Lock()
			all = append(all, mine...)
			errs += bad
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) == 0 {
		return fmt.Errorf("no requests completed")
	}
	fmt.Printf("RPS=%.0f\nP50_MS=%.2f\nP99_MS=%.2f\nERRORS=%d\n", float64(len(all))/dur.Seconds(), ms(all[len(all)/2]), ms(all[len(all)*99/100]), errs)
	return nil
}
