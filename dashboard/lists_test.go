package dashboard

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/govpulse/govpulse/analytics"
	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// listsDB is a migrated database (with the seeded gazetteer and catalogues) holding a few
// hand-made cases around testNow (18 November 2026, 15:00):
//
//	dossier unit    ward  field  channel   received     due          state
//	X1      H29.STP 26743 noi_vu online    11-02 08:00  11-05 08:00  processing: 13 d 7 h overdue
//	X2      H29.SNV 26740 noi_vu in_person 11-10 08:00  11-12 08:00  received:    6 d 7 h overdue
//	X3      H29.STP 26743 noi_vu online    11-15 08:00  11-20 08:00  completed 11-16 08:00
//	petition R1 ward 26743 ngap_nuoc, handled by H29.STP, received 11-01 08:00, due 11-06 08:00, forwarded
//	posts S1 facebook 26743 negative, 40 likes; S2 zalo 26740 negative, 5 likes; S3 facebook 26743 positive
func listsDB(t *testing.T) store.DB {
	t.Helper()
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	at := func(d, h int) time.Time { return time.Date(2026, 11, d, h, 0, 0, 0, models.Location) }
	dossier := func(id, unit, ward, channel string, received, due time.Time) models.Dossier {
		return models.Dossier{ID: id, ProcedureCode: "1.000001", ProcedureName: "Cấp phiếu lý lịch tư pháp", Field: "noi_vu",
			UnitCode: unit, UnitName: unit, WardCode: ward, Channel: channel, OnlineLevel: "full", Status: string(models.DossierReceived),
			ReceivedAt: received, DueAt: due, UpdatedAt: received, Version: uint64(received.UnixMilli()), IngestedAt: received, Source: "test"}
	}
	x1 := dossier("X1", "H29.STP", "26743", "online", at(2, 8), at(5, 8))
	x1p := x1
	x1p.Status, x1p.UpdatedAt, x1p.Version = string(models.DossierProcessing), at(3, 8), uint64(at(3, 8).UnixMilli())
	x2 := dossier("X2", "H29.SNV", "26740", "in_person", at(10, 8), at(12, 8))
	x3 := dossier("X3", "H29.STP", "26743", "online", at(15, 8), at(20, 8))
	x3c, done := x3, at(16, 8)
	x3c.Status, x3c.CompletedAt, x3c.UpdatedAt, x3c.Version = string(models.DossierCompleted), &done, done, uint64(done.UnixMilli())
	events := []models.DossierEvent{x1.Event(models.DossierReceived, x1.ReceivedAt), x1p.Event(models.DossierProcessing, x1p.UpdatedAt),
		x2.Event(models.DossierReceived, x2.ReceivedAt), x3.Event(models.DossierReceived, x3.ReceivedAt), x3c.Event(models.DossierCompleted, done)}
	r1 := models.Petition{ID: "R1", ReceivedAt: at(1, 8), Channel: "hotline", Category: "ngap_nuoc", WardCode: "26743", UnitCode: "H29.STP",
		Status: string(models.PetitionForwarded), DueAt: at(6, 8), UpdatedAt: at(1, 9), Title: "Ngập nước đường Lê Lợi",
		Version: uint64(at(1, 9).UnixMilli()), IngestedAt: at(1, 9), Source: "test"}
	post := func(id, platform, ward, label string, s float32, likes uint32, published time.Time) models.Post {
		return models.Post{ID: id, Platform: platform, PublishedAt: published, AuthorHash: "author-hash-" + id, Text: "Bài viết " + id + " về ngập nước",
			URL: "https://example.org/" + id, WardCode: ward, Topic: "ngap", Likes: likes, Sentiment: s, SentimentLabel: label,
			SentimentSource: "lexicon", FirstSeen: true, Version: uint64(published.UnixMilli()), IngestedAt: published, Source: "test"}
	}
	for _, ins := range []struct {
		table string
		rows  any
	}{
		{"dossiers", []models.Dossier{x1, x1p, x1p, x2, x3, x3c}},
		{"dossier_events", events},
		{"petitions", []models.Petition{r1, r1}},
		{"posts", []models.Post{post("S1", "facebook", "26743", "negative", -0.8, 40, at(17, 8)),
			post("S2", "zalo", "26740", "negative", -0.6, 5, at(16, 8)), post("S3", "facebook", "26743", "positive", 0.7, 900, at(16, 9))}},
	} {
		if err := db.Insert(ctx, ins.table, ins.rows); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

func TestListPanelsAndAPIs(t *testing.T) {
	db := listsDB(t)
	router := func(scope func(*gin.Context, analytics.Scope) (analytics.Scope, error)) *gin.Engine {
		p := newPages(db, nil, nil)
		p.now = func() time.Time { return testNow }
		if scope != nil {
			p.scope = scope
			p.userScope = func(*gin.Context) (string, string) { return "", "26743" }
		}
		gin.SetMode(gin.ReleaseMode)
		r := gin.New()
		p.register(&r.RouterGroup, func(...string) gin.HandlerFunc { return func(c *gin.Context) { c.Next() } })
		return r
	}
	r := router(nil)
	pages := []struct {
		name, path string
		want, not  []string
	}{
		{"dossiers", "/dossiers", []string{`data-list="overdue-dossiers"`, `data-total="2"`, `data-id="X1"`, `data-id="X2"`, "13,3", "6,3",
			"Cấp phiếu lý lịch tư pháp", `href="/units/H29.STP"`, "Sở Tư pháp", "Phường Bến Thành", "Đang xử lý", "02/11/2026 08:00",
			"Hồ sơ quá hạn đang mở", `data-click="filter-field"`, "theo lĩnh vực", "theo kênh", "Trực tuyến", "Nội vụ"}, []string{`data-id="X3"`}},
		{"dossiers of a ward", "/dossiers?ward=26743&lang=en", []string{`data-id="X1"`, "13.3", "Open overdue dossiers", "2026-11-02 08:00"}, []string{`data-id="X2"`}},
		{"petitions", "/petitions", []string{`data-list="overdue-petitions"`, `data-id="R1"`, "Ngập nước đường Lê Lợi", "Đường dây nóng 1022", "Ngập nước", "12,3"}, nil},
		{"sentiment", "/sentiment", []string{`data-list="negative-posts"`, `data-id="S1"`, `data-id="S2"`, "Bài viết S1 về ngập nước",
			"https://example.org/S1", "theo nền tảng", "Tương tác: 40", "-0,80"}, []string{`data-id="S3"`, "author-hash"}},
		{"ward", "/wards/26743", []string{`data-id="X1"`, `data-id="S1"`}, []string{`data-id="X2"`, `data-id="S2"`, `data-id="X3"`}},
		{"unit", "/units/H29.SNV", []string{`data-id="X2"`}, []string{`data-id="X1"`, `data-list="negative-posts"`}},
		// A past month: nothing was overdue at its end, nothing was posted.
		{"invalid platform", "/sentiment?platform=myspace", []string{`id="negative-posts"`, `data-state="invalid"`}, nil},
		{"no data", "/dossiers?period=2026-01", []string{`id="overdue"`, `data-state="no_data"`}, []string{`data-list="overdue-dossiers"`}},
	}
	for _, c := range pages {
		t.Run(c.name, func(t *testing.T) {
			rec := pgGet(t, r, c.path)
			body := rec.Body.String()
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d: %.300s", rec.Code, body)
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, w := range c.not {
				if strings.Contains(body, w) {
					t.Errorf("page shows %q", w)
				}
			}
			if i := strings.Index(body, "[list."); i >= 0 {
				t.Errorf("missing catalogue key: %.40s", body[i:])
			}
		})
	}

	t.Run("overdue api", func(t *testing.T) {
		rec := pgGet(t, r, "/api/v1/overdue?stream=dossiers&limit=1")
		var got struct {
			List analytics.OverdueList[analytics.OverdueDossier]
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 200 {
			t.Fatalf("%d %s (%v)", rec.Code, rec.Body.String(), err)
		}
		if got.List.Total != 2 || len(got.List.Rows) != 1 || got.List.Rows[0].ID != "X1" || fmt.Sprintf("%.4f", got.List.Rows[0].DaysOverdue) != "13.2917" {
			t.Errorf("overdue = %+v", got.List)
		}
		rec = pgGet(t, r, "/api/v1/overdue?stream=petitions&category=ngap_nuoc")
		if !strings.Contains(rec.Body.String(), `"id":"R1"`) || !strings.Contains(rec.Body.String(), `"total":1`) {
			t.Errorf("petitions: %s", rec.Body.String())
		}
		for path, want := range map[string]string{
			"/api/v1/overdue?stream=posts":            "stream",
			"/api/v1/overdue?limit=0":                 "limit",
			"/api/v1/posts/negative?limit=abc":        "limit",
			"/api/v1/overdue?field=%3Cx%3E":           "field",
			"/api/v1/posts/negative?platform=myspace": "platform",
		} {
			if rec := pgGet(t, r, path); rec.Code != 400 || !strings.Contains(rec.Body.String(), want) {
				t.Errorf("%s: %d %s, want 400 about %s", path, rec.Code, rec.Body.String(), want)
			}
		}
	})
	t.Run("negative posts api", func(t *testing.T) {
		rec := pgGet(t, r, "/api/v1/posts/negative")
		body := rec.Body.String()
		if rec.Code != 200 || strings.Contains(body, "author") || strings.Index(body, `"id":"S1"`) > strings.Index(body, `"id":"S2"`) ||
			strings.Index(body, `"id":"S2"`) < 0 || strings.Contains(body, `"id":"S3"`) {
			t.Errorf("%d %s", rec.Code, body)
		}
	})
	t.Run("scoped account", func(t *testing.T) {
		rs := router(func(_ *gin.Context, s analytics.Scope) (analytics.Scope, error) {
			if s.Ward != "" && s.Ward != "26743" {
				return s, fmt.Errorf("%w: your account sees ward 26743 only", errNotPermitted)
			}
			s.Ward = "26743"
			return s, nil
		})
		body := pgGet(t, rs, "/dossiers").Body.String()
		if !strings.Contains(body, `data-id="X1"`) || strings.Contains(body, `data-id="X2"`) {
			t.Error("a ward account's dossiers page shows another ward's overdue dossier, or not its own")
		}
		body = pgGet(t, rs, "/sentiment").Body.String()
		if !strings.Contains(body, `data-id="S1"`) || strings.Contains(body, `data-id="S2"`) {
			t.Error("a ward account's sentiment page shows another ward's post, or not its own")
		}
		for _, path := range []string{"/api/v1/overdue?ward=26740", "/api/v1/posts/negative?ward=26740"} {
			if rec := pgGet(t, rs, path); rec.Code != http.StatusForbidden || !strings.Contains(rec.Body.String(), "not_permitted") {
				t.Errorf("%s: %d %s", path, rec.Code, rec.Body.String())
			}
		}
		if rec := pgGet(t, rs, "/api/v1/overdue"); !strings.Contains(rec.Body.String(), `"total":1`) {
			t.Errorf("scoped overdue: %s", rec.Body.String())
		}
	})
}
