package store_test

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ClickHouse/ch-go/proto"

	"github.com/govpulse/govpulse/store"
)

// nativeStub answers the ClickHouse native protocol's handshake and pings, nothing more: enough
// for store.OpenServer and Server.Ping, so the test can watch the driver's pool lose its server
// and find it again. It is not a ClickHouse server (queries get an exception), which is why the
// server-mode fault test stops at Ping.
type nativeStub struct {
	ln net.Listener
	wg sync.WaitGroup
}

// stubRevision is below the revisions that add the quota-key addendum and query parameters, so
// the handshake is only ClientHello -> ServerHello.
const stubRevision = 54453

func startNativeStub(tb testing.TB) *nativeStub {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	s := &nativeStub{ln: ln}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.wg.Add(1)
			go func() { defer s.wg.Done(); s.serve(c) }()
		}
	}()
	tb.Cleanup(func() { ln.Close(); s.wg.Wait() })
	return s
}

func (s *nativeStub) serve(c net.Conn) {
	defer c.Close()
	r := proto.NewReader(bufio.NewReader(c))
	write := func(b *proto.Buffer) bool { _, err := c.Write(b.Buf); return err == nil }
	for {
		code, err := r.UVarInt()
		if err != nil {
			return
		}
		var b proto.Buffer
		switch proto.ClientCode(code) {
		case proto.ClientCodeHello:
			var hello proto.ClientHello
			if err := hello.Decode(r); err != nil {
				return
			}
			sh := proto.ServerHello{Name: "nativeStub", Major: 24, Minor: 8, Revision: stubRevision,
				Timezone: "Asia/Ho_Chi_Minh", DisplayName: "stub", Patch: 1}
			sh.EncodeAware(&b, stubRevision)
		case proto.ClientCodePing:
			proto.ServerCodePong.Encode(&b)
		default:
			ex := proto.Exception{Code: 48, Name: "DB::Exception", Message: "nativeStub answers pings only"}
			proto.ServerCodeException.Encode(&b)
			ex.EncodeAware(&b, stubRevision)
			write(&b)
			return
		}
		if !write(&b) {
			return
		}
	}
}

// tcpProxy forwards a fixed loopback port to a target; the test takes it down (listener closed,
// every open connection cut, new connections refused) and brings it back on the same port.
type tcpProxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]bool
	stall  bool // accept connections but pass nothing on, as a server that hangs
}

func startProxy(tb testing.TB, target string) *tcpProxy {
	tb.Helper()
	p := &tcpProxy{target: target, conns: map[net.Conn]bool{}}
	if err := p.up(); err != nil {
		tb.Fatal(err)
	}
	p.addr = p.ln.Addr().String()
	tb.Cleanup(p.down)
	return p
}

func (p *tcpProxy) up() error {
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.ln = ln
	p.mu.Unlock()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			stall := p.stall
			p.conns[c] = true
			p.mu.Unlock()
			if stall {
				continue // held open and silent until down()
			}
			up, err := net.Dial("tcp", p.target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns[c], p.conns[up] = true, true
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	return nil
}

func (p *tcpProxy) setStall(on bool) {
	p.mu.Lock()
	p.stall = on
	p.mu.Unlock()
}

// down stops listening and cuts every connection, as a server that went away.
func (p *tcpProxy) down() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

// TestServerGoesAwayAndComesBack puts a TCP proxy between store.Server and a native-protocol
// stub: with the proxy down every call fails within its context with an error naming the
// unreachable server; with it back, the same *store.Server answers again (clickhouse-go drops the
// dead pooled connections and dials new ones), without reopening.
func TestServerGoesAwayAndComesBack(t *testing.T) {
	stub := startNativeStub(t)
	proxy := startProxy(t, stub.ln.Addr().String())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	db, err := store.OpenServer(ctx, store.ServerOptions{URL: "clickhouse://default@" + proxy.addr + "/govpulse",
		DialTimeout: time.Second})
	if err != nil {
		t.Fatalf("open through proxy: %v", err)
	}
	defer db.Close()
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("ping with the server up: %v", err)
	}

	proxy.down()
	for i := range 3 {
		pctx, pcancel := context.WithTimeout(context.Background(), 3*time.Second)
		err := db.Ping(pctx)
		late := pctx.Err() // set only if Ping outlived its context
		pcancel()
		if err == nil {
			t.Fatalf("ping %d with the server gone: no error", i)
		}
		if late != nil {
			t.Errorf("ping %d did not return within its context: %v", i, err)
		}
		if !errors.Is(err, store.ErrUnreachable) {
			t.Errorf("ping %d: error %q is not store.ErrUnreachable", i, err)
		}
		if !strings.Contains(err.Error(), proxy.addr) {
			t.Errorf("ping %d: error %q does not name the server %s", i, err, proxy.addr)
		}
		t.Logf("server gone, ping %d: %v", i, err)
	}

	// A server that accepts connections and never answers: the call still ends with its
	// context.
	proxy.setStall(true)
	if err := proxy.up(); err != nil {
		t.Fatalf("bring the proxy back: %v", err)
	}
	pctx, pcancel := context.WithTimeout(context.Background(), 2*time.Second)
	err = db.Ping(pctx)
	pcancel()
	if !errors.Is(err, store.ErrUnreachable) && !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("ping to a silent server: %v, want ErrUnreachable or a deadline", err)
	}
	t.Logf("silent server: %v", err)
	proxy.down()
	proxy.setStall(false)

	if err := proxy.up(); err != nil {
		t.Fatalf("bring the proxy back: %v", err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("first ping after the server came back: %v", err)
	}
	// Once more after a cut of live pooled connections (the server restarts between two calls).
	proxy.down()
	if err := proxy.up(); err != nil {
		t.Fatalf("bring the proxy back: %v", err)
	}
	if err := db.Ping(ctx); err != nil {
		t.Fatalf("first ping after a restart under a pooled connection: %v", err)
	}
}
