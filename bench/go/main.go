// Command gochan runs bench/channels.cpp's workloads on Go channels, with the
// same item counts and the same timing rule (the clock starts when every
// goroutine is ready and stops when the last consumer got its last value),
// so bench/summarize.py can divide leakguard by Go from one run.
//
//	go build -o gochan . && ./gochan -min-time 0.3 -reps 3 -out go.csv
//
// LG_BENCH_SCALE scales the items per iteration, as for bench_channels.
// Output: CSV name,ns_per_item,items_per_second (median over the repetitions).
package main

import (
	"flag"
	"fmt"
	"math"
	"os"
	"runtime"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

const (
	pingpongRounds    = 20000
	transferItemsCap1 = 40000
	transferItems     = 200000
	drainItems        = 200000
)

var sink atomic.Int64

func items(base int) int {
	scale := 1.0
	if s := os.Getenv("LG_BENCH_SCALE"); s != "" {
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			scale = f
		}
	}
	n := int(math.Round(float64(base) * scale))
	n -= n % 4
	if n < 4 {
		n = 4
	}
	return n
}

func pingpong(rounds int) time.Duration {
	ping, pong := make(chan int), make(chan int)
	start := make(chan struct{})
	done := make(chan struct{})
	go func() {
		<-start
		for i := 0; i < rounds; i++ {
			pong <- <-ping
		}
		close(done)
	}()
	runtime.Gosched()
	t0 := time.Now()
	close(start)
	s := 0
	for i := 0; i < rounds; i++ {
		ping <- i
		s += <-pong
	}
	d := time.Since(t0)
	<-done
	sink.Add(int64(s))
	return d
}

func transfer(producers, consumers, capacity, n int) time.Duration {
	q := make(chan int, capacity)
	var ready, wg sync.WaitGroup
	start := make(chan struct{})
	var running atomic.Int32
	running.Store(int32(consumers))
	var t1 time.Time
	ready.Add(producers + consumers)
	wg.Add(producers + consumers)
	for p := 0; p < producers; p++ {
		go func(p int) {
			defer wg.Done()
			ready.Done()
			<-start
			k := n / producers
			for i := 0; i < k; i++ {
				q <- p*k + i
			}
		}(p)
	}
	for c := 0; c < consumers; c++ {
		go func() {
			defer wg.Done()
			ready.Done()
			<-start
			k := n / consumers
			s := 0
			for i := 0; i < k; i++ {
				s += <-q
			}
			sink.Add(int64(s))
			if running.Add(-1) == 0 {
				t1 = time.Now()
			}
		}()
	}
	ready.Wait()
	t0 := time.Now()
	close(start)
	wg.Wait()
	return t1.Sub(t0)
}

func closeDrain(consumers, capacity, n int) time.Duration {
	q := make(chan int, capacity)
	var ready, wg sync.WaitGroup
	start := make(chan struct{})
	var running atomic.Int32
	running.Store(int32(consumers))
	var t1 time.Time
	ready.Add(consumers + 1)
	wg.Add(consumers + 1)
	go func() {
		defer wg.Done()
		ready.Done()
		<-start
		for i := 0; i < n; i++ {
			q <- i
		}
		close(q)
	}()
	for c := 0; c < consumers; c++ {
		go func() {
			defer wg.Done()
			ready.Done()
			<-start
			s := 0
			for v := range q {
				s += v
			}
			sink.Add(int64(s))
			if running.Add(-1) == 0 {
				t1 = time.Now()
			}
		}()
	}
	ready.Wait()
	t0 := time.Now()
	close(start)
	wg.Wait()
	return t1.Sub(t0)
}

type bench struct {
	name string
	n    int
	run  func(n int) time.Duration
}

func main() {
	minTime := flag.Float64("min-time", 0.3, "seconds of measured time per repetition")
	reps := flag.Int("reps", 3, "repetitions (the median is reported)")
	out := flag.String("out", "", "CSV output file (default stdout)")
	flag.Parse()

	var benches []bench
	benches = append(benches, bench{"pingpong/go", items(pingpongRounds), pingpong})
	for _, c := range []int{1, 64, 1024} {
		c := c
		n := transferItems
		if c == 1 {
			n = transferItemsCap1
		}
		benches = append(benches, bench{fmt.Sprintf("spsc_cap%d/go", c), items(n),
			func(k int) time.Duration { return transfer(1, 1, c, k) }})
	}
	for _, c := range []int{1, 64, 1024} {
		c := c
		n := transferItems
		if c == 1 {
			n = transferItemsCap1
		}
		benches = append(benches, bench{fmt.Sprintf("mpmc_cap%d/go", c), items(n),
			func(k int) time.Duration { return transfer(4, 4, c, k) }})
	}
	benches = append(benches, bench{"close_drain_cap64/go", items(drainItems),
		func(k int) time.Duration { return closeDrain(4, 64, k) }})

	w := os.Stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		defer f.Close()
		w = f
	}
	fmt.Fprintf(w, "name,ns_per_item,items_per_second\n")
	for _, b := range benches {
		var perItem []float64
		for r := 0; r < *reps; r++ {
			var total time.Duration
			count := 0
			for total.Seconds() < *minTime {
				total += b.run(b.n)
				count += b.n
			}
			perItem = append(perItem, float64(total.Nanoseconds())/float64(count))
		}
		sort.Float64s(perItem)
		med := perItem[len(perItem)/2]
		fmt.Fprintf(w, "%s,%.3f,%.1f\n", b.name, med, 1e9/med)
		if *out != "" {
			fmt.Fprintf(os.Stderr, "%-24s %10.1f ns/item  (GOMAXPROCS=%d)\n", b.name, med, runtime.GOMAXPROCS(0))
		}
	}
}
