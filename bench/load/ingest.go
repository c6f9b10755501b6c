package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"
)

var streams = []string{"dossiers", "petitions", "posts"}

// feed is the simulator's NDJSON of one stream, sent over and over: each pass rewrites every id
// with a prefix of the run and the pass, so every line sent is a record the store has never seen
// (the demo's own history and live stream use the simulator's plain ids).
type feed struct {
	stream string
	lines  []map[string]json.RawMessage
	next   int
	pass   int
}

func readFeed(dir, stream string) (*feed, error) {
	f, err := os.Open(filepath.Join(dir, stream+".ndjson"))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fd := &feed{stream: stream}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
		if _, ok := m["id"]; ok {
			fd.lines = append(fd.lines, m)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(fd.lines) == 0 {
		return nil, fmt.Errorf("%s has no records", f.Name())
	}
	return fd, nil
}

// batch is the next n lines as an NDJSON body, with the key of each line (id, or platform/id for
// posts) in order.
func (fd *feed) batch(prefix string, n int) ([]byte, []string) {
	var buf bytes.Buffer
	keys := make([]string, 0, n)
	for range n {
		if fd.next == len(fd.lines) {
			fd.next, fd.pass = 0, fd.pass+1
		}
		m := fd.lines[fd.next]
		fd.next++
		var id string
		_ = json.Unmarshal(m["id"], &id)
		id = fmt.Sprintf("%sp%d-%s", prefix, fd.pass, id)
		line := make(map[string]json.RawMessage, len(m))
		for k, v := range m {
			line[k] = v
		}
		line["id"], _ = json.Marshal(id)
		b, _ := json.Marshal(line)
		buf.Write(b)
		buf.WriteByte('\n')
		key := id
		if fd.stream == "posts" {
			var platform string
			_ = json.Unmarshal(m["platform"], &platform)
			key = platform + "/" + id
		}
		keys = append(keys, key)
	}
	return buf.Bytes(), keys
}

// ingestTotals are what the ingest stream sent and what the server acknowledged.
type ingestTotals struct {
	mu        sync.Mutex
	sent      map[string]int
	accepted  map[string]int
	rejected  map[string]int
	acked     map[string]map[string]bool // stream → keys of accepted lines
	unknown   map[string]int             // accepted lines whose key is unknown (reply errors truncated)
	failed    int                        // requests without a 200 (nothing stored)
	rejection string                     // one example rejection
}

func newIngestTotals() *ingestTotals {
	t := &ingestTotals{sent: map[string]int{}, accepted: map[string]int{}, rejected: map[string]int{},
		acked: map[string]map[string]bool{}, unknown: map[string]int{}}
	for _, s := range streams {
		t.acked[s] = map[string]bool{}
	}
	return t
}

type ingestReply struct {
	Accepted int `json:"accepted"`
	Rejected int `json:"rejected"`
	Errors   []struct {
		Line    int    `json:"line"`
		Field   string `json:"field"`
		Message string `json:"message"`
	} `json:"errors"`
	ErrorsTruncated bool `json:"errors_truncated"`
}

// ingest sends rate records a second, split across the streams as the simulator mixes them, in
// one POST per stream every second (at most 16 requests in flight), until deadline. Each POST is
// a sample of the "ingest" route class.
func ingest(base string, tokens map[string]string, feeds map[string]*feed, prefix string, rate int,
	deadline time.Time, rec func(sample), tot *ingestTotals) {
	total := 0
	for _, s := range streams {
		total += len(feeds[s].lines)
	}
	client := &http.Client{Timeout: 2 * time.Minute}
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	owed := map[string]float64{}
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for now := time.Now(); now.Before(deadline); now = <-tick.C {
		for _, s := range streams {
			owed[s] += float64(rate) * float64(len(feeds[s].lines)) / float64(total)
			n := int(owed[s])
			if n == 0 {
				continue
			}
			owed[s] -= float64(n)
			body, keys := feeds[s].batch(prefix, n)
			sem <- struct{}{}
			wg.Add(1)
			go func() {
				defer func() { <-sem; wg.Done() }()
				post(client, base, s, tokens[s], body, keys, rec, tot)
			}()
		}
	}
	wg.Wait()
}

func post(client *http.Client, base, stream, token string, body []byte, keys []string, rec func(sample), tot *ingestTotals) {
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/ingest/"+stream, bytes.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/x-ndjson")
	t0 := time.Now()
	resp, err := client.Do(req)
	s := sample{page: "POST /api/v1/ingest/" + stream, class: classIngest, at: t0, err: err != nil, n: len(keys)}
	var reply ingestReply
	if err == nil {
		err = json.NewDecoder(resp.Body).Decode(&reply)
		resp.Body.Close()
		s.err = resp.StatusCode != http.StatusOK || err != nil
	}
	s.d = time.Since(t0)
	rec(s)
	tot.mu.Lock()
	defer tot.mu.Unlock()
	tot.sent[stream] += len(keys)
	if s.err {
		tot.failed++
		return
	}
	tot.accepted[stream] += reply.Accepted
	tot.rejected[stream] += reply.Rejected
	if len(reply.Errors) > 0 && tot.rejection == "" {
		e := reply.Errors[0]
		tot.rejection = fmt.Sprintf("%s line %d: %s: %s", stream, e.Line, e.Field, e.Message)
	}
	if reply.ErrorsTruncated {
		tot.unknown[stream] += reply.Accepted
		return
	}
	bad := map[int]bool{}
	for _, e := range reply.Errors {
		bad[e.Line] = true
	}
	for i, k := range keys {
		if !bad[i+1] {
			tot.acked[stream][k] = true
		}
	}
}
