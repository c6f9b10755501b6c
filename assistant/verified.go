package assistant

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/prompts"
	sqlfiles "github.com/govpulse/govpulse/sql"
	"github.com/govpulse/govpulse/store"
)

// Verified examples: an analyst marks an answer correct and saves it (saved_questions, verified);
// the most similar verified questions are shown to the model as few-shot examples.

// VerifiedInput is an answer an analyst marks correct.
type VerifiedInput struct {
	Question string `json:"question"`
	Lang     string `json:"lang"`
	Spec     *Spec  `json:"spec,omitempty"`
	// SQL is kept only for answers without a spec (free SQL that passed the guard); with a
	// spec, the SQL is compiled again from it.
	SQL string `json:"sql,omitempty"`
}

// SaveVerified stores in as a verified example by user. A spec must pass the layer; free SQL
// must pass the guard's static checks. The question is masked before it is stored.
func (a *Assistant) SaveVerified(ctx context.Context, in VerifiedInput, user string) (models.SavedQuestion, error) {
	lang, err := normLang(in.Lang)
	if err != nil {
		return models.SavedQuestion{}, err
	}
	q := strings.TrimSpace(MaskText(in.Question))
	if q == "" || len(q) > maxQuestionBytes {
		return models.SavedQuestion{}, &models.FieldError{Field: "question", Message: "question empty or too long / câu hỏi trống hoặc quá dài"}
	}
	rec := models.SavedQuestion{Question: q, Lang: lang, CreatedBy: user, Verified: true}
	switch {
	case in.Spec != nil:
		sql, _, err := a.Layer().Compile(*in.Spec)
		if err != nil {
			return models.SavedQuestion{}, err
		}
		b, _ := json.Marshal(in.Spec)
		rec.SpecJSON, rec.SQL = string(b), sql
	case in.SQL != "":
		stmt, err := CheckSQL(in.SQL)
		if err != nil {
			return models.SavedQuestion{}, &models.FieldError{Field: "sql", Message: err.Error()}
		}
		rec.SQL = stmt
	default:
		return models.SavedQuestion{}, &models.FieldError{Field: "spec", Message: "a spec or SQL is required / cần spec hoặc SQL"}
	}
	var id [8]byte
	if _, err := rand.Read(id[:]); err != nil {
		return models.SavedQuestion{}, err
	}
	now := a.Now()
	rec.ID, rec.CreatedAt, rec.Version = "q_"+hex.EncodeToString(id[:]), now.Truncate(time.Second), uint64(time.Now().UnixMilli())
	if err := a.db.Insert(ctx, "saved_questions", []models.SavedQuestion{rec}); err != nil {
		return models.SavedQuestion{}, fmt.Errorf("assistant: save verified question: %w", err)
	}
	verifiedCache.forget(a.db)
	return rec, nil
}

// VerifiedQuestions returns the verified examples, newest first (at most 500).
func VerifiedQuestions(ctx context.Context, db store.DB) ([]models.SavedQuestion, error) {
	q, err := sqlfiles.Query("verified_questions")
	if err != nil {
		return nil, err
	}
	var out []models.SavedQuestion
	if err := db.Query(ctx, &out, q, store.Params{"limit": 500}); err != nil {
		return nil, fmt.Errorf("assistant: verified questions: %w", err)
	}
	return out, nil
}

// verifiedCache keeps the verified examples of each database for a minute: they change when an
// analyst saves one (which forgets the cache), not per question.
var verifiedCache = &exampleCache{byDB: map[store.DB]cachedExamples{}}

type exampleCache struct {
	mu   sync.Mutex
	byDB map[store.DB]cachedExamples
}

type cachedExamples struct {
	at   time.Time
	list []models.SavedQuestion
}

func (c *exampleCache) get(ctx context.Context, db store.DB) ([]models.SavedQuestion, error) {
	c.mu.Lock()
	e, ok := c.byDB[db]
	c.mu.Unlock()
	if ok && time.Since(e.at) < time.Minute {
		return e.list, nil
	}
	list, err := VerifiedQuestions(ctx, db)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.byDB[db] = cachedExamples{at: time.Now(), list: list}
	c.mu.Unlock()
	return list, nil
}

func (c *exampleCache) forget(db store.DB) {
	c.mu.Lock()
	delete(c.byDB, db)
	c.mu.Unlock()
}

// maxExamples bounds the few-shot examples of one prompt.
const maxExamples = 3

// SimilarVerified picks up to n verified questions with a spec that resemble question: word
// overlap (Jaccard, accents folded) of at least 0.2, best first, same language first on ties.
func SimilarVerified(list []models.SavedQuestion, question, lang string, n int) []models.SavedQuestion {
	qw := wordSet(question)
	type scored struct {
		q     models.SavedQuestion
		score float64
	}
	var cands []scored
	for _, s := range list {
		if s.SpecJSON == "" {
			continue
		}
		j := jaccard(qw, wordSet(s.Question))
		if s.Lang == lang {
			j += 0.01
		}
		if j >= 0.2 {
			cands = append(cands, scored{s, j})
		}
	}
	sort.SliceStable(cands, func(i, j int) bool { return cands[i].score > cands[j].score })
	var out []models.SavedQuestion
	for i := 0; i < len(cands) && i < n; i++ {
		out = append(out, cands[i].q)
	}
	return out
}

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range tokens(fold(s)) {
		m[w] = true
	}
	return m
}

func jaccard(a, b map[string]bool) float64 {
	if len(a) == 0 || len(b) == 0 {
		return 0
	}
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(a)+len(b)-inter)
}

// examples are the few-shot examples for a (masked) question from db; none when there is no DB or the
// look-up fails (examples help, they are not required).
func (l *LLM) examples(ctx context.Context, db store.DB, question, lang string) []prompts.Example {
	if db == nil {
		return nil
	}
	list, err := verifiedCache.get(ctx, db)
	if err != nil {
		if !errors.Is(err, context.Canceled) {
			l.log.Warn("verified examples unavailable", "error", err)
		}
		return nil
	}
	var out []prompts.Example
	for _, s := range SimilarVerified(list, question, lang, maxExamples) {
		out = append(out, prompts.Example{Question: l.opts.Mask(s.Question), SpecJSON: s.SpecJSON})
	}
	return out
}
