// Command load drives a running govpulse dashboard the way a room of leaders would: N concurrent
// users, each logged in through the login form with its own session, open the dashboard's pages
// in turn for a while, and the command prints requests per second, latency percentiles per page
// and errors. It measures the dashboard issue's "50 concurrent users" figure (and the soak test's
// page load) against loopback; the server is started separately, e.g.
//
//	govpulse serve --data ./bench-data --addr 127.0.0.1:8080
//	go run ./bench/load -url http://127.0.0.1:8080 -user admin -password-file pw.txt -users 50 -duration 60s
//
// It uses one account for every user (sessions are per login, so each user still has its own).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"slices"
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
}

func main() {
	var o options
	flag.StringVar(&o.base, "url", "http://127.0.0.1:8080", "dashboard root (loopback)")
	flag.StringVar(&o.user, "user", "admin", "account to log in with")
	flag.StringVar(&o.passwordFile, "password-file", "", "file whose first line is the password (else $GOVPULSE_LOAD_PASSWORD)")
	flag.IntVar(&o.users, "users", 50, "concurrent users")
	flag.DurationVar(&o.duration, "duration", time.Minute, "how long to load")
	flag.StringVar(&o.pages, "pages", "/,/rankings,/dossiers,/petitions,/sentiment,/api/v1/kpis,/api/v1/alerts",
		"comma-separated paths each user opens in turn")
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

type sample struct {
	page string
	d    time.Duration
	err  bool
}

func run(o options, w io.Writer) error {
	pw, err := password(o)
	if err != nil {
		return err
	}
	pages := strings.Split(o.pages, ",")
	clients := make([]*http.Client, o.users)
	for i := range clients {
		// Logins are slow on purpose (argon2id); they are not part of the measurement.
		if clients[i], err = login(o.base, o.user, pw); err != nil {
			return err
		}
	}
	var (
		mu      sync.Mutex
		samples []sample
		wg      sync.WaitGroup
	)
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
				s := sample{page: page, err: err != nil}
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					s.err = resp.StatusCode != http.StatusOK
				}
				s.d = time.Since(t0)
				mu.Lock()
				samples = append(samples, s)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	fmt.Fprintf(w, "%d users, %s, %d requests, %.1f req/s\n", o.users, elapsed.Round(time.Second), len(samples), float64(len(samples))/elapsed.Seconds())
	fmt.Fprintf(w, "%-22s %7s %7s %9s %9s %9s\n", "page", "n", "errors", "p50 ms", "p99 ms", "max ms")
	report := func(name string, keep func(sample) bool) {
		var ds []time.Duration
		errs := 0
		for _, s := range samples {
			if keep(s) {
				ds = append(ds, s.d)
				if s.err {
					errs++
				}
			}
		}
		if len(ds) == 0 {
			return
		}
		slices.Sort(ds)
		q := func(p float64) float64 { return float64(ds[int(p*float64(len(ds)-1))].Microseconds()) / 1000 }
		fmt.Fprintf(w, "%-22s %7d %7d %9.1f %9.1f %9.1f\n", name, len(ds), errs, q(0.5), q(0.99), q(1))
	}
	for _, p := range pages {
		report(p, func(s sample) bool { return s.page == p })
	}
	report("all", func(sample) bool { return true })
	return nil
}
