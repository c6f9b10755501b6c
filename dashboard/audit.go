package dashboard

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/assistant"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
)

// The audit trail (audit_log, migration 0006): who logged in or failed to, who viewed a unit or
// ward page, who exported what, who asked the assistant what (the question masked), and every
// change of accounts and tokens. It is append-only: govpulse has no code path that updates or
// deletes its rows (audit_test.go checks the source), the table has no TTL, and the admin page
// has no delete. Admins read the latest entries on /admin and export any time range as CSV.

// maxAuditQuestion bounds the question text kept in an "ask" entry.
const maxAuditQuestion = 500

// maskQuestion is a question as the audit log keeps it: personal data masked as it is before a
// prompt (pipeline.MaskPII, then the assistant's own masker), cut to maxAuditQuestion bytes.
func maskQuestion(q string) string {
	q = assistant.MaskText(pipeline.MaskPII(strings.TrimSpace(q)))
	if len(q) > maxAuditQuestion {
		q = strings.ToValidUTF8(q[:maxAuditQuestion], "") + "…"
	}
	return q
}

// auditAsk records that the logged-in user asked the assistant q.
func (s *Server) auditAsk(c *gin.Context, q string) {
	u := userOf(c)
	if u == nil {
		return
	}
	s.record(c.Request.Context(), models.AuditEntry{Actor: u.Username, Role: u.Role, Action: "ask", Object: c.FullPath(),
		Detail: maskQuestion(q), IP: c.ClientIP()})
}

// auditView records, after the page is served, that the logged-in user opened the page of a
// unit or ward (Action "view_unit" or "view_ward", Object the code, Detail the HTTP status: a
// refused view is recorded too).
func auditView(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		u, s := userOf(c), serverOf(c)
		if u == nil || s == nil {
			return
		}
		code := c.Param("code")
		if len(code) > 64 {
			code = strings.ToValidUTF8(code[:64], "") + "…"
		}
		s.record(c.Request.Context(), models.AuditEntry{Actor: u.Username, Role: u.Role, Action: "view_" + kind, Object: code,
			Detail: fmt.Sprintf("status=%d", c.Writer.Status()), IP: c.ClientIP()})
	}
}

// maxAuditExportDays bounds one export's range.
const maxAuditExportDays = 3660

// exportAudit streams the audit entries of ?from..?to (dates, Asia/Ho_Chi_Minh, both included;
// default: the last 30 days) as CSV, oldest first, to an admin. The export is itself audited.
func (s *Server) exportAudit(c *gin.Context) {
	now := s.opts.Now().In(models.Location)
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, models.Location)
	from, to := today.AddDate(0, 0, -29), today
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		v := strings.TrimSpace(c.Query(p.name))
		if v == "" {
			continue
		}
		d, err := time.ParseInLocation(time.DateOnly, v, models.Location)
		if err != nil {
			c.JSON(http.StatusBadRequest, gin.H{"error": fmt.Sprintf("%s: %q: use YYYY-MM-DD / ngày phải có dạng YYYY-MM-DD", p.name, cutParam(v))})
			return
		}
		*p.dst = d
	}
	if to.Before(from) || to.Sub(from) > maxAuditExportDays*24*time.Hour {
		c.JSON(http.StatusBadRequest, gin.H{"error": fmt.Sprintf("to must be on or after from, at most %d days later / khoảng ngày không hợp lệ", maxAuditExportDays)})
		return
	}
	u := userOf(c)
	s.record(c.Request.Context(), models.AuditEntry{Actor: u.Username, Role: u.Role, Action: "export", Object: "audit_log",
		Detail: from.Format(time.DateOnly) + ".." + to.Format(time.DateOnly), IP: c.ClientIP()})
	c.Header("Content-Type", FormatCSV.ContentType())
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="audit_%s_%s.csv"`, from.Format("20060102"), to.Format("20060102")))
	c.Header("Cache-Control", "no-store")
	c.Status(http.StatusOK)
	bw := bufio.NewWriterSize(c.Writer, 64<<10)
	bw.WriteString("\ufeff")
	cw := csv.NewWriter(bw)
	_ = cw.Write([]string{"at", "actor", "role", "action", "object", "detail", "ip"})
	rows := 0
	err := s.audit.Range(c.Request.Context(), from, to.AddDate(0, 0, 1), func(e models.AuditEntry) error {
		rows++
		if err := cw.Write(csvRecord(e.At.In(models.Location).Format("2006-01-02 15:04:05.000"), e.Actor, e.Role, e.Action, e.Object, e.Detail, e.IP)); err != nil {
			return err
		}
		if rows%1000 == 0 {
			cw.Flush()
			if err := bw.Flush(); err != nil {
				return err
			}
			c.Writer.Flush()
		}
		return nil
	})
	cw.Flush()
	if err != nil {
		// The status is sent: end the file with a line that says it is incomplete.
		s.log.Error("audit export failed", "rows", rows, "err", err)
		_ = cw.Write([]string{"# export incomplete: read error / xuất chưa đủ: lỗi đọc"})
		cw.Flush()
	}
	_ = bw.Flush()
}

// cutParam cuts a query parameter for an error message.
func cutParam(s string) string {
	if len(s) > 40 {
		return strings.ToValidUTF8(s[:40], "") + "…"
	}
	return s
}
