// Command proctime runs a command line many times as whole processes and
// prints the median and 90th percentile wall time, the median CPU time
// (user + system: less sensitive than wall time to other work on a busy
// machine) and the peak RSS, as one tab-separated line: label, runs,
// median ms, p90 ms, max RSS MB, median CPU ms.
//
// Every "{i}" in the arguments is replaced by the run number, so a command
// can add a different text each time. Runs go one after another after
// -warmup unmeasured runs: the figures are for a warm cache.
package main

import (
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

func main() {
	runs := flag.Int("runs", 30, "measured runs")
	warmup := flag.Int("warmup", 3, "unmeasured runs first")
	label := flag.String("label", "", "label for the output line")
	flag.Parse()
	args := flag.Args()
	if len(args) == 0 {
		fmt.Fprintln(os.Stderr, "usage: proctime [-runs N] [-warmup N] [-label L] command [args...]")
		os.Exit(2)
	}
	var times, cpu []float64
	var maxRSS int64
	for i := 0; i < *warmup+*runs; i++ {
		argv := make([]string, len(args))
		for j, a := range args {
			argv[j] = strings.ReplaceAll(a, "{i}", strconv.Itoa(i))
		}
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Stdout, cmd.Stderr = nil, nil
		start := time.Now()
		if err := cmd.Run(); err != nil {
			out, _ := exec.Command(argv[0], argv[1:]...).CombinedOutput()
			fmt.Fprintf(os.Stderr, "%s: %v\n%s", strings.Join(argv, " "), err, out)
			os.Exit(1)
		}
		elapsed := time.Since(start)
		if i >= *warmup {
			times = append(times, float64(elapsed.Microseconds())/1000)
			cpu = append(cpu, float64((cmd.ProcessState.UserTime()+cmd.ProcessState.SystemTime()).Microseconds())/1000)
			maxRSS = max(maxRSS, peakRSS(cmd.ProcessState))
		}
	}
	slices.Sort(times)
	med := median(times)
	p90 := times[min(len(times)-1, len(times)*9/10)]
	name := *label
	if name == "" {
		name = strings.Join(args, " ")
	}
	fmt.Printf("%s\t%d\t%.2f\t%.2f\t%.1f\t%.2f\n", name, len(times), med, p90, float64(maxRSS)/1024, median(cpu))
}

// median of xs, which it sorts.
func median(xs []float64) float64 {
	slices.Sort(xs)
	if len(xs)%2 == 0 {
		return (xs[len(xs)/2-1] + xs[len(xs)/2]) / 2
	}
	return xs[len(xs)/2]
}
