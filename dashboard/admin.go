package dashboard

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// adminListLimit is how many dead letters and audit entries the admin page shows.
const adminListLimit = 50

// rawPreview cuts a dead letter's raw line for the page (the table keeps it whole).
const rawPreview = 200

// adminView is the data of admin.html.
type adminView struct {
	Tr      Translator
	Lang    string
	CSRF    string
	User    *models.User
	Roles   []string
	Streams []string
	Users   []models.User
	Tokens  []models.IngestToken
	Dead    []models.DeadLetter
	Audit   []models.AuditEntry
	// Notice and Error report the action just taken; Secret is a generated password or token,
	// shown once with SecretLabel.
	Notice, Error       string
	SecretLabel, Secret string
	Failed              []string // parts of the page that could not be read
}

// adminPage shows accounts, ingest tokens, recent dead letters and the audit trail.
func (s *Server) adminPage(c *gin.Context) {
	s.renderAdmin(c, http.StatusOK, adminView{})
}

func (s *Server) renderAdmin(c *gin.Context, code int, v adminView) {
	ctx := c.Request.Context()
	v.Lang = langOf(c)
	v.Tr = Translator{Lang: v.Lang}
	v.CSRF = csrfToken(c)
	v.User = userOf(c)
	for _, r := range models.Roles() {
		v.Roles = append(v.Roles, string(r))
	}
	v.Streams = []string{string(models.StreamDossiers), string(models.StreamPetitions), string(models.StreamPosts)}
	var err error
	if v.Users, err = s.users.List(ctx); err != nil {
		v.Failed = append(v.Failed, v.Tr.T("admin.users"))
		s.log.Error("admin: users", "err", err)
	}
	if v.Tokens, err = (store.Tokens{DB: s.opts.DB}).List(ctx); err != nil {
		v.Failed = append(v.Failed, v.Tr.T("admin.tokens"))
		s.log.Error("admin: tokens", "err", err)
	}
	if v.Dead, err = store.DeadLetters(ctx, s.opts.DB, "", adminListLimit); err != nil {
		v.Failed = append(v.Failed, v.Tr.T("admin.dead_letters"))
		s.log.Error("admin: dead letters", "err", err)
	}
	for i := range v.Dead {
		v.Dead[i].Raw = cut(v.Dead[i].Raw, rawPreview)
	}
	if v.Audit, err = s.audit.Recent(ctx, adminListLimit); err != nil {
		v.Failed = append(v.Failed, v.Tr.T("admin.audit"))
		s.log.Error("admin: audit", "err", err)
	}
	c.Header("Cache-Control", "no-store")
	c.Header("Content-Type", "text/html; charset=utf-8")
	c.Status(code)
	if err := authTemplates.ExecuteTemplate(c.Writer, "admin.html", v); err != nil {
		s.log.Error("render admin", "err", err)
	}
}

// cut shortens s to at most n runes, marking the cut with "…".
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}

// adminAddUser creates an account from the admin form; an empty password is generated and
// shown once.
func (s *Server) adminAddUser(c *gin.Context) {
	tr := Translator{Lang: langOf(c)}
	password := c.PostForm("password")
	generated := password == ""
	if generated {
		password = GeneratePassword()
	}
	u, err := s.addUser(c, models.User{
		Username:    strings.ToLower(strings.TrimSpace(c.PostForm("username"))),
		DisplayName: strings.TrimSpace(c.PostForm("display_name")),
		Role:        c.PostForm("role"),
		ScopeUnit:   strings.TrimSpace(c.PostForm("scope_unit")),
		ScopeWard:   strings.TrimSpace(c.PostForm("scope_ward")),
	}, password)
	if err != nil {
		s.renderAdmin(c, httpStatusOfAdmin(err), adminView{Error: tr.T("admin.error", userMessage(err))})
		return
	}
	v := adminView{Notice: tr.T("admin.user_added", u.Username)}
	if generated {
		v.SecretLabel, v.Secret = tr.T("admin.password_once", u.Username), password
	}
	s.renderAdmin(c, http.StatusOK, v)
}

