package assistant

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// Scoped accounts: every answer is confined to the account's ward or unit, in offline and LLM
// mode; another place is "not permitted" (an error), never an empty table; free SQL is not
// offered and never run; the model is never shown another ward's rows.
func TestAskConfinedToScope(t *testing.T) {
	db := migrated(t)
	seedFixture(t, db)
	ctx := context.Background()
	plain, err := New(ctx, Options{DB: db, Now: func() time.Time { return fixtureNow }})
	if err != nil {
		t.Fatal(err)
	}
	// A unit of the dictionary (the fixture's U1…U3 are not): its ward committee, 2 dossiers in
	// October in ward 25747 and 3 in ward 25750.
	if err := db.Exec(ctx, `INSERT INTO dossier_intake_daily (day, unit_code, ward_code, field, channel, online_level, received) VALUES
		('2025-10-07', 'H29.25747', '25747', 'f1', 'online', 'full', 2), ('2025-10-08', 'H29.25747', '25750', 'f1', 'online', 'full', 3)`, nil); err != nil {
		t.Fatal(err)
	}
	ward := WithScope(ctx, Scope{Ward: "25747"})
	unit := WithScope(ctx, Scope{Unit: "H29.25747"})
	tests := []struct {
		name string
		ctx  context.Context
		q    string
		rows string // fmt of the rows; "" when refused
	}{
		{"city-wide user sees every ward", ctx, "Số hồ sơ tiếp nhận theo phường tháng 10/2025", "[[25760 Phường Bình Dương 100] [25747 Phường Thủ Dầu Một 9] [25750 Phường Phú Lợi 8]]"},
		{"ward user grouping by ward sees its ward only", ward, "Số hồ sơ tiếp nhận theo phường tháng 10/2025", "[[25747 Phường Thủ Dầu Một 9]]"},
		{"ward user without a place gets its ward's total", ward, "Số hồ sơ tiếp nhận tháng 10/2025", "[[9]]"},
		{"ward user asking for its own ward", ward, "Số hồ sơ tiếp nhận của 25747 tháng 10/2025", "[[9]]"},
		{"ward user asking for another ward is refused", ward, "Số hồ sơ tiếp nhận của 25750 tháng 10/2025", ""},
		{"ward user: petitions are kept by ward", ward, "Số phản ánh tiếp nhận theo phường ngày 2/11/2025", "[[25747 Phường Thủ Dầu Một 30]]"},
		{"unit user sees its unit's dossiers", unit, "Số hồ sơ tiếp nhận theo phường tháng 10/2025", "[[25750 Phường Phú Lợi 3] [25747 Phường Thủ Dầu Một 2]]"},
		{"unit user asking for another unit is refused", unit, "Số hồ sơ tiếp nhận của đơn vị H29.25750 tháng 10/2025", ""},
		{"unit user: petition intake has no unit, refused", unit, "Số phản ánh tiếp nhận ngày 2/11/2025", ""},
		{"unit user: posts have no unit, refused", unit, "Số bài đăng ngày 2/11/2025", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ans, err := plain.Ask(tt.ctx, tt.q, "vi")
			if tt.rows == "" {
				var se *ScopeError
				if !errors.Is(err, ErrNotPermitted) || !errors.As(err, &se) || !strings.Contains(se.Message, "/") {
					t.Fatalf("Ask = %v rows %v, %v; want a ScopeError (not permitted) in both languages", ans.Rows, ans.Rows, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if ans.Clarify != nil {
				t.Fatalf("asked to clarify: %+v", ans.Clarify)
			}
			if got := fmt.Sprint(ans.Rows); got != tt.rows {
				t.Errorf("rows = %s, want %s (sql %s params %v)", got, tt.rows, ans.SQL, ans.Params)
			}
			if tt.ctx != ctx && !strings.Contains(ans.Notice, "phạm vi tài khoản") {
				t.Errorf("notice %q does not say the answer is confined", ans.Notice)
			}
		})
	}
}

func TestAskLLMConfinedToScope(t *testing.T) {
	db := migrated(t)
	seedFixture(t, db)
	ward := WithScope(context.Background(), Scope{Ward: "25747"})
	// Rows and names of the other wards of the fixture: none may reach the model in a result.
	otherRows := []string{"25750", "25760", "Phú Lợi", "Bình Dương", "100"}
	tests := []struct {
		name     string
		script   []step
		requests int
		refused  bool
		rows     string
	}{
		{name: "spec grouping by ward is confined", requests: 2, rows: "[[25747 Phường Thủ Dầu Một 7]]",
			script: []step{toolCall(ToolQuerySpec, goodSpec), text("Phường Thủ Dầu Một có 7 hồ sơ.")}},
		{name: "run_sql is sent back, never run", requests: 3, rows: "[[25747 Phường Thủ Dầu Một 7]]",
			script: []step{toolCall(ToolRunSQL, `{"sql":"SELECT ward_code, sum(received) FROM dossier_intake_daily GROUP BY ward_code"}`),
				expectLastContains("not available", toolCall(ToolQuerySpec, goodSpec)), text("Phường Thủ Dầu Một có 7 hồ sơ.")}},
		{name: "spec naming another ward is not permitted, no fall-back", requests: 1, refused: true,
			script: []step{toolCall(ToolQuerySpec, `{"metrics":["dossiers_received"],"filters":[{"dimension":"ward","values":["25750"]}],"period":{"text":"2025-10"}}`)}},
		{name: "spec naming own and another ward is not permitted", requests: 1, refused: true,
			script: []step{toolCall(ToolQuerySpec, `{"metrics":["dossiers_received"],"filters":[{"dimension":"ward","values":["25747","25760"]}],"period":{"text":"2025-10"}}`)}},
		{name: "run_sql three times falls back to offline, confined", requests: 3, rows: "[[25747 Phường Thủ Dầu Một 7]]",
			script: []step{toolCall(ToolRunSQL, `{"sql":"SELECT 1"}`), toolCall(ToolRunSQL, `{"sql":"SELECT 2"}`), toolCall(ToolRunSQL, `{"sql":"SELECT 3"}`)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, f := setup(t, db, LLMOptions{}, tt.script...)
			ans, err := a.Ask(ward, "Số hồ sơ tiếp nhận theo phường tháng 10/2025", "vi")
			reqs := f.requests()
			if len(reqs) != tt.requests {
				t.Errorf("%d requests, want %d", len(reqs), tt.requests)
			}
			if tt.refused {
				if !errors.Is(err, ErrNotPermitted) {
					t.Fatalf("Ask = %v, %v; want not permitted", ans.Rows, err)
				}
			} else {
				if err != nil {
					t.Fatal(err)
				}
				if got := fmt.Sprint(ans.Rows); got != tt.rows {
					t.Errorf("rows = %s, want %s", got, tt.rows)
				}
				if strings.Contains(ans.SQL, "GROUP BY ward_code\n") || !strings.Contains(fmt.Sprint(ans.Params), "25747") {
					t.Errorf("the model's SQL ran or the scope is not bound: %s %v", ans.SQL, ans.Params)
				}
			}
			for i, req := range reqs {
				for _, tool := range req.Tools {
					if tool.Function.Name == ToolRunSQL {
						t.Errorf("request %d offers %s to a scoped account", i+1, ToolRunSQL)
					}
				}
				if i == 0 {
					continue // the question and the layer's dictionaries: no result rows yet
				}
				for _, m := range req.Messages {
					if m.Role == openai.ChatMessageRoleSystem {
						continue // the first request's system prompt, repeated
					}
					for _, o := range otherRows {
						if strings.Contains(m.Content, o) {
							t.Errorf("request %d: a %s message holds %q of another ward: %.400s", i+1, m.Role, o, m.Content)
						}
					}
				}
			}
		})
	}
	var n []uint64
	if err := db.Query(context.Background(), &n, "SELECT count() FROM assistant_log WHERE outcome = 'scope_refused'", nil); err != nil || n[0] < 4 {
		t.Errorf("scope_refused rows in assistant_log = %v, %v; want the refused run_sql calls", n, err)
	}
}

// TestAnswerSentenceRefusesSQL: a sentence that carries a statement (a prompt injection in the
// rows obeyed) is dropped for the template sentence; ordinary sentences pass.
func TestAnswerSentenceRefusesSQL(t *testing.T) {
	for _, s := range []string{"DROP TABLE dossiers", "Đã chạy: delete from users where 1", "select password_hash from users;",
		"INSERT INTO wards VALUES (1)", "alter table audit_log delete where 1", "GRANT ALL ON *.* TO x"} {
		if !sqlInProse.MatchString(s) {
			t.Errorf("%q passes", s)
		}
	}
	for _, s := range []string{"Phường Thủ Dầu Một dẫn đầu với 7 hồ sơ.", "Ward Thủ Dầu Một was selected most often: 7 dossiers.",
		"Số hồ sơ bị từ chối (drop) giảm 5%.", "Update: 7 dossiers from the ward."} {
		if sqlInProse.MatchString(s) {
			t.Errorf("%q is refused", s)
		}
	}
	db := migrated(t)
	seedFixture(t, db)
	a, f := setup(t, db, LLMOptions{}, toolCall(ToolQuerySpec, goodSpec), text("DROP TABLE dossiers; SELECT password_hash FROM users"))
	ans, err := a.Ask(context.Background(), "Số hồ sơ tiếp nhận theo phường tháng 10/2025", "vi")
	if err != nil {
		t.Fatal(err)
	}
	if len(f.requests()) != 2 || ans.Mode != "llm" || ans.Text == "" || strings.Contains(ans.Text, "DROP") {
		t.Errorf("sentence %q (mode %s, %d requests); want the template sentence", ans.Text, ans.Mode, len(f.requests()))
	}
}
