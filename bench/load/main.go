// Command load drives a running govpulse dashboard the way a room of leaders would: N concurrent
// users, each logged in through the login form with its own session, open the dashboard's pages
// in turn for a while, and the command prints requests per second, latency percentiles per page
// and errors. It measures the dashboard issue's "50 concurrent users" figure against loopback:
//
//	govpulse serve --data ./bench-data --addr 127.0.0.1:8080
//	go run ./bench/load -url http://127.0.0.1:8080 -user admin -password-file pw.txt -users 50 -duration 60s
//
// It uses one account for every user (sessions are per login, so each user still has its own).
//
// The soak test (make soak) adds a steady ingest stream and watches the server's memory:
//
//	go run ./bench/load -serve bin/govpulse -users 50 -ingest-rate 200 -duration 10m
//
// starts `govpulse serve --demo` on a data directory of its own (a temporary one unless -data),
// with an admin account and ingest tokens made first; posts -ingest-rate records a second of the
// simulator's NDJSON (dossiers, petitions and posts as the simulator mixes them, every id new)
// through POST /api/v1/ingest/{stream} while the users browse; every -sample it prints a row of
// requests, latencies, errors, ingested records and the server's RSS (/proc) and Go heap
// (/metrics); at the end a summary per route class (page, api, ingest), the records acknowledged
// against those the engine holds after the server has stopped (nothing acknowledged may be lost),
// and the memory growth after -warmup. Against a server it did not start (-url), -ingest-tokens
// and -sim-dir give the ingest stream, memory comes from /metrics, and the stored count is left
// out.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

type options struct {
	base         string
	user         string
	passwordFile string
	users        int
	duration     time.Duration
	pages        string

	// The soak test.
	serve        string // govpulse binary to start (serve --demo); "" targets -url
	data         string // its data directory; "" a temporary one
	lib          string // libchdb.so for the server and the final count
	demoScale    float64
	ingestRate   int    // records a second; 0: no ingest stream
	ingestTokens string // file of "stream token" lines (with -url)
	simDir       string // dossiers/petitions/posts.ndjson to send; "" simulated into the data dir (with -serve)
	simDays      int
	sample       time.Duration
	warmup       time.Duration
}

