package dashboard

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/assistant"
	"github.com/govpulse/govpulse/models"
)

// Assistant is what the ask and briefing routes need; *assistant.Assistant implements it.
type Assistant interface {
	Ask(ctx context.Context, question, lang string) (assistant.Answer, error)
	Briefing(ctx context.Context, day time.Time, lang string, opts assistant.BriefOptions) (assistant.Briefing, error)
	SaveVerified(ctx context.Context, in assistant.VerifiedInput, user string) (models.SavedQuestion, error)
}

var _ Assistant = (*assistant.Assistant)(nil)

// askRequest is the body of POST /api/v1/ask and /api/v1/ask/stream.
type askRequest struct {
	Question string `json:"question"`
	Lang     string `json:"lang"`
}

// maxAskBodyBytes bounds an ask or verified-example body.
const maxAskBodyBytes = 64 << 10

// askTimeout bounds one question end to end (model calls, repairs, queries).
const askTimeout = 2 * time.Minute

// askProgressEvery is how often the stream reports that the answer is still being worked on.
const askProgressEvery = time.Second

// askRoutes registers the assistant's routes on g (the /api/v1 group):
//
//	POST /ask            {question, lang} → the Answer as JSON (as /ask/stream with Accept: text/event-stream)
//	POST /ask/stream     the same as server-sent events: "progress" events, then "answer" (or "error")
//	GET  /briefing       ?date=YYYY-MM-DD&lang=vi|en → {text, facts, mode, model, prompt_version, …}
//	POST /ask/verified   {question, lang, spec | sql} → the saved example (201)
//
// Every route needs a login (any role: leaders ask too; verified examples are the analysts'
// and admins'). An account scoped to a unit or ward may ask: its scope goes into the request's
// context (assistant.WithScope), the assistant forces it into every query spec, answers "not
// permitted" (403) for another place, and runs no free SQL from the model (assistant/scope.go).
// Briefings and verified examples stay city-wide: scoped accounts are refused them (403).
// Every question is written to the audit log (its text masked).
func (s *Server) askRoutes(g *gin.RouterGroup) {
	h := askHandlers{a: s.opts.Assistant, log: s.log, s: s}
	g.POST("/ask", s.authed(), h.ask)
	g.POST("/ask/stream", s.authed(), h.stream)
	g.GET("/briefing", s.authed(), cityWide, h.briefing)
	g.POST("/ask/verified", s.authed(RoleAnalyst, RoleAdmin), cityWide, h.verified)
}

// cityWide refuses users scoped to a unit or ward (403, not permitted): briefings and verified
// examples are about the whole city.
func cityWide(c *gin.Context) {
	if u := userOf(c); u != nil && (u.ScopeUnit != "" || u.ScopeWard != "") {
		c.AbortWithStatusJSON(http.StatusForbidden, gin.H{"error": "not_permitted",
			"message": "Bản tin và câu hỏi mẫu là số liệu toàn thành phố; tài khoản theo phạm vi đơn vị/phường không được xem / briefings and verified examples cover the whole city; accounts scoped to a unit or ward may not use them"})
	}
}

// askContext is the request's context with the user's name (for assistant_log) and scope.
func askContext(c *gin.Context) context.Context {
	ctx := assistant.WithActor(c.Request.Context(), username(c))
	if u := userOf(c); u != nil {
		ctx = assistant.WithScope(ctx, assistant.Scope{Unit: u.ScopeUnit, Ward: u.ScopeWard})
	}
	return ctx
}

type askHandlers struct {
	a   Assistant
	log *slog.Logger
	s   *Server
}

// username is the signed-in user's name ("" on a public route).
func username(c *gin.Context) string {
	if u := userOf(c); u != nil {
		return u.Username
	}
	return ""
}

func bindJSON(c *gin.Context, v any) error {
	dec := json.NewDecoder(io.LimitReader(c.Request.Body, maxAskBodyBytes))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &models.FieldError{Field: "body", Message: "invalid JSON body / nội dung JSON không hợp lệ: " + err.Error()}
	}
	return nil
}

// askStatus maps an assistant error to a status and a message safe to show.
func askStatus(err error) (int, string) {
	var fe *models.FieldError
	switch {
	case errors.As(err, &fe):
		return http.StatusBadRequest, fe.Error()
	case errors.Is(err, models.ErrInvalid):
		return http.StatusBadRequest, "invalid request / yêu cầu không hợp lệ"
	case errors.Is(err, assistant.ErrNotPermitted):
		return http.StatusForbidden, err.Error()
	case errors.Is(err, context.DeadlineExceeded):
		return http.StatusGatewayTimeout, "the question took too long / câu hỏi xử lý quá lâu"
	}
	return http.StatusInternalServerError, "internal error / lỗi hệ thống"
}