// addUser hashes the password, stores the account and audits it.
func (s *Server) addUser(c *gin.Context, u models.User, password string) (models.User, error) {
	hash, err := HashPassword(password)
	if err != nil {
		return models.User{}, &models.FieldError{Field: "password", Message: strings.TrimPrefix(err.Error(), "password: ")}
	}
	u.PasswordHash = hash
	u, err = s.users.Create(c.Request.Context(), u)
	if err != nil {
		return models.User{}, err
	}
	actor := userOf(c)
	scope := "city"
	if u.ScopeUnit != "" {
		scope = "unit:" + u.ScopeUnit
	} else if u.ScopeWard != "" {
		scope = "ward:" + u.ScopeWard
	}
	s.record(c.Request.Context(), models.AuditEntry{Actor: actor.Username, Role: actor.Role, Action: "user_add", Object: u.Username,
		Detail: fmt.Sprintf("role=%s scope=%s", u.Role, scope), IP: c.ClientIP()})
	return u, nil
}

// adminDisableUser disables an account and ends its sessions at once.
func (s *Server) adminDisableUser(c *gin.Context) {
	tr := Translator{Lang: langOf(c)}
	name := c.Param("username")
	actor := userOf(c)
	if name == actor.Username {
		s.renderAdmin(c, http.StatusBadRequest, adminView{Error: tr.T("admin.self_disable")})
		return
	}
	if err := s.users.Disable(c.Request.Context(), name); err != nil {
		s.renderAdmin(c, httpStatusOfAdmin(err), adminView{Error: tr.T("admin.error", userMessage(err))})
		return
	}
	s.sessions.forgetUser(name)
	s.record(c.Request.Context(), models.AuditEntry{Actor: actor.Username, Role: actor.Role, Action: "user_disable", Object: name, IP: c.ClientIP()})
	s.renderAdmin(c, http.StatusOK, adminView{Notice: tr.T("admin.user_disabled", name)})
}

// adminAddToken creates an ingest token for one stream; the token is shown once.
func (s *Server) adminAddToken(c *gin.Context) {
	tr := Translator{Lang: langOf(c)}
	stream := c.PostForm("stream")
	name := strings.TrimSpace(c.PostForm("name"))
	var err error
	switch {
	case !models.Stream(stream).Valid():
		err = &models.FieldError{Field: "stream", Message: fmt.Sprintf("%q: want dossiers, petitions or posts", stream)}
	case name == "":
		err = &models.FieldError{Field: "name", Message: "say which system will use the token"}
	}
	if err != nil {
		s.renderAdmin(c, http.StatusBadRequest, adminView{Error: tr.T("admin.error", userMessage(err))})
		return
	}
	actor := userOf(c)
	rec, token, err := store.Tokens{DB: s.opts.DB}.Create(c.Request.Context(), stream, name, actor.Username)
	if err != nil {
		s.renderAdmin(c, httpStatusOfAdmin(err), adminView{Error: tr.T("admin.error", userMessage(err))})
		return
	}
	s.record(c.Request.Context(), models.AuditEntry{Actor: actor.Username, Role: actor.Role, Action: "token_add", Object: rec.ID,
		Detail: "stream=" + stream, IP: c.ClientIP()})
	s.renderAdmin(c, http.StatusOK, adminView{SecretLabel: tr.T("admin.token_once", rec.ID), Secret: token})
}

// adminRevokeToken revokes an ingest token.
func (s *Server) adminRevokeToken(c *gin.Context) {
	tr := Translator{Lang: langOf(c)}
	id := c.Param("id")
	if err := (store.Tokens{DB: s.opts.DB}).Revoke(c.Request.Context(), id); err != nil {
		s.renderAdmin(c, httpStatusOfAdmin(err), adminView{Error: tr.T("admin.error", userMessage(err))})
		return
	}
	actor := userOf(c)
	s.record(c.Request.Context(), models.AuditEntry{Actor: actor.Username, Role: actor.Role, Action: "token_revoke", Object: id, IP: c.ClientIP()})
	s.renderAdmin(c, http.StatusOK, adminView{Notice: tr.T("admin.token_revoked", id)})
}

// userMessage is the part of an admin action's error that is safe to show.
func userMessage(err error) string {
	var fe *models.FieldError
	switch {
	case errors.As(err, &fe):
		return fe.Error()
	case errors.Is(err, store.ErrUserExists):
		return "tên đăng nhập đã tồn tại / the username is taken"
	case errors.Is(err, models.ErrNotFound):
		return "không tìm thấy / not found"
	}
	return "lỗi hệ thống, xem nhật ký máy chủ / internal error, see the server log"
}

func httpStatusOfAdmin(err error) int {
	switch {
	case errors.Is(err, models.ErrInvalid):
		return http.StatusBadRequest
	case errors.Is(err, store.ErrUserExists):
		return http.StatusConflict
	case errors.Is(err, models.ErrNotFound):
		return http.StatusNotFound
	}
	return http.StatusInternalServerError
}
