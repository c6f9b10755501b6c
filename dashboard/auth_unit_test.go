package dashboard

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
)

func TestPasswordHashing(t *testing.T) {
	h, err := HashPassword("mật khẩu đủ dài")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^\$argon2id\$v=19\$m=65536,t=3,p=2\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`).MatchString(h) {
		t.Errorf("hash %q is not the standard argon2id encoding", h)
	}
	h2, _ := HashPassword("mật khẩu đủ dài")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	cases := []struct {
		name, hash, password string
		ok                   bool
		err                  error
	}{
		{"right", h, "mật khẩu đủ dài", true, nil},
		{"wrong", h, "mật khẩu đủ dàj", false, nil},
		{"decomposed diacritics", h, norm.NFD.String("mật khẩu đủ dài"), true, nil}, // another keyboard, same password
		{"too long", h, strings.Repeat("x", 300), false, nil},
		// The reference vector of a known implementation (PHC string format, argon2id v19).
		{"reference vector", "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", "password", true, nil},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "password", false, errBadHash},
		{"argon2i", "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", "password", false, errBadHash},
		{"absurd memory", "$argon2id$v=19$m=99999999,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", "password", false, errBadHash},
		{"empty", "", "password", false, errBadHash},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ok, err := VerifyPassword(c.hash, c.password)
			if ok != c.ok || !errors.Is(err, c.err) {
				t.Errorf("VerifyPassword = %v, %v; want %v, %v", ok, err, c.ok, c.err)
			}
		})
	}
	if _, err := HashPassword("short"); err == nil {
		t.Error("a 5-character password was accepted")
	}
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		p := GeneratePassword()
		if len(p) != 20 || strings.ContainsAny(p, "0O1lI") || CheckPasswordStrength(p) != nil {
			t.Fatalf("generated %q", p)
		}
		if seen[p] {
			t.Fatalf("generated %q twice", p)
		}
		seen[p] = true
	}
}

func TestLoginLimiter(t *testing.T) {
	now := time.Date(2025, 10, 1, 8, 0, 0, 0, models.Location)
	l := newLoginLimiter(func() time.Time { return now })
	for i := range loginFailuresPerUser {
		if w := l.retryAfter("lan", "10.0.0.1"); w != 0 {
			t.Fatalf("blocked after %d failures (wait %v)", i, w)
		}
		l.fail("lan", "10.0.0.1")
		now = now.Add(time.Minute)
	}
	// Five failures at 08:00..08:04; now 08:05: blocked until the first leaves the window (08:15).
	if w := l.retryAfter("lan", "10.0.0.1"); w != 10*time.Minute {
		t.Errorf("wait after 5 failures = %v, want 10m", w)
	}
	if w := l.retryAfter("lan", "10.0.0.2"); w != 0 {
		t.Errorf("another address is blocked too: %v", w)
	}
	if w := l.retryAfter("binh", "10.0.0.1"); w != 0 {
		t.Errorf("another username from the address is blocked: %v", w)
	}
	now = now.Add(10 * time.Minute)
	if w := l.retryAfter("lan", "10.0.0.1"); w != 0 {
		t.Errorf("still blocked once the oldest failure left the window: %v", w)
	}
	// Spraying many usernames from one address.
	for i := range loginFailuresPerIP {
		l.fail("user"+string(rune('a'+i%26))+string(rune('a'+i/26)), "10.0.0.9")
	}
	if w := l.retryAfter("someone-new", "10.0.0.9"); w != loginWindow {
		t.Errorf("after %d failures from one address: wait %v, want %v", loginFailuresPerIP, w, loginWindow)
	}
	// Success clears the username+address record.
	l.fail("chi", "10.0.0.3")
	l.succeed("chi", "10.0.0.3")
	if got := len(l.failures[userKey("chi", "10.0.0.3")]); got != 0 {
		t.Errorf("failures after success = %d", got)
	}
}

func TestApplyScope(t *testing.T) {
	city := &models.User{Username: "a", Role: RoleLeader}
	ward := &models.User{Username: "w", Role: RoleLeader, ScopeWard: "26734"}
	unit := &models.User{Username: "u", Role: RoleAnalyst, ScopeUnit: "H29.01"}
	cases := []struct {
		name     string
		user     *models.User
		req, got analytics.Scope
		denied   bool
	}{
		{"city user keeps the request", city, analytics.Scope{Ward: "26740", Field: "ho_tich"}, analytics.Scope{Ward: "26740", Field: "ho_tich"}, false},
		{"ward user gets their ward", ward, analytics.Scope{Field: "ho_tich"}, analytics.Scope{Ward: "26734", Field: "ho_tich"}, false},
		{"ward user asking for it", ward, analytics.Scope{Ward: "26734"}, analytics.Scope{Ward: "26734"}, false},
		{"ward user asking for another", ward, analytics.Scope{Ward: "26740"}, analytics.Scope{}, true},
		{"unit user gets their unit", unit, analytics.Scope{}, analytics.Scope{Unit: "H29.01"}, false},
		{"unit user asking for another", unit, analytics.Scope{Unit: "H29.02"}, analytics.Scope{}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := applyScope(c.user, c.req)
			if c.denied {
				if !errors.Is(err, errNotPermitted) || !strings.Contains(err.Error(), "only") {
					t.Errorf("err = %v, want a not-permitted error saying what the account sees", err)
				}
				return
			}
			if err != nil || got != c.got {
				t.Errorf("applyScope = %+v, %v; want %+v", got, err, c.got)
			}
		})
	}
}

func TestSafeNext(t *testing.T) {
	cases := map[string]string{
		"":                          "/",
		"/rankings?period=2025-Q3":  "/rankings?period=2025-Q3",
		"/wards/26734":              "/wards/26734",
		"//evil.example/x":          "/",
		"/\\evil.example":           "/",
		"https://evil.example/":     "/",
		"javascript:alert(1)":       "/",
		"/login?next=/":             "/",
		"/%0d%0aSet-Cookie:%20x=1":  "/%0d%0aSet-Cookie:%20x=1", // stays encoded: a path, not a header
		"/ok\r\nSet-Cookie: x=1":    "/",
		"relative/path":             "/",
		"/\t/evil.example":          "/",
		"/units/H29.01?lang=en#top": "/units/H29.01?lang=en#top",
	}
	for in, want := range cases {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func BenchmarkPassword(b *testing.B) {
	h, err := HashPassword("mật khẩu đủ dài")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("verify", func(b *testing.B) {
		for b.Loop() {
			if ok, _ := VerifyPassword(h, "mật khẩu đủ dài"); !ok {
				b.Fatal("no match")
			}
		}
	})
}