func (h askHandlers) fail(c *gin.Context, err error) {
	code, msg := askStatus(err)
	if code >= 500 {
		h.log.Error("assistant request failed", "path", c.FullPath(), "error", err)
	}
	if code == http.StatusForbidden {
		c.JSON(code, gin.H{"error": "not_permitted", "message": msg})
		return
	}
	c.JSON(code, gin.H{"error": msg})
}

func (h askHandlers) ask(c *gin.Context) {
	if strings.Contains(c.GetHeader("Accept"), "text/event-stream") {
		h.stream(c)
		return
	}
	var req askRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	h.s.auditAsk(c, req.Question)
	ctx, cancel := context.WithTimeout(askContext(c), askTimeout)
	defer cancel()
	ans, err := h.a.Ask(ctx, req.Question, req.Lang)
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, ans)
}

// stream answers like ask, as server-sent events: "progress" {"stage","elapsed_ms"} at once
// ("received"), at each stage of an LLM answer (assistant.Stage…), and every second while the
// answer is being made ("working"); then "answer" (the Answer) or "error" {"error","status"}.
func (h askHandlers) stream(c *gin.Context) {
	var req askRequest
	if err := bindJSON(c, &req); err != nil {
		h.fail(c, err)
		return
	}
	h.s.auditAsk(c, req.Question)
	ctx, cancel := context.WithTimeout(askContext(c), askTimeout)
	defer cancel()
	type result struct {
		ans assistant.Answer
		err error
	}
	done := make(chan result, 1)
	stages := make(chan string, 16)
	ctx = assistant.WithProgress(ctx, func(stage string) {
		select {
		case stages <- stage:
		default: // a slow client misses a stage, never the answer
		}
	})
	go func() {
		ans, err := h.a.Ask(ctx, req.Question, req.Lang)
		done <- result{ans, err}
	}()
	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-cache")
	c.Header("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	start := time.Now()
	send := func(event string, v any) {
		b, _ := json.Marshal(v)
		fmt.Fprintf(c.Writer, "event: %s\ndata: %s\n\n", event, b)
		c.Writer.Flush()
	}
	send("progress", gin.H{"stage": "received", "elapsed_ms": 0})
	tick := time.NewTicker(askProgressEvery)
	defer tick.Stop()
	for {
		select {
		case r := <-done:
			if r.err != nil {
				code, msg := askStatus(r.err)
				if code >= 500 {
					h.log.Error("assistant stream failed", "error", r.err)
				}
				if code == http.StatusForbidden {
					send("error", gin.H{"error": "not_permitted", "message": msg, "status": code})
					return
				}
				send("error", gin.H{"error": msg, "status": code})
				return
			}
			send("answer", r.ans)
			return
		case st := <-stages:
			send("progress", gin.H{"stage": st, "elapsed_ms": time.Since(start).Milliseconds()})
		case <-tick.C:
			send("progress", gin.H{"stage": "working", "elapsed_ms": time.Since(start).Milliseconds()})
		case <-c.Request.Context().Done():
			return
		}
	}
}

// briefing returns the briefing of ?date (default: yesterday in Asia/Ho_Chi_Minh) in ?lang.
func (h askHandlers) briefing(c *gin.Context) {
	lang := c.DefaultQuery("lang", "vi")
	day := time.Now().In(models.Location).AddDate(0, 0, -1)
	if s := strings.TrimSpace(c.Query("date")); s != "" {
		d, err := time.ParseInLocation(time.DateOnly, s, models.Location)
		if err != nil {
			h.fail(c, &models.FieldError{Field: "date", Message: fmt.Sprintf("date %q: use YYYY-MM-DD / ngày phải có dạng YYYY-MM-DD", s)})
			return
		}
		day = d
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), askTimeout)
	defer cancel()
	b, err := h.a.Briefing(ctx, day, lang, assistant.BriefOptions{Actor: username(c)})
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusOK, b)
}

func (h askHandlers) verified(c *gin.Context) {
	var in assistant.VerifiedInput
	if err := bindJSON(c, &in); err != nil {
		h.fail(c, err)
		return
	}
	q, err := h.a.SaveVerified(c.Request.Context(), in, username(c))
	if err != nil {
		h.fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, q)
}
