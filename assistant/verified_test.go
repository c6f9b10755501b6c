package assistant

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
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
