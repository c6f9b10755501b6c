package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/govpulse/govpulse/store"
)

// server is a `govpulse serve --demo` this command started on a data directory of its own, with
// an admin account and one ingest token per stream made before it started (one process per data
// directory: the CLI cannot add them while the server runs).
type server struct {
	bin, data, lib string
	ownData        bool // a temporary directory, removed at the end
	cmd            *exec.Cmd
	exited         chan error
	url            string
	password       string
	tokens         map[string]string // stream → bearer token
	simDir         string            // the simulated ingest feed
	log            *os.File
}

var tokenRe = regexp.MustCompile(`\bgpi_[A-Za-z0-9_\-]+`)

// startServer prepares the data directory (account, tokens and, unless simDir is set, two days
// of simulated NDJSON for the ingest stream into data/soak-sim) and starts the server on a free
// loopback port, waiting for it to answer (the demo seed comes first: minutes at scale 1).
func startServer(o options, w io.Writer) (*server, error) {
	s := &server{bin: o.serve, data: o.data, lib: o.lib, tokens: map[string]string{}}
	if s.data == "" {
		dir, err := os.MkdirTemp("", "govpulse-soak-")
		if err != nil {
			return nil, err
		}
		s.data, s.ownData = dir, true
	}
	if _, err := s.govpulse(nil, "migrate"); err != nil {
		return nil, err
	}
	var rnd [12]byte
	_, _ = rand.Read(rnd[:])
	s.password = hex.EncodeToString(rnd[:])
	if _, err := s.govpulse(strings.NewReader(s.password+"\n"), "user", "add", "soak", "--role", "admin", "--password-stdin"); err != nil {
		return nil, err
	}
	for _, st := range streams {
		out, err := s.govpulse(nil, "token", "add", "--stream", st, "--name", "soak-"+st)
		if err != nil {
			return nil, err
		}
		tok := tokenRe.FindString(out)
		if tok == "" {
			return nil, fmt.Errorf("govpulse token add printed no token: %q", out)
		}
		s.tokens[st] = tok
	}
	if o.ingestRate > 0 && o.simDir == "" {
		s.simDir = filepath.Join(s.data, "soak-sim")
		fmt.Fprintf(w, "simulating %d days of NDJSON into %s for the ingest stream\n", o.simDays, s.simDir)
		if _, err := s.govpulse(nil, "simulate", "--days", fmt.Sprint(o.simDays), "--out", s.simDir); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	s.url = "http://" + addr
	if s.log, err = os.Create(filepath.Join(s.data, "soak-serve.log")); err != nil {
		return nil, err
	}
	s.cmd = exec.Command(s.bin, "serve", "--demo", "--demo-scale", fmt.Sprint(o.demoScale), "--data", s.data, "--addr", addr, "--log-level", "warn")
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	s.cmd.Env = s.env()
	fmt.Fprintf(w, "starting %s serve --demo --demo-scale %g --data %s on %s (log: %s)\n", s.bin, o.demoScale, s.data, addr, s.log.Name())
	t0 := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, err
	}
	s.exited = make(chan error, 1)
	go func() { s.exited <- s.cmd.Wait() }()
	for {
		select {
		case err := <-s.exited:
			return nil, fmt.Errorf("govpulse serve exited before answering (%v); see %s", err, s.log.Name())
		case <-time.After(time.Second):
		}
		if resp, err := http.Get(s.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				fmt.Fprintf(w, "server ready after %.0f s (demo seed included)\n", time.Since(t0).Seconds())
				return s, nil
			}
		}
		if time.Since(t0) > 30*time.Minute {
			s.stop()
			return nil, errors.New("govpulse serve did not answer /readyz within 30 minutes")
		}
	}
}

func (s *server) env() []string {
	env := os.Environ()
	if s.lib != "" {
		env = append(env, "GOVPULSE_CHDB_LIB="+s.lib)
	}
	return env
}

// govpulse runs a CLI command on the server's data directory and returns its standard output.
func (s *server) govpulse(stdin io.Reader, args ...string) (string, error) {
	cmd := exec.Command(s.bin, append(args, "--data", s.data, "--log-level", "warn")...)
	cmd.Stdin, cmd.Env = stdin, s.env()
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("govpulse %s: %w: %s", args[0], err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

// rssBytes reads the server's resident set size from /proc.
func (s *server) rssBytes() (float64, bool) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			var kb float64
			if _, err := fmt.Sscanf(strings.TrimSpace(rest), "%f kB", &kb); err == nil {
				return kb * 1024, true
			}
		}
	}
	return 0, false
}

// stop asks the server to stop (SIGTERM: it drains HTTP, then flushes the ingest spool into the
// engine) and waits for it.
func (s *server) stop() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-s.exited:
		s.cmd = nil
		return err
	case <-time.After(3 * time.Minute):
		_ = s.cmd.Process.Kill()
		<-s.exited
		s.cmd = nil
		return errors.New("govpulse serve did not stop within 3 minutes of SIGTERM; killed")
	}
}

// stored counts the distinct soak records of each stream in the engine (after stop), by the id
// prefix of this run: posts by (platform, id), the others by id.
func (s *server) stored(ctx context.Context, prefix string) (map[string]uint64, error) {
	db, err := store.OpenChDB(ctx, store.ChDBOptions{Path: s.data, LibPath: s.lib})
	if err != nil {
		return nil, err
	}
	defer db.Close()
	out := map[string]uint64{}
	for _, st := range streams {
		key := "id"
		if st == "posts" {
			key = "platform, id"
		}
		var n []uint64
		if err := db.Query(ctx, &n, "SELECT uniqExact("+key+") FROM "+st+" WHERE startsWith(id, {p:String})", store.Params{"p": prefix}); err != nil {
			return nil, fmt.Errorf("count %s: %w", st, err)
		}
		out[st] = n[0]
	}
	return out, nil
}

// cleanup removes a temporary data directory.
func (s *server) cleanup() {
	if s.log != nil {
		s.log.Close()
	}
	if s.ownData {
		os.RemoveAll(s.data)
	}
}
