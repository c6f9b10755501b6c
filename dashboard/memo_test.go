package dashboard

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestMemo(t *testing.T) {
	var m memo
	var calls atomic.Int32
	release := make(chan struct{})
	slow := func(context.Context) (int, error) {
		calls.Add(1)
		<-release
		return 42, nil
	}
	var wg sync.WaitGroup
	got := make([]int, 20)
	for i := range got {
		wg.Go(func() {
			v, err := memoGet(t.Context(), &m, "k", time.Hour, slow)
			if err != nil {
				t.Error(err)
			}
			got[i] = v
		})
	}
	for calls.Load() == 0 {
		time.Sleep(time.Millisecond)
	}
	close(release)
	wg.Wait()
	if calls.Load() != 1 {
		t.Errorf("%d computations for 20 concurrent callers, want 1", calls.Load())
	}
	for _, v := range got {
		if v != 42 {
			t.Fatalf("a waiter got %d", v)
		}
	}
	// Other keys are apart; an expired value is computed again; errors are not kept.
	if v, _ := memoGet(t.Context(), &m, "other", time.Hour, func(context.Context) (int, error) { return 7, nil }); v != 7 {
		t.Errorf("other key: %d", v)
	}
	if v, _ := memoGet(t.Context(), &m, "k", 0, func(context.Context) (int, error) { return 43, nil }); v != 43 {
		t.Errorf("expired value not recomputed: %d", v)
	}
	boom := errors.New("engine down")
	if _, err := memoGet(t.Context(), &m, "e", time.Hour, func(context.Context) (int, error) { return 0, boom }); !errors.Is(err, boom) {
		t.Errorf("err %v", err)
	}
	if v, err := memoGet(t.Context(), &m, "e", time.Hour, func(context.Context) (int, error) { return 5, nil }); err != nil || v != 5 {
		t.Errorf("an error was kept: %d %v", v, err)
	}
	// A waiter whose request ends stops waiting; the computation goes on for the others.
	block := make(chan struct{})
	go memoGet(context.Background(), &m, "w", time.Hour, func(context.Context) (int, error) { <-block; return 1, nil })
	for {
		m.mu.Lock()
		_, started := m.m["w"]
		m.mu.Unlock()
		if started {
			break
		}
		time.Sleep(time.Millisecond)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := memoGet(ctx, &m, "w", time.Hour, func(context.Context) (int, error) { return 2, nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled waiter: %v", err)
	}
	close(block)
}

// TestMemoStaleWhileRevalidate: past its TTL (but within memoStale TTLs) a value is served at
// once while one background computation replaces it; a failed refresh keeps the old value.
func TestMemoStaleWhileRevalidate(t *testing.T) {
	var m memo
	const ttl = 20 * time.Millisecond
	var n atomic.Int32
	next := func(context.Context) (int, error) { return int(n.Add(1)), nil }
	if v, _ := memoGet(t.Context(), &m, "k", ttl, next); v != 1 {
		t.Fatalf("first value %d", v)
	}
	time.Sleep(2 * ttl)
	release := make(chan struct{})
	slow := func(ctx context.Context) (int, error) { <-release; return next(ctx) }
	for range 5 { // all served the stale value without waiting; one refresh starts
		if v, _ := memoGet(t.Context(), &m, "k", ttl, slow); v != 1 {
			t.Fatalf("stale value %d, want 1", v)
		}
	}
	close(release)
	deadline := time.Now().Add(5 * time.Second)
	for {
		v, _ := memoGet(t.Context(), &m, "k", time.Hour, next)
		if v == 2 {
			break
		}
		if v != 1 || time.Now().After(deadline) {
			t.Fatalf("value %d, want the refreshed 2 (one refresh for five stale reads)", v)
		}
		time.Sleep(time.Millisecond)
	}
	// A failing refresh keeps serving the last good value.
	time.Sleep(2 * ttl)
	boom := func(context.Context) (int, error) { return 0, errors.New("engine down") }
	if v, err := memoGet(t.Context(), &m, "k", ttl, boom); v != 2 || err != nil {
		t.Errorf("during a failing refresh: %d %v, want 2", v, err)
	}
}
