package dashboard

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
)

// TestAuditTrail: viewing a unit or ward page and asking the assistant are audited (the
// question masked); admins export a time range as CSV, streamed page by page, with formula
// cells neutralised; other roles may not.
func TestAuditTrail(t *testing.T) {
	e := newAuthEnv(t, Options{Assistant: &stubAssistant{}})
	ctx := context.Background()
	leader := e.loggedIn("lead", e.addUser("lead", RoleLeader, "", ""))
	admin := e.loggedIn("root", e.addUser("root", RoleAdmin, "", ""))
	leader.get("/units/H29.01")
	leader.get("/wards/26734")
	leader.get("/units/" + url.PathEscape(`=HYPERLINK("evil.example?x","x")`))
	ask := asker(leader)
	if r := ask("Số hồ sơ tháng 10? Tôi là Nguyễn Văn Bình, gọi 0903 123 456"); r.StatusCode != http.StatusOK {
		t.Fatalf("ask: %d %s", r.StatusCode, r.body)
	}
	actions := strings.Join(e.auditActions(), " ")
	for _, want := range []string{"view_unit:H29.01", "view_ward:26734", `view_unit:=HYPERLINK("evil.example?x","x")`, "ask:/api/v1/ask"} {
		if !strings.Contains(actions, want) {
			t.Errorf("audit log lacks %s: %s", want, actions)
		}
	}

	// Entries of 2025-01-01 spanning more than one page of store.Audit.Range, 6,000 of them in
	// one millisecond (the resume point falls inside it), and entries either side of the day.
	const day = 12345
	if err := e.db.Exec(ctx, `INSERT INTO audit_log (at, actor, role, action, object, detail, ip)
		SELECT toDateTime64('2025-01-01 00:00:00', 3, 'Asia/Ho_Chi_Minh') + toIntervalMillisecond(if(number < 6000, 0, number)),
		       'bulk', 'admin', 'login', 'n' || toString(number), '', '127.0.0.1' FROM numbers(12345)
		UNION ALL SELECT toDateTime64('2024-12-31 23:59:59.999', 3, 'Asia/Ho_Chi_Minh'), 'bulk', 'admin', 'login', 'before', '', ''
		UNION ALL SELECT toDateTime64('2025-01-02 00:00:00', 3, 'Asia/Ho_Chi_Minh'), 'bulk', 'admin', 'login', 'after', '', ''`, nil); err != nil {
		t.Fatal(err)
	}
	r := admin.get("/admin/audit.csv?from=2025-01-01&to=2025-01-01")
	if r.StatusCode != http.StatusOK || !strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: %d %q %.300s", r.StatusCode, r.Header.Get("Content-Disposition"), r.body)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, rec := range recs[1:] {
		if seen[rec[4]] {
			t.Errorf("entry %s exported twice", rec[4])
		}
		seen[rec[4]] = true
	}
	if len(recs)-1 != day || len(seen) != day || seen["before"] || seen["after"] {
		t.Errorf("exported %d entries (%d distinct) of 2025-01-01, want %d and none of the days around it", len(recs)-1, len(seen), day)
	}

	// Today's export: the views and the question, masked; the formula code neutralised.
	today := e.clock().In(models.Location).Format(time.DateOnly)
	r = admin.get("/admin/audit.csv?from=" + today + "&to=" + today)
	if r.StatusCode != http.StatusOK {
		t.Fatalf("export today: %d", r.StatusCode)
	}
	for _, want := range []string{"view_ward,26734", `'=HYPERLINK(""evil.example?x"",""x"")"`, "ask,/api/v1/ask"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("today's export lacks %s:\n%s", want, r.body)
		}
	}
	for _, pii := range []string{"0903", "Nguyễn Văn Bình"} {
		if strings.Contains(r.body, pii) {
			t.Errorf("the audit export carries personal data %q", pii)
		}
	}
	if !strings.Contains(strings.Join(e.auditActions(), " "), "export:audit_log") {
		t.Error("the export of the audit log is not audited")
	}

	// Only admins; bad ranges are refused with a reason.
	if r := leader.get("/admin/audit.csv"); r.StatusCode != http.StatusForbidden {
		t.Errorf("leader export: %d", r.StatusCode)
	}
	for _, q := range []string{"from=01/01/2025", "from=2025-02-01&to=2025-01-01", "to=x'%20OR%201=1"} {
		if r := admin.get("/admin/audit.csv?" + q); r.StatusCode != http.StatusBadRequest || !strings.Contains(r.body, "YYYY-MM-DD") && !strings.Contains(r.body, "from") {
			t.Errorf("export ?%s: %d %.200s; want 400 with a reason", q, r.StatusCode, r.body)
		}
	}
	// The admin page offers the export and no way to change the trail.
	page := admin.get("/admin").body
	audit := between(page, `<section id="audit">`, `</section>`)
	if !strings.Contains(audit, `action="/admin/audit.csv"`) || strings.Contains(strings.ToLower(audit), `method="post"`) {
		t.Errorf("audit section of /admin: %s", audit)
	}
}