func main() {
	var o options
	flag.StringVar(&o.base, "url", "http://127.0.0.1:8080", "dashboard root (loopback); ignored with -serve")
	flag.StringVar(&o.user, "user", "admin", "account to log in with; ignored with -serve")
	flag.StringVar(&o.passwordFile, "password-file", "", "file whose first line is the password (else $GOVPULSE_LOAD_PASSWORD); ignored with -serve")
	flag.IntVar(&o.users, "users", 50, "concurrent users")
	flag.DurationVar(&o.duration, "duration", time.Minute, "how long to load")
	flag.StringVar(&o.pages, "pages", "/,/rankings,/dossiers,/petitions,/sentiment,/api/v1/kpis,/api/v1/alerts",
		"comma-separated paths each user opens in turn")
	flag.StringVar(&o.serve, "serve", "", "start this govpulse binary (serve --demo; an admin account and ingest tokens made first) instead of targeting -url")
	flag.StringVar(&o.data, "data", "", "with -serve: an empty or new data directory (default: a temporary one, removed at the end)")
	flag.StringVar(&o.lib, "chdb-lib", os.Getenv("GOVPULSE_CHDB_LIB"), "with -serve: libchdb.so (env GOVPULSE_CHDB_LIB)")
	flag.Float64Var(&o.demoScale, "demo-scale", 1, "with -serve: volume of the demo history (serve --demo-scale)")
	flag.IntVar(&o.ingestRate, "ingest-rate", 0, "records a second posted to /api/v1/ingest/{stream} while the users browse (0: none)")
	flag.StringVar(&o.ingestTokens, "ingest-tokens", "", "with -url: file of \"stream token\" lines, one ingest token per stream")
	flag.StringVar(&o.simDir, "sim-dir", "", "directory of dossiers.ndjson, petitions.ndjson and posts.ndjson to send (default with -serve: govpulse simulate into the data directory)")
	flag.IntVar(&o.simDays, "sim-days", 2, "with -serve and no -sim-dir: days the simulated feed covers (sent over and over, ids renewed each pass)")
	flag.DurationVar(&o.sample, "sample", 10*time.Second, "interval of the table printed over time (requests, latency, ingest, memory)")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Minute, "memory growth is measured after this much of the run")
	flag.Parse()
	if err := run(o, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

func password(o options) (string, error) {
	if o.passwordFile == "" {
		if p := os.Getenv("GOVPULSE_LOAD_PASSWORD"); p != "" {
			return p, nil
		}
		return "", errors.New("give -password-file or GOVPULSE_LOAD_PASSWORD")
	}
	raw, err := os.ReadFile(o.passwordFile)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(strings.SplitN(string(raw), "\n", 2)[0]), nil
}

// login returns a client holding a fresh session of user.
func login(base, user, pw string) (*http.Client, error) {
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: time.Minute,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(base + "/login")
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	u, _ := url.Parse(base)
	var csrf string
	for _, ck := range jar.Cookies(u) {
		if ck.Name == "govpulse_csrf" {
			csrf = ck.Value
		}
	}
	resp, err = c.PostForm(base+"/login", url.Values{"username": {user}, "password": {pw}, "csrf_token": {csrf}, "next": {"/"}})
	if err != nil {
		return nil, err
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("login as %s: HTTP %d", user, resp.StatusCode)
	}
	return c, nil
}

// Route classes of the summary.
const (
	classPage   = "page"   // HTML pages
	classAPI    = "api"    // JSON APIs opened by the users
	classIngest = "ingest" // POST /api/v1/ingest/{stream}
)

type sample struct {
	page  string
	class string
	at    time.Time // when the request started
	d     time.Duration
	err   bool
	n     int // ingest: records in the body
}

func classOf(page string) string {
	if strings.HasPrefix(page, "/api/") {
		return classAPI
	}
	return classPage
}

// recorder keeps every sample.
type recorder struct {
	mu      sync.Mutex
	samples []sample
}

func (r *recorder) add(s sample) {
	r.mu.Lock()
	r.samples = append(r.samples, s)
	r.mu.Unlock()
}

// memPoint is one memory sample of the server.
type memPoint struct {
	at         time.Duration // since the start of the load
	rss, heap  float64       // bytes; NaN when unknown
	rssFromPro bool          // RSS read from /proc (else /metrics)
}

func run(o options, w io.Writer) error {
	var srv *server
	if o.serve != "" {
		var err error
		if srv, err = startServer(o, w); err != nil {
			return err
		}
		defer srv.cleanup()
		defer srv.stop()
		o.base, o.user = srv.url, "soak"
	}
	var pw string
	if srv != nil {
		pw = srv.password
	} else {
		var err error
		if pw, err = password(o); err != nil {
			return err
		}
	}

	// The ingest feed.
	var (
		feeds  map[string]*feed
		tokens map[string]string
		prefix = fmt.Sprintf("soak-%d-", time.Now().Unix())
	)
	if o.ingestRate > 0 {
		var err error
		if tokens, err = ingestTokens(o, srv); err != nil {
			return err
		}
		if feeds, err = loadFeeds(o, srv, w); err != nil {
			return err
		}
	}

	pages := strings.Split(o.pages, ",")
	clients := make([]*http.Client, o.users)
	for i := range clients {
		// Logins are slow on purpose (argon2id); they are not part of the measurement.
		var err error
		if clients[i], err = login(o.base, o.user, pw); err != nil {
			return err
		}
	}
	load0 := loadAvg()
	rec := &recorder{}
	tot := newIngestTotals()
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(o.duration)
	for i, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := i; time.Now().Before(deadline); n++ {
				page := pages[n%len(pages)]
				t0 := time.Now()
				resp, err := c.Get(o.base + page)
				s := sample{page: page, class: classOf(page), at: t0, err: err != nil}
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					s.err = resp.StatusCode != http.StatusOK
				}
				s.d = time.Since(t0)
				rec.add(s)
			}
		}()
	}
	if feeds != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ingest(o.base, tokens, feeds, prefix, o.ingestRate, deadline, rec.add, tot)
		}()
	}

	// The table over time.
	var mem []memPoint
	fmt.Fprintf(w, "%d users, ingest %d records/s, %s; one row every %s\n", o.users, o.ingestRate, o.duration, o.sample)
	fmt.Fprintf(w, "%7s %8s %9s %9s %7s %9s %9s %7s %9s %9s\n", "t", "req/s", "p50 ms", "p99 ms", "errors", "ingest/s", "ing p99", "ing err", "RSS MB", "heap MB")
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	tick := time.NewTicker(o.sample)
	last := start
	for running := true; running; {
		select {
		case <-done:
			running = false
		case <-tick.C:
		}
		now := time.Now()
		if !running && now.Sub(last) < o.sample/2 {
			break // the tail after the last full interval
		}
		var users, ing []sample
		for _, s := range rec.window(last, now) {
			if s.class == classIngest {
				ing = append(ing, s)
			} else {
				users = append(users, s)
			}
		}
		secs := now.Sub(last).Seconds()
		last = now
		m := memPoint{at: now.Sub(start), rss: math.NaN(), heap: math.NaN()}
		metrics := scrape(o.base)
		if v, ok := metrics["go_memstats_heap_inuse_bytes"]; ok { // else unknown: /metrics did not answer in time
			m.heap = v
		}
		if v, ok := metrics["process_resident_memory_bytes"]; ok {
			m.rss = v
		}
		if srv != nil {
			if v, ok := srv.rssBytes(); ok {
				m.rss, m.rssFromPro = v, true
			}
		}
		mem = append(mem, m)
		ingLines := 0
		for _, s := range ing {
			if !s.err {
				ingLines += s.n
			}
		}
		fmt.Fprintf(w, "%7s %8.1f %9.1f %9.1f %7d %9.0f %9.1f %7d %9.0f %9.0f\n", m.at.Round(time.Second), float64(len(users))/secs,
			quantile(users, 0.5), quantile(users, 0.99), errCount(users), float64(ingLines)/secs,
			quantile(ing, 0.99), errCount(ing), m.rss/(1<<20), m.heap/(1<<20))
	}
	tick.Stop()
	elapsed := time.Since(start)
	load1 := loadAvg()

	all := rec.window(start, time.Now().Add(time.Hour))
	fmt.Fprintf(w, "\n%d users, %s, %d requests, %.1f req/s; load average %s at the start, %s at the end (%d cores)\n",
		o.users, elapsed.Round(time.Second), len(all), float64(len(all))/elapsed.Seconds(), load0, load1, runtime.NumCPU())
	fmt.Fprintf(w, "%-30s %7s %7s %9s %9s %9s\n", "route", "n", "errors", "p50 ms", "p99 ms", "max ms")
	report := func(name string, keep func(sample) bool) {
		var ss []sample
		for _, s := range all {
			if keep(s) {
				ss = append(ss, s)
			}
		}
		if len(ss) == 0 {
			return
		}
		fmt.Fprintf(w, "%-30s %7d %7d %9.1f %9.1f %9.1f\n", name, len(ss), errCount(ss), quantile(ss, 0.5), quantile(ss, 0.99), quantile(ss, 1))
	}
	for _, p := range pages {
		report(p, func(s sample) bool { return s.page == p })
	}
	for _, st := range streams {
		report("POST /api/v1/ingest/"+st, func(s sample) bool { return s.page == "POST /api/v1/ingest/"+st })
	}
	for _, c := range []string{classPage, classAPI, classIngest} {
		report("class "+c, func(s sample) bool { return s.class == c })
	}
	report("all", func(sample) bool { return true })

	lost := 0
	if feeds != nil {
		lost = reportIngest(w, o, srv, tot, prefix, elapsed)
	}
	reportMemory(w, mem, o.warmup)
	if lost > 0 {
		return fmt.Errorf("%d acknowledged records are not in the engine", lost)
	}
	return nil
}

