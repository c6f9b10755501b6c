package pipeline

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"strings"
	"testing"
)

// The bad-input corpus beyond the per-field rejection tables: hostile and broken lines of every
// kind mixed with valid ones. Each bad line must be refused on its own line number without a
// panic, and every valid line of the same input must be accepted.
func TestBadInputCorpus(t *testing.T) {
	p := newTestParser(t)
	valid := jsonLine(t, baseDossier(), nil)
	bad := []string{
		strings.Repeat("A", 10<<20),                   // a 10 MB line
		`{"id":"` + strings.Repeat("é", 5<<20) + `"}`, // a 10 MB line of multi-byte text
		"\x00\x01\x02\x03\xff\xfe\xfd",                // binary garbage
		"\x1f\x8b\x08\x00garbage",                     // gzip magic inside a line
		"\xef\xbb\xbf{\"id\":1}",                      // a BOM mid-stream and a wrong type
		`{`, `}`, `{{}}`, `null`, `true`, `123`, `"text"`, `[]`, `{"id":}`, `{"id":"a",}`, `{"id":"a" "b":1}`,
		`{"id":"a","id":"b"}`, `{'id':'a'}`, `{"id":"\ud800"}`, `{"id":"a\u0000b"}`, `{"id":NaN}`, `{"id":Infinity}`,
		`{"fee_vnd":1e400}`, `{"received_at":"2025-02-30T08:00:00+07:00"}`, `{"received_at":"2025-13-01T08:00:00+07:00"}`,
		`{"received_at":"2025-10-01T25:00:00+07:00"}`, `{"received_at":"2025-10-01T08:00:00+25:00"}`,
		`{"received_at":"0000-01-01T00:00:00Z"}`, `{"received_at":"9999-12-31T23:59:59Z"}`,
		`{"status":"received; DROP TABLE dossiers; --"}`, `{"channel":"online' OR '1'='1"}`,
		`{"ward_code":"<script>alert(1)</script>"}`, `{"unit_code":null,"id":"x"}`,
	}
	var in strings.Builder
	for _, b := range bad {
		in.WriteString(valid + "\n" + b + "\n")
	}
	in.WriteString(valid + "\n")
	out := parseAll(t, p, StreamDossiers, in.String(), ParseOptions{})
	if out.Sum.Accepted != len(bad)+1 || out.Sum.Rejected != len(bad) {
		t.Fatalf("accepted %d rejected %d, want %d and %d", out.Sum.Accepted, out.Sum.Rejected, len(bad)+1, len(bad))
	}
	for i, r := range out.Rejected {
		if r.Line != 2*i+2 || r.Message == "" {
			t.Errorf("bad line %d: rejection %d %q %q", i, r.Line, r.Field, r.Message)
		}
		if len(r.Raw) > MaxRawBytes {
			t.Errorf("bad line %d keeps %d raw bytes", i, len(r.Raw))
		}
	}
}

// Injection strings are data: in text fields they are accepted, stored as text and never
// interpreted (the store binds every value; the dashboard escapes on output).
func TestInjectionStringsAreData(t *testing.T) {
	p := newTestParser(t)
	payloads := []string{
		"'; DROP TABLE posts; --", "1' OR '1'='1", "\"; SELECT * FROM system.users; --", "<script>alert('x')</script>",
		"<img src=x onerror=alert(1)>", "{{.Secret}}", "${jndi:ldap://x/a}", "Robert'); DROP TABLE Students;--",
		"SELECT * FROM users WHERE 1=1 UNION SELECT password FROM users", "javascript:alert(1)",
	}
	var in strings.Builder
	for i, s := range payloads {
		post := basePost()
		post["id"] = "inj-" + string(rune('a'+i))
		post["text"] = "Phường Bến Thành " + s
		in.WriteString(jsonLine(t, post, nil) + "\n")
	}
	out := parseAll(t, p, StreamPosts, in.String(), ParseOptions{})
	if out.Sum.Accepted != len(payloads) {
		t.Fatalf("accepted %d of %d injection texts: %+v", out.Sum.Accepted, len(payloads), out.Rejected)
	}
	for i, post := range out.Posts {
		if !strings.Contains(post.Text, payloads[i]) {
			t.Errorf("post %d text changed: %q", i, post.Text)
		}
	}
}

func TestBrokenBodies(t *testing.T) {
	p := newTestParser(t)
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(jsonLine(t, baseDossier(), nil) + "\n"))
	zw.Close()
	truncated := gz.Bytes()[:gz.Len()-6]
	cases := []struct {
		name, body string
	}{
		{"truncated gzip", string(truncated)},
		{"gzip magic then garbage", "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xffgarbage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := tryParseAll(p, StreamDossiers, strings.NewReader(c.body), ParseOptions{})
			if err == nil {
				t.Fatal("a broken gzip body was accepted")
			}
			if strings.Contains(err.Error(), "panic") {
				t.Fatalf("err = %v", err)
			}
		})
	}
	// Ragged CSV: rows with too few or too many fields are refused one by one.
	csv := "id,platform,published_at,text\n" +
		"p1,facebook,2025-10-10T19:45:00+07:00,ngập quá\n" +
		"p2,facebook\n" +
		"p3,facebook,2025-10-10T19:45:00+07:00,a,b,c\n" +
		"p4,zalo,2025-10-10T19:46:00+07:00,\"quoted, with comma\"\n"
	out := parseAll(t, p, StreamPosts, csv, ParseOptions{Format: "csv"})
	if out.Sum.Accepted != 2 || out.Sum.Rejected != 2 || out.Rejected[0].Line != 3 || out.Rejected[1].Line != 4 {
		b, _ := json.Marshal(out.Rejected)
		t.Errorf("ragged CSV: %+v %s", out.Sum, b)
	}
}
