package dashboard

import (
	"sync"
	"time"
)

// Login throttling: a username tried from one address may fail loginFailuresPerUser times in
// loginWindow; an address may fail loginFailuresPerIP times in the window whatever usernames it
// tries (password spraying). Past either, logins from there are refused until the oldest
// failure leaves the window. A successful login clears the username+address record.
const (
	loginWindow          = 15 * time.Minute
	loginFailuresPerUser = 5
	loginFailuresPerIP   = 30
	// loginLimiterMax bounds the memory of the limiter; past it, records outside the window
	// are dropped first.
	loginLimiterMax = 100000
)

// loginLimiter counts failed logins in memory. Safe for concurrent use.
type loginLimiter struct {
	now func() time.Time

	mu       sync.Mutex
	failures map[string][]time.Time // "u:<username>|<ip>" and "ip:<ip>" → failure times, oldest first
}

func newLoginLimiter(now func() time.Time) *loginLimiter {
	return &loginLimiter{now: now, failures: map[string][]time.Time{}}
}

func userKey(username, ip string) string { return "u:" + username + "|" + ip }
func ipKey(ip string) string             { return "ip:" + ip }

// retryAfter is zero when username may try to log in from ip now, else how long to wait.
func (l *loginLimiter) retryAfter(username, ip string) time.Duration {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	wait := time.Duration(0)
	for _, k := range []struct {
		key   string
		limit int
	}{{userKey(username, ip), loginFailuresPerUser}, {ipKey(ip), loginFailuresPerIP}} {
		times := l.prune(k.key, now)
		if len(times) >= k.limit {
			// The oldest failure that keeps the count at the limit must leave the window.
			w := times[len(times)-k.limit].Add(loginWindow).Sub(now)
			wait = max(wait, w)
		}
	}
	return wait
}

// fail records a failed login.
func (l *loginLimiter) fail(username, ip string) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.failures) >= loginLimiterMax {
		for k := range l.failures {
			l.prune(k, now)
		}
	}
	for _, k := range []string{userKey(username, ip), ipKey(ip)} {
		if _, ok := l.failures[k]; ok || len(l.failures) < loginLimiterMax {
			l.failures[k] = append(l.failures[k], now)
		}
	}
}

// succeed clears the username+address record after a correct password.
func (l *loginLimiter) succeed(username, ip string) {
	l.mu.Lock()
	delete(l.failures, userKey(username, ip))
	l.mu.Unlock()
}

// prune drops failures older than the window and returns the rest; l.mu is held.
func (l *loginLimiter) prune(key string, now time.Time) []time.Time {
	times := l.failures[key]
	i := 0
	for i < len(times) && !now.Before(times[i].Add(loginWindow)) {
		i++
	}
	times = times[i:]
	if len(times) == 0 {
		delete(l.failures, key)
		return nil
	}
	l.failures[key] = times
	return times
}