// window is the samples that started in [from, to).
func (r *recorder) window(from, to time.Time) []sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []sample
	for _, s := range r.samples {
		if !s.at.Before(from) && s.at.Before(to) {
			out = append(out, s)
		}
	}
	return out
}

func quantile(ss []sample, p float64) float64 {
	if len(ss) == 0 {
		return math.NaN()
	}
	ds := make([]time.Duration, len(ss))
	for i, s := range ss {
		ds[i] = s.d
	}
	slices.Sort(ds)
	return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000
}

func errCount(ss []sample) int {
	n := 0
	for _, s := range ss {
		if s.err {
			n++
		}
	}
	return n
}

// ingestTokens are the bearer tokens per stream: the server's own, or -ingest-tokens.
func ingestTokens(o options, srv *server) (map[string]string, error) {
	if srv != nil {
		return srv.tokens, nil
	}
	if o.ingestTokens == "" {
		return nil, errors.New("-ingest-rate against -url needs -ingest-tokens (a file of \"stream token\" lines)")
	}
	raw, err := os.ReadFile(o.ingestTokens)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(line); len(f) == 2 {
			out[f[0]] = f[1]
		}
	}
	for _, s := range streams {
		if out[s] == "" {
			return nil, fmt.Errorf("%s: no token for %s", o.ingestTokens, s)
		}
	}
	return out, nil
}

// loadFeeds reads the NDJSON to send: -sim-dir, or the simulation startServer wrote into the
// data directory before the server started.
func loadFeeds(o options, srv *server, w io.Writer) (map[string]*feed, error) {
	dir := o.simDir
	if dir == "" {
		if srv == nil {
			return nil, errors.New("-ingest-rate against -url needs -sim-dir (govpulse simulate --out DIR)")
		}
		dir = srv.simDir
	}
	feeds := map[string]*feed{}
	n := 0
	for _, s := range streams {
		fd, err := readFeed(dir, s)
		if err != nil {
			return nil, err
		}
		feeds[s] = fd
		n += len(fd.lines)
	}
	fmt.Fprintf(w, "ingest feed %s: %d dossiers, %d petitions, %d posts lines (sent over and over, ids renewed each pass)\n",
		dir, len(feeds["dossiers"].lines), len(feeds["petitions"].lines), len(feeds["posts"].lines))
	return feeds, nil
}

