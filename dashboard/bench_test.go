package dashboard

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
)

// BenchmarkOverviewConcurrent loads the overview page (all its server-side panels) from 50
// concurrent clients over loopback HTTP, on a database seeded with 90 days at scale 0.05 (about
// 15k dossiers), and reports requests per second and the 99th-percentile latency. Login is left
// out (the page handlers are mounted without it). Run with
// go test ./dashboard/ -run '^$' -bench OverviewConcurrent -benchtime 400x
func BenchmarkOverviewConcurrent(b *testing.B) {
	db, _ := seededDB(b, 90, 0.05, time.Now())
	p := newPages(db, nil, nil)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	p.register(&r.RouterGroup, func(...string) gin.HandlerFunc { return func(c *gin.Context) { c.Next() } })
	srv := httptest.NewServer(r)
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	get := func() (time.Duration, error) {
		start := time.Now()
		resp, err := client.Get(srv.URL + "/")
		if err != nil {
			return 0, err
		}
		_, err = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
		return time.Since(start), err
	}
	if _, err := get(); err != nil { // warm the engine's caches and the dimensions
		b.Fatal(err)
	}
	var mu sync.Mutex
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.SetParallelism(25) // 25 × GOMAXPROCS(2) = 50 clients
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			d, err := get()
			if err != nil {
				b.Error(err)
				return
			}
			mu.Lock()
			lat = append(lat, d)
			mu.Unlock()
		}
	})
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	if len(lat) > 0 {
		b.ReportMetric(float64(len(lat))/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(lat[len(lat)*99/100].Milliseconds()), "p99_ms")
		b.ReportMetric(float64(lat[len(lat)/2].Milliseconds()), "p50_ms")
	}
}