// asker returns a function posting a question as b.
func asker(b *browser) func(q string) reply {
	return func(q string) reply {
		body, _ := json.Marshal(map[string]string{"question": q, "lang": "vi"})
		req, _ := http.NewRequest(http.MethodPost, b.e.srv.URL+"/api/v1/ask", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-CSRF-Token", b.cookie(csrfCookie).Value)
		return b.do(req)
	}
}

// auditWrite finds a statement that would change or remove audit rows.
var auditWrite = regexp.MustCompile(`(?is)\b(ALTER\s+TABLE|DELETE\s+FROM|UPDATE|TRUNCATE(\s+TABLE)?|DROP\s+TABLE(\s+IF\s+EXISTS)?|OPTIMIZE\s+TABLE|RENAME\s+TABLE|EXCHANGE\s+TABLES|DETACH\s+TABLE)\s+(IF\s+EXISTS\s+)?[\x60"]?([a-z_]+\.)?\{?\{?[^\n]{0,20}audit_log`)

// TestAuditLogIsAppendOnly: no code or SQL of govpulse updates, deletes, truncates, drops or
// alters audit_log; the table has no TTL; the only routes that touch it are a read (the admin
// page) and the export (GET).
func TestAuditLogIsAppendOnly(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	files := 0
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules" || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || strings.HasSuffix(path, "_test.go") || !(strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".sql") || strings.HasSuffix(path, ".tmpl")) {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		if m := auditWrite.Find(b); m != nil {
			t.Errorf("%s changes the audit log: %q", strings.TrimPrefix(path, root+"/"), m)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 50 {
		t.Fatalf("scanned %d files; the walk missed the source", files)
	}
	// The check finds what it looks for.
	for _, bad := range []string{"ALTER TABLE audit_log DELETE WHERE 1", "DELETE FROM audit_log WHERE actor = 'x'", "TRUNCATE TABLE {{local \"audit_log\"}}",
		"ALTER TABLE {{local \"audit_log\"}} {{onCluster}} MODIFY TTL at + INTERVAL 1 YEAR", "DROP TABLE IF EXISTS audit_log"} {
		if !auditWrite.MatchString(bad) {
			t.Errorf("the scan misses %q", bad)
		}
	}

	e := newAuthEnv(t, Options{})
	var info []struct {
		Engine string `ch:"engine"`
		Create string `ch:"create_table_query"`
	}
	if err := e.db.Query(context.Background(), &info, "SELECT engine, create_table_query FROM system.tables WHERE database = {db:String} AND name = 'audit_log'",
		map[string]any{"db": e.db.Info().Database}); err != nil || len(info) != 1 {
		t.Fatalf("audit_log: %v %v", info, err)
	}
	if !strings.HasSuffix(info[0].Engine, "MergeTree") || strings.Contains(info[0].Engine, "Replacing") || strings.Contains(info[0].Engine, "Collapsing") ||
		strings.Contains(info[0].Create, " TTL ") {
		t.Errorf("audit_log is %s: %s; want a plain MergeTree without TTL", info[0].Engine, info[0].Create)
	}
	for _, rt := range e.r.Routes() {
		if strings.Contains(rt.Path, "audit") && rt.Method != http.MethodGet {
			t.Errorf("route %s %s changes the audit log", rt.Method, rt.Path)
		}
	}
}
