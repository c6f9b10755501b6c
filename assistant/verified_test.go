package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	openai "github.com/sashabaranov/go-openai"

	"github.com/govpulse/govpulse/models"
)

func TestSimilarVerified(t *testing.T) {
	list := []models.SavedQuestion{
		{ID: "1", Question: "Số hồ sơ tiếp nhận theo phường tháng 9", Lang: "vi", SpecJSON: "{}"},
		{ID: "2", Question: "Tỷ lệ bài đăng tiêu cực theo nền tảng", Lang: "vi", SpecJSON: "{}"},
		{ID: "3", Question: "so ho so tiep nhan theo phuong quy 3", Lang: "vi", SpecJSON: "{}"},
		{ID: "4", Question: "Số hồ sơ tiếp nhận theo phường tháng 8", Lang: "vi"}, // no spec: not an example
	}
	got := SimilarVerified(list, "Hồ sơ tiếp nhận theo phường tháng 10?", "vi", 3)
	var ids []string
	for _, q := range got {
		ids = append(ids, q.ID)
	}
	if strings.Join(ids, ",") != "1,3" {
		t.Errorf("similar = %v, want 1,3 (accents folded; unrelated and spec-less left out)", ids)
	}
}

func TestSpecSchemaFollowsSpec(t *testing.T) {
	db := migrated(t)
	a, err := New(context.Background(), Options{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	schema := SpecSchema(a.Layer().Describe("vi"))
	props := schema["properties"].(map[string]any)
	full := Spec{Metrics: []string{"m"}, Dimensions: []string{"d"}, Filters: []Filter{{"d", []string{"v"}}}, Period: SpecPeriod{"2025", "w"},
		Compare: "previous", OrderBy: "m", Desc: true, Limit: 3}
	b, _ := json.Marshal(full)
	var keys map[string]any
	json.Unmarshal(b, &keys)
	for k := range keys {
		if _, ok := props[k]; !ok {
			t.Errorf("Spec field %q has no schema property", k)
		}
	}
	if len(props) != len(keys) {
		t.Errorf("schema has %d properties, Spec %d fields", len(props), len(keys))
	}
}

func TestVerifiedExamples(t *testing.T) {
	db := migrated(t)
	seedFixture(t, db)
	ctx := context.Background()
	a, err := New(ctx, Options{DB: db, Now: func() time.Time { return fixtureNow }})
	if err != nil {
		t.Fatal(err)
	}
	spec := Spec{Metrics: []string{"dossiers_received"}, Dimensions: []string{"ward"}, Period: SpecPeriod{Text: "2025-09"}}
	saved, err := a.SaveVerified(ctx, VerifiedInput{Question: "Hồ sơ tiếp nhận theo phường tháng 9/2025, gọi 0903 123 456", Lang: "vi", Spec: &spec}, "analyst1")
	if err != nil {
		t.Fatal(err)
	}
	if !saved.Verified || saved.SQL == "" || saved.CreatedBy != "analyst1" || strings.Contains(saved.Question, "0903") {
		t.Errorf("saved = %+v", saved)
	}
	bad := []struct {
		name string
		in   VerifiedInput
	}{
		{"unknown metric", VerifiedInput{Question: "x", Lang: "vi", Spec: &Spec{Metrics: []string{"nope"}, Period: SpecPeriod{Text: "2025"}}}},
		{"write SQL", VerifiedInput{Question: "x", Lang: "vi", SQL: "DROP TABLE dossiers"}},
		{"nothing", VerifiedInput{Question: "x", Lang: "vi"}},
		{"empty question", VerifiedInput{Question: " ", Lang: "vi", Spec: &spec}},
		{"bad lang", VerifiedInput{Question: "x", Lang: "de", Spec: &spec}},
	}
	for _, b := range bad {
		if _, err := a.SaveVerified(ctx, b.in, "analyst1"); !errors.Is(err, models.ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", b.name, err)
		}
	}
	list, err := VerifiedQuestions(ctx, db)
	if err != nil || len(list) != 1 || list[0].ID != saved.ID {
		t.Fatalf("verified = %+v, %v", list, err)
	}

	// A similar question: the example is in the system prompt the model receives.
	checkExample := func(next step) step {
		return func(w http.ResponseWriter, r *http.Request, req openai.ChatCompletionRequest) {
			sys := req.Messages[0].Content
			if !strings.Contains(sys, "Hồ sơ tiếp nhận theo phường tháng 9/2025") || !strings.Contains(sys, `"period":{"text":"2025-09"}`) {
				panic(fmt.Sprintf("the verified example is not in the system prompt:\n%s", sys))
			}
			next(w, r, req)
		}
	}
	llmA, _ := setup(t, db, LLMOptions{}, checkExample(toolCall(ToolQuerySpec, goodSpec)), text("Thủ Dầu Một có 7 hồ sơ."))
	ans, err := llmA.Ask(ctx, "Hồ sơ tiếp nhận theo phường tháng 10/2025", "vi")
	if err != nil || ans.Mode != "llm" {
		t.Errorf("Ask = %+v, %v", ans, err)
	}
}

// TestGoldenToolSchema keeps the tools the model sees under review: a change to Spec or to the
// layer's keys shows up as a diff of testdata/llm_tools.golden (go test ./assistant/ -run
// Golden -update).
func TestGoldenToolSchema(t *testing.T) {
	layer, err := DefaultLayer()
	if err != nil {
		t.Fatal(err)
	}
	l := &LLM{}
	got, err := json.MarshalIndent(l.tools(layer.Describe("vi")), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join("testdata", "llm_tools.golden")
	if *update {
		if err := os.WriteFile(path, append(got, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != string(got)+"\n" {
		t.Errorf("tool schema differs from %s (run with -update after checking the change)", path)
	}
}

func TestAskLLMOverBudgetFallsBack(t *testing.T) {
	db := migrated(t)
	ctx := context.Background()
	plain, err := New(ctx, Options{DB: db, Now: func() time.Time { return fixtureNow }})
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t, plain.Layer())
	// 1500 tokens, 1024 of them kept for the reply: the rules alone do not fit.
	llm, err := NewLLM(LLMOptions{BaseURL: f.srv.URL + "/v1", APIKey: fakeKey, Model: fakeModel, Window: 1500, DB: db})
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(ctx, Options{DB: db, Layer: plain.Layer(), Now: func() time.Time { return fixtureNow }, LLM: llm})
	if err != nil {
		t.Fatal(err)
	}
	ans, err := a.Ask(ctx, "Hồ sơ tiếp nhận tháng 10/2025", "vi")
	if err != nil || ans.Mode != "offline" || ans.Notice == "" {
		t.Errorf("Ask = %+v, %v; want an offline answer with a notice", ans, err)
	}
	if n := len(f.requests()); n != 0 {
		t.Errorf("%d requests sent over budget", n)
	}
}