// reportIngest prints what was sent, acknowledged and (with -serve, after stopping the server)
// stored, and returns the number of acknowledged records missing from the engine.
func reportIngest(w io.Writer, o options, srv *server, tot *ingestTotals, prefix string, elapsed time.Duration) int {
	tot.mu.Lock()
	defer tot.mu.Unlock()
	sent, acc, rej := 0, 0, 0
	for _, s := range streams {
		sent += tot.sent[s]
		acc += tot.accepted[s]
		rej += tot.rejected[s]
	}
	fmt.Fprintf(w, "\ningest: %d records sent (%.1f/s, target %d/s), %d accepted, %d rejected, %d requests failed (nothing stored)\n",
		sent, float64(sent)/elapsed.Seconds(), o.ingestRate, acc, rej, tot.failed)
	if tot.rejection != "" {
		fmt.Fprintf(w, "  e.g. %s\n", tot.rejection)
	}
	if srv == nil {
		fmt.Fprintln(w, "  stored: not counted (the server was not started by this command; its engine is its own)")
		return 0
	}
	if err := srv.stop(); err != nil {
		fmt.Fprintf(w, "  stopping the server: %v\n", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	stored, err := srv.stored(ctx, prefix)
	if err != nil {
		fmt.Fprintf(w, "  stored: cannot count: %v\n", err)
		return 0
	}
	lost := 0
	fmt.Fprintf(w, "%-10s %10s %10s %10s %8s\n", "stream", "acked", "stored", "lost", "unkeyed")
	for _, s := range streams {
		acked := len(tot.acked[s])
		l := max(acked-int(stored[s]), 0)
		lost += l
		fmt.Fprintf(w, "%-10s %10d %10d %10d %8d\n", s, acked, stored[s], l, tot.unknown[s])
	}
	fmt.Fprintf(w, "(acked: distinct records of accepted lines; stored: distinct records with this run's id prefix %q after the server stopped)\n", prefix)
	return lost
}

// reportMemory prints the memory at the end of the warm-up, at the end and its peak, and the
// growth after the warm-up as a least-squares slope.
func reportMemory(w io.Writer, mem []memPoint, warmup time.Duration) {
	var after []memPoint
	for _, m := range mem {
		if m.at >= warmup {
			after = append(after, m)
		}
	}
	if len(after) < 2 {
		fmt.Fprintf(w, "\nmemory: fewer than two samples after the %s warm-up\n", warmup)
		return
	}
	src := "/metrics"
	if after[0].rssFromPro {
		src = "/proc"
	}
	line := func(name string, get func(memPoint) float64) {
		first, end, peak := get(after[0]), get(after[len(after)-1]), 0.0
		var xs, ys []float64
		for _, m := range after {
			v := get(m)
			if math.IsNaN(v) {
				continue
			}
			peak = max(peak, v)
			xs, ys = append(xs, m.at.Minutes()), append(ys, v/(1<<20))
		}
		if len(xs) < 2 {
			fmt.Fprintf(w, "%-8s unknown\n", name)
			return
		}
		fmt.Fprintf(w, "%-8s %9.0f MB at %s, %9.0f MB at the end (%+.0f MB, %+.1f%%), peak %.0f MB; slope %+.2f MB/min\n",
			name, first/(1<<20), after[0].at.Round(time.Second), end/(1<<20), (end-first)/(1<<20), 100*(end-first)/first, peak/(1<<20), slope(xs, ys))
	}
	fmt.Fprintf(w, "\nmemory after the %s warm-up (%d samples):\n", warmup, len(after))
	line("RSS "+src, func(m memPoint) float64 { return m.rss })
	line("Go heap", func(m memPoint) float64 { return m.heap })
}

func slope(xs, ys []float64) float64 {
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= float64(len(xs))
	my /= float64(len(ys))
	var num, den float64
	for i := range xs {
		num += (xs[i] - mx) * (ys[i] - my)
		den += (xs[i] - mx) * (xs[i] - mx)
	}
	if den == 0 {
		return 0
	}
	return num / den
}

// scrape reads the unlabelled samples of /metrics (loopback clients need no token).
func scrape(base string) map[string]float64 {
	out := map[string]float64{}
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get(base + "/metrics")
	if err != nil {
		return out
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return out
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || strings.Contains(line, "{") {
			continue
		}
		if name, v, ok := strings.Cut(line, " "); ok {
			if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
				out[name] = f
			}
		}
	}
	return out
}

// loadAvg is the 1-, 5- and 15-minute load average of the machine.
func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
