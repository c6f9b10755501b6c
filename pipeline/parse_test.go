package pipeline

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
)

// testNow is the parser's clock in tests.
var testNow = time.Date(2025, 10, 15, 10, 0, 0, 0, models.Location)

var testSecret = []byte("0123456789abcdef-test-secret")

var seedWardRow = regexp.MustCompile(`(?m)^\('(\d+)', '([^']*)', '([^']*)', '([^']*)', '([^']*)', '(\d+)', '([^']*)', '([^']*)', \[([^\]]*)\], (\d+)\)`)
var seedCategoryRow = regexp.MustCompile(`(?m)^\('([a-z_]+)', '([^']*)', '([^']*)', '([a-z_]*)', (\d+), \d+\)`)
var quoted = regexp.MustCompile(`'([^']*)'`)

// seedWards reads the wards seeded by sql/migrations/0007 (part of this repository).
var seedWards = sync.OnceValues(func() ([]models.Ward, error) {
	data, err := os.ReadFile(filepath.Join("..", "sql", "migrations", "0007_seed_wards.sql"))
	if err != nil {
		return nil, err
	}
	var out []models.Ward
	for _, m := range seedWardRow.FindAllStringSubmatch(string(data), -1) {
		w := models.Ward{Code: m[1], Name: m[2], FullName: m[3], NameEN: m[4], UnitType: m[5],
			ProvinceCode: m[6], ProvinceName: m[7], CodeName: m[8], Version: 1}
		for _, a := range quoted.FindAllStringSubmatch(m[9], -1) {
			w.Aliases = append(w.Aliases, a[1])
		}
		out = append(out, w)
	}
	if len(out) < 300 {
		return nil, fmt.Errorf("read %d wards from 0007, want 385", len(out))
	}
	return out, nil
})

// seedCategories reads the petition categories seeded by sql/migrations/0008.
var seedCategories = sync.OnceValues(func() ([]models.PetitionCategory, error) {
	data, err := os.ReadFile(filepath.Join("..", "sql", "migrations", "0008_seed_catalogues.sql"))
	if err != nil {
		return nil, err
	}
	var out []models.PetitionCategory
	for _, m := range seedCategoryRow.FindAllStringSubmatch(string(data), -1) {
		var sla uint16
		fmt.Sscan(m[5], &sla)
		out = append(out, models.PetitionCategory{Code: m[1], NameVI: m[2], NameEN: m[3], Parent: m[4], SLADays: sla, Version: 1})
	}
	if len(out) < 20 {
		return nil, fmt.Errorf("read %d categories from 0008", len(out))
	}
	return out, nil
})

func testWards(tb testing.TB) []models.Ward {
	tb.Helper()
	w, err := seedWards()
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

func testCategories(tb testing.TB) []models.PetitionCategory {
	tb.Helper()
	c, err := seedCategories()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

var testUnits = []models.Unit{
	{Code: "H29.26743", Name: "UBND Phường Bến Thành", Type: "ward", WardCode: "26743", Active: true},
	{Code: "H29.STP", Name: "Sở Tư pháp", Type: "department", Active: true},
}

func newTestParser(tb testing.TB) *Parser {
	tb.Helper()
	p, err := NewParser(ParserConfig{
		Wards: testWards(tb), Units: testUnits, Categories: testCategories(tb),
		HashSecret: testSecret, Now: func() time.Time { return testNow },
	})
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// parsed is everything one Parse produced.
type parsed struct {
	Chunk
	Sum    Summary
	Chunks int
}

func parseAll(tb testing.TB, p *Parser, stream Stream, input string, opts ParseOptions) parsed {
	tb.Helper()
	out, err := tryParseAll(p, stream, strings.NewReader(input), opts)
	if err != nil {
		tb.Fatalf("Parse: %v", err)
	}
	return out
}

func tryParseAll(p *Parser, stream Stream, r io.Reader, opts ParseOptions) (parsed, error) {
	var out parsed
	sum, err := p.Parse(context.Background(), stream, r, opts, func(c Chunk) error {
		if out.Chunks == 0 {
			out.FirstLine = c.FirstLine
		}
		out.Chunks++
		out.LastLine = c.LastLine
		out.Dossiers = append(out.Dossiers, c.Dossiers...)
		out.Petitions = append(out.Petitions, c.Petitions...)
		out.Posts = append(out.Posts, c.Posts...)
		out.Rejected = append(out.Rejected, c.Rejected...)
		return nil
	})
	out.Sum = sum
	return out, err
}

// jsonLine renders a base object with changes: a nil value deletes the key.
func jsonLine(tb testing.TB, base map[string]any, changes map[string]any) string {
	tb.Helper()
	m := make(map[string]any, len(base))
	for k, v := range base {
		m[k] = v
	}
	for k, v := range changes {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	b, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func baseDossier() map[string]any {
	return map[string]any{
		"id": "H29.26743-250812-0007", "procedure_code": "1.001193", "procedure_name": "Đăng ký khai sinh",
		"field": "ho_tich", "unit_code": "H29.26743", "unit_name": "", "ward_code": "26743",
		"channel": "online", "online_level": "full", "status": "completed",
		"received_at": "2025-08-12T08:30:00+07:00", "due_at": "2025-08-15T17:00:00+07:00",
		"completed_at": "2025-08-14T10:00:00+07:00", "updated_at": "2025-08-14T10:00:00+07:00",
		"supplement_count": 0, "fee_vnd": 8000, "paid_online": true, "digitized": true, "e_result": true,
		"satisfaction": "satisfied",
	}
}

func basePetition() map[string]any {
	return map[string]any{
		"id": "PA-2025-000123", "received_at": "2025-10-01T08:00:00+07:00", "channel": "hotline",
		"category": "ngap_nuoc", "subcategory": "", "ward_code": "", "unit_code": "H29.26743",
		"status": "processing", "updated_at": "2025-10-02T09:00:00+07:00",
		"title": "Ngập nước sau mưa", "content": "Đường Lê Lợi, phường Bến Thành ngập sâu 40cm sau cơn mưa chiều nay.",
		"lat": 10.7725, "lon": 106.698, "citizen_phone": "0903 123 456", "citizen_name": "Nguyễn Văn An",
	}
}

func basePost() map[string]any {
	return map[string]any{
		"id": "fb_1234567890", "platform": "facebook", "published_at": "2025-10-10T19:45:00+07:00",
		"author_id": "100012345678901", "text": "Kẹt xe kinh khủng ở phường Bến Thành tối nay, chờ 30 phút không nhúc nhích",
		"url": "https://facebook.com/groups/x/posts/1", "likes": 12, "shares": 3, "comments": 5,
	}
}

// genDossiers writes n NDJSON dossiers shaped like a one-stop system's export.
func genDossiers(n int) []byte {
	var b bytes.Buffer
	b.Grow(n * 620)
	base := time.Date(2025, 1, 2, 7, 30, 0, 0, models.Location)
	statuses := []string{"received", "processing", "supplement_requested", "completed", "completed", "completed", "returned", "rejected"}
	channels := []string{"online", "in_person", "postal"}
	wards := []string{"26743", "26740", "25975", "27676", "10645"}
	for i := range n {
		recv := base.Add(time.Duration(i%250000) * 97 * time.Second)
		due := recv.Add(72 * time.Hour)
		upd := recv.Add(time.Duration(i%50+1) * time.Hour)
		st := statuses[i%len(statuses)]
		fmt.Fprintf(&b, `{"id":"H29.%s-%s-%05d","procedure_code":"1.00%04d","procedure_name":"Đăng ký khai sinh","field":"ho_tich","unit_code":"H29.%s","unit_name":"","ward_code":"%s","channel":"%s","online_level":"full","status":"%s","received_at":"%s","due_at":"%s",`,
			wards[i%len(wards)], recv.Format("060102"), i%100000, 1000+i%3000, wards[i%len(wards)], wards[i%len(wards)], channels[i%3], st,
			recv.Format(time.RFC3339), due.Format(time.RFC3339))
		if models.DossierStatus(st).Terminal() {
			fmt.Fprintf(&b, `"completed_at":"%s",`, upd.Format(time.RFC3339))
		} else {
			b.WriteString(`"completed_at":null,`)
		}
		fmt.Fprintf(&b, `"updated_at":"%s","supplement_count":%d,"fee_vnd":%d,"paid_online":%t,"digitized":true,"e_result":%t,"satisfaction":%s}`+"\n",
			upd.Format(time.RFC3339), i%3/2, (i%5)*10000, i%2 == 0, i%3 == 0, []string{`"satisfied"`, "null", `"dissatisfied"`}[i%3])
	}
	return b.Bytes()
}

func BenchmarkParseDossiers(b *testing.B) {
	p := newTestParser(b)
	data := genDossiers(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	lines := 0
	for b.Loop() {
		sum, err := p.Parse(context.Background(), StreamDossiers, bytes.NewReader(data), ParseOptions{Source: "bench"}, func(c Chunk) error {
			if len(c.Rejected) > 0 {
				return fmt.Errorf("line %d: %s: %s", c.Rejected[0].Line, c.Rejected[0].Field, c.Rejected[0].Message)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		lines += sum.Lines
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}

// rejectCase is a line that must be refused with this field and message.
type rejectCase struct {
	name    string
	changes map[string]any // applied to the stream's base object; nil value deletes the key
	raw     string         // or the whole line as is
	field   string
	message string
}

// checkRejections puts each case's bad line third in an input, between valid lines and after a
// blank line, and checks that exactly it is refused, with its line number, field and message.
func checkRejections(t *testing.T, stream Stream, base map[string]any, cases []rejectCase) {
	t.Helper()
	p := newTestParser(t)
	valid := jsonLine(t, base, nil)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bad := tc.raw
			if bad == "" {
				bad = jsonLine(t, base, tc.changes)
			}
			in := valid + "\n\n" + bad + "\n" + valid + "\n"
			out := parseAll(t, p, stream, in, ParseOptions{Source: "test"})
			if out.Sum != (Summary{Lines: 4, Accepted: 2, Rejected: 1}) {
				t.Fatalf("summary %+v, want 4 lines, 2 accepted, 1 rejected; rejections %+v", out.Sum, out.Rejected)
			}
			got := out.Rejected[0]
			want := Rejection{Line: 3, Field: tc.field, Message: tc.message}
			if got.Line != want.Line || got.Field != want.Field || got.Message != want.Message {
				t.Fatalf("rejection\n  %d %s: %s\nwant\n  %d %s: %s", got.Line, got.Field, got.Message, want.Line, want.Field, want.Message)
			}
			if got.Raw == "" {
				t.Error("rejection has no Raw line")
			}
		})
	}
}

func TestParseDossierRejections(t *testing.T) {
	future := testNow.Add(49 * time.Hour).Format(time.RFC3339)
	checkRejections(t, StreamDossiers, baseDossier(), []rejectCase{
		{name: "id missing", changes: map[string]any{"id": nil}, field: "id", message: "is required"},
		{name: "id empty", changes: map[string]any{"id": "  "}, field: "id", message: "is required"},
		{name: "id too long", changes: map[string]any{"id": strings.Repeat("x", 129)}, field: "id", message: "is longer than 128 bytes"},
		{name: "id is an array", changes: map[string]any{"id": []any{"a"}}, field: "id", message: "must be a string, not an array"},
		{name: "id is a boolean", changes: map[string]any{"id": true}, field: "id", message: "must be a string, not a boolean"},
		{name: "procedure_code missing", changes: map[string]any{"procedure_code": nil}, field: "procedure_code", message: "is required"},
		{name: "unit_code missing", changes: map[string]any{"unit_code": nil}, field: "unit_code", message: "is required"},
		{name: "procedure_name too long", changes: map[string]any{"procedure_name": strings.Repeat("ă", 1001)}, field: "procedure_name", message: "is longer than 1000 characters (1001)"},
		{name: "channel missing", changes: map[string]any{"channel": nil}, field: "channel", message: "is required"},
		{name: "channel unknown", changes: map[string]any{"channel": "fax"}, field: "channel", message: `unknown value "fax"; want one of online, in_person, postal`},
		{name: "online_level unknown", changes: map[string]any{"online_level": "4"}, field: "online_level", message: `unknown value "4"; want one of full, partial, none`},
		{name: "status missing", changes: map[string]any{"status": nil}, field: "status", message: "is required"},
		{name: "status unknown", changes: map[string]any{"status": "done"}, field: "status", message: `unknown value "done"; want one of received, processing, supplement_requested, completed, returned, rejected, withdrawn`},
		{name: "satisfaction unknown", changes: map[string]any{"satisfaction": "ok"}, field: "satisfaction", message: `unknown value "ok"; want one of satisfied, neutral, dissatisfied`},
		{name: "received_at missing", changes: map[string]any{"received_at": nil}, field: "received_at", message: "is required (RFC 3339 time with offset, e.g. 2025-08-12T08:30:00+07:00)"},
		{name: "received_at without offset", changes: map[string]any{"received_at": "2025-08-12T08:30:00"}, field: "received_at", message: `"2025-08-12T08:30:00" has no UTC offset; want RFC 3339 with offset, e.g. 2025-08-12T08:30:00+07:00`},
		{name: "received_at not a time", changes: map[string]any{"received_at": "12/08/2025"}, field: "received_at", message: `"12/08/2025" is not an RFC 3339 time with offset, e.g. 2025-08-12T08:30:00+07:00`},
		{name: "received_at a number", changes: map[string]any{"received_at": 1755000000}, field: "received_at", message: "must be an RFC 3339 time string with offset, not a number"},
		{name: "received_at before 1970", changes: map[string]any{"received_at": "1969-12-31T00:00:00Z"}, field: "received_at", message: "1969-12-31T08:00:00+08:00 is outside the years 1970–2105"}, /* the zone was UTC+8 then */
		{name: "due_at after 2105", changes: map[string]any{"due_at": "2106-01-01T00:00:00+07:00"}, field: "due_at", message: "2106-01-01T00:00:00+07:00 is outside the years 1970–2105"},
		{name: "received_at in the future", changes: map[string]any{"received_at": future, "due_at": future, "updated_at": future, "completed_at": nil, "status": "received"}, field: "received_at", message: "2025-10-17T11:00:00+07:00 is in the future (more than 1 day after now)"},
		{name: "due_at missing", changes: map[string]any{"due_at": nil}, field: "due_at", message: "is required (RFC 3339 time with offset, e.g. 2025-08-12T08:30:00+07:00)"},
		{name: "due_at before received_at", changes: map[string]any{"due_at": "2025-01-01T00:00:00+07:00"}, field: "due_at", message: "due_at 2025-01-01T00:00:00+07:00 is before received_at 2025-08-12T08:30:00+07:00"},
		{name: "completed_at before received_at", changes: map[string]any{"completed_at": "2025-08-12T01:29:00Z"}, field: "completed_at", message: "completed_at 2025-08-12T08:29:00+07:00 is before received_at 2025-08-12T08:30:00+07:00"},
		{name: "completed_at in the future", changes: map[string]any{"completed_at": future}, field: "completed_at", message: "2025-10-17T11:00:00+07:00 is in the future (more than 1 day after now)"},
		{name: "updated_at missing", changes: map[string]any{"updated_at": nil}, field: "updated_at", message: "is required (RFC 3339 time with offset, e.g. 2025-08-12T08:30:00+07:00)"},
		{name: "updated_at before received_at", changes: map[string]any{"updated_at": "2025-08-12T08:29:59+07:00"}, field: "updated_at", message: "updated_at 2025-08-12T08:29:59+07:00 is before received_at 2025-08-12T08:30:00+07:00"},
		{name: "updated_at in the future", changes: map[string]any{"updated_at": future}, field: "updated_at", message: "2025-10-17T11:00:00+07:00 is in the future (more than 1 day after now)"},
		{name: "fee_vnd not a number", changes: map[string]any{"fee_vnd": "abc"}, field: "fee_vnd", message: `must be a whole number ≥ 0, got "abc"`},
		{name: "fee_vnd negative", changes: map[string]any{"fee_vnd": -5}, field: "fee_vnd", message: `must be ≥ 0, got "-5"`},
		{name: "fee_vnd too large", changes: map[string]any{"fee_vnd": 1e13}, field: "fee_vnd", message: `must be at most 1000000000000, got "10000000000000"`},
		{name: "fee_vnd fractional", changes: map[string]any{"fee_vnd": 1.5}, field: "fee_vnd", message: `must be a whole number ≥ 0, got "1.5"`},
		{name: "supplement_count too large", changes: map[string]any{"supplement_count": 300}, field: "supplement_count", message: `must be at most 255, got "300"`},
		{name: "supplement_paused_seconds negative", changes: map[string]any{"supplement_paused_seconds": -1}, field: "supplement_paused_seconds", message: `must be ≥ 0, got "-1"`},
		{name: "paid_online not a boolean", changes: map[string]any{"paid_online": "maybe"}, field: "paid_online", message: `must be true or false, got "maybe"`},
		{name: "digitized an object", changes: map[string]any{"digitized": map[string]any{"v": 1}}, field: "digitized", message: "must be true or false, not an object"},
		{name: "ward_code unknown", changes: map[string]any{"ward_code": "99999"}, field: "ward_code", message: `unknown ward code "99999"`},
		{name: "ward name ambiguous", changes: map[string]any{"ward_code": "Thanh An"}, field: "ward_code",
			message: `ambiguous ward name "Thanh An": it fits 25807 Xã Thanh An, 27676 Xã Thạnh An, 31231 Xã Thạnh An; send the code or the name with diacritics`},
		{name: "not an object", raw: `["H29.1", "1.001193"]`, message: "invalid JSON at byte 1: a line must hold one object, not an array"},
		{name: "broken JSON", raw: `{"id": "H29.1", "status": }`, message: "invalid JSON at byte 27: unexpected character '}'"},
		{name: "truncated JSON", raw: `{"id": "H29.1"`, message: "invalid JSON at byte 15: unexpected end of line inside the object"},
		{name: "trailing data", raw: `{"id": "H29.1"} x`, message: "invalid JSON at byte 17: unexpected data after the object"},
		{name: "invalid UTF-8", raw: "{\"id\": \"H29.\xff\"}", message: "line is not valid UTF-8 (byte 13)"},
	})
}

func TestParsePetitionRejections(t *testing.T) {
	future := testNow.Add(49 * time.Hour).Format(time.RFC3339)
	checkRejections(t, StreamPetitions, basePetition(), []rejectCase{
		{name: "id missing", changes: map[string]any{"id": nil}, field: "id", message: "is required"},
		{name: "received_at missing", changes: map[string]any{"received_at": nil}, field: "received_at", message: "is required (RFC 3339 time with offset, e.g. 2025-08-12T08:30:00+07:00)"},
		{name: "channel missing", changes: map[string]any{"channel": nil}, field: "channel", message: "is required"},
		{name: "channel unknown", changes: map[string]any{"channel": "phone"}, field: "channel", message: `unknown value "phone"; want one of hotline, app, web, zalo, email, social`},
		{name: "category missing", changes: map[string]any{"category": nil}, field: "category", message: "is required"},
		{name: "category unknown", changes: map[string]any{"category": "weather"}, field: "category", message: `unknown category "weather"`},
		{name: "subcategory unknown", changes: map[string]any{"subcategory": "xyz"}, field: "subcategory", message: `unknown category "xyz"`},
		{name: "status missing", changes: map[string]any{"status": nil}, field: "status", message: "is required"},
		{name: "status unknown", changes: map[string]any{"status": "closed"}, field: "status", message: `unknown value "closed"; want one of new, forwarded, processing, resolved, rejected, reopened`},
		{name: "updated_at missing", changes: map[string]any{"updated_at": nil}, field: "updated_at", message: "is required (RFC 3339 time with offset, e.g. 2025-08-12T08:30:00+07:00)"},
		{name: "due_at before received_at", changes: map[string]any{"due_at": "2025-09-30T08:00:00+07:00"}, field: "due_at", message: "due_at 2025-09-30T08:00:00+07:00 is before received_at 2025-10-01T08:00:00+07:00"},
		{name: "updated_at before received_at", changes: map[string]any{"updated_at": "2025-09-30T08:00:00+07:00"}, field: "updated_at", message: "updated_at 2025-09-30T08:00:00+07:00 is before received_at 2025-10-01T08:00:00+07:00"},
		{name: "forwarded_at before received_at", changes: map[string]any{"forwarded_at": "2025-10-01T07:59:00+07:00"}, field: "forwarded_at", message: "forwarded_at 2025-10-01T07:59:00+07:00 is before received_at 2025-10-01T08:00:00+07:00"},
		{name: "resolved_at before received_at", changes: map[string]any{"resolved_at": "2025-09-01T08:00:00+07:00", "status": "resolved"}, field: "resolved_at", message: "resolved_at 2025-09-01T08:00:00+07:00 is before received_at 2025-10-01T08:00:00+07:00"},
		{name: "resolved_at in the future", changes: map[string]any{"resolved_at": future}, field: "resolved_at", message: "2025-10-17T11:00:00+07:00 is in the future (more than 1 day after now)"},
		{name: "forwarded_at in the future", changes: map[string]any{"forwarded_at": future}, field: "forwarded_at", message: "2025-10-17T11:00:00+07:00 is in the future (more than 1 day after now)"},
		{name: "satisfaction neutral is not a petition rating", changes: map[string]any{"satisfaction": "neutral"}, field: "satisfaction", message: `unknown value "neutral"; want one of satisfied, dissatisfied`},
		{name: "title too long", changes: map[string]any{"title": strings.Repeat("a", 1001)}, field: "title", message: "is longer than 1000 characters (1001)"},
		{name: "content too long", changes: map[string]any{"content": strings.Repeat("ngập ", 4001)}, field: "content", message: "is longer than 20000 characters (20004)"},
		{name: "lat without lon", changes: map[string]any{"lon": nil}, field: "lat", message: "lat and lon come together"},
		{name: "lat outside Vietnam", changes: map[string]any{"lat": 35.6}, field: "lat", message: "35.6 is outside Vietnam (latitude 6 to 24)"},
		{name: "lat and lon swapped", changes: map[string]any{"lat": 106.698, "lon": 10.7725}, field: "lat", message: "106.698 is outside Vietnam (latitude 6 to 24); lat and lon look swapped"},
		{name: "lon outside Vietnam", changes: map[string]any{"lon": 139.7}, field: "lon", message: "139.7 is outside Vietnam (longitude 102 to 118)"},
		{name: "lat not a number", changes: map[string]any{"lat": "north"}, field: "lat", message: `must be a number, got "north"`},
		{name: "reopen_count negative", changes: map[string]any{"reopen_count": -1}, field: "reopen_count", message: `must be ≥ 0, got "-1"`},
	})
}

func TestParsePostRejections(t *testing.T) {
	future := testNow.Add(49 * time.Hour).Format(time.RFC3339)
	checkRejections(t, StreamPosts, basePost(), []rejectCase{
		{name: "id missing", changes: map[string]any{"id": nil}, field: "id", message: "is required"},
		{name: "platform missing", changes: map[string]any{"platform": nil}, field: "platform", message: "is required"},
		{name: "platform unknown", changes: map[string]any{"platform": "myspace"}, field: "platform", message: `unknown value "myspace"; want one of facebook, zalo, tiktok, youtube, news, forum`},
		{name: "published_at missing", changes: map[string]any{"published_at": nil}, field: "published_at", message: "is required (RFC 3339 time with offset, e.g. 2025-08-12T08:30:00+07:00)"},
		{name: "published_at in the future", changes: map[string]any{"published_at": future}, field: "published_at", message: "2025-10-17T11:00:00+07:00 is in the future (more than 1 day after now)"},
		{name: "updated_at before published_at", changes: map[string]any{"updated_at": "2025-10-10T19:00:00+07:00"}, field: "updated_at", message: "updated_at 2025-10-10T19:00:00+07:00 is before published_at 2025-10-10T19:45:00+07:00"},
		{name: "text missing", changes: map[string]any{"text": nil}, field: "text", message: "is required"},
		{name: "text blank", changes: map[string]any{"text": " \n "}, field: "text", message: "is required"},
		{name: "text too long", changes: map[string]any{"text": strings.Repeat("x", 20001)}, field: "text", message: "is longer than 20000 characters (20001)"},
		{name: "url not http", changes: map[string]any{"url": "javascript:alert(1)"}, field: "url", message: "must be an http or https URL"},
		{name: "likes negative", changes: map[string]any{"likes": -3}, field: "likes", message: `must be ≥ 0, got "-3"`},
		{name: "shares too large", changes: map[string]any{"shares": 5e9}, field: "shares", message: `must be at most 4294967295, got "5000000000"`},
		{name: "comments not a number", changes: map[string]any{"comments": "many"}, field: "comments", message: `must be a whole number ≥ 0, got "many"`},
		{name: "sentiment out of range", changes: map[string]any{"sentiment": 1.5}, field: "sentiment", message: "must be between -1 and 1, got 1.5"},
		{name: "ward_code unknown", changes: map[string]any{"ward_code": "Phường 12"}, field: "ward_code", message: `unknown ward name "Phường 12"`},
	})
}

// TestParseValidLinesSurvive mixes good and bad lines: every good one is kept, in order.
func TestParseValidLinesSurvive(t *testing.T) {
	p := newTestParser(t)
	var lines []string
	wantIDs := []string{}
	for i := range 30 {
		d := baseDossier()
		d["id"] = fmt.Sprintf("H29.26743-250812-%04d", i)
		switch i % 3 {
		case 0:
			wantIDs = append(wantIDs, d["id"].(string))
		case 1:
			d["status"] = "lost"
		case 2:
			lines = append(lines, "{not json")
			continue
		}
		lines = append(lines, jsonLine(t, d, nil))
	}
	out := parseAll(t, p, StreamDossiers, strings.Join(lines, "\n"), ParseOptions{ChunkLines: 4, Workers: 3})
	var got []string
	for _, d := range out.Dossiers {
		got = append(got, d.ID)
	}
	if strings.Join(got, ",") != strings.Join(wantIDs, ",") {
		t.Errorf("accepted %v, want %v", got, wantIDs)
	}
	if out.Sum.Accepted != 10 || out.Sum.Rejected != 20 || out.Sum.Lines != 30 {
		t.Errorf("summary %+v", out.Sum)
	}
	for i, r := range out.Rejected {
		if i > 0 && r.Line <= out.Rejected[i-1].Line {
			t.Errorf("rejections out of order: %d after %d", r.Line, out.Rejected[i-1].Line)
		}
	}
}

func TestParseDossierNormalises(t *testing.T) {
	p := newTestParser(t)
	line := jsonLine(t, baseDossier(), map[string]any{
		"id":             "  H29.26743-250812-0007 ",
		"procedure_name": "  Đăng ký\t khai  sinh\n",
		"unit_name":      "",
		"ward_code":      nil,
		"channel":        "Online",
		"online_level":   nil,
		"status":         "COMPLETED",
		"received_at":    "2025-08-12T01:30:00Z",
		"updated_at":     "2025-08-14 10:00:00.250+07:00",
		"satisfaction":   nil,
		"fee_vnd":        "8000",
		"paid_online":    "có",
		"extra_field":    map[string]any{"nested": []any{1, 2, map[string]any{"x": nil}}},
	})
	// Decomposed Vietnamese (a+combining marks), as some keyboards send it.
	line = strings.Replace(line, "Đăng ký", "Đa\u0306ng ky\u0301", 1)
	out := parseAll(t, p, StreamDossiers, line, ParseOptions{Source: "api:tok_12"})
	if len(out.Dossiers) != 1 {
		t.Fatalf("rejected: %+v", out.Rejected)
	}
	d := out.Dossiers[0]
	checks := []struct{ name, got, want string }{
		{"id trimmed", d.ID, "H29.26743-250812-0007"},
		{"name NFC and collapsed", d.ProcedureName, "Đăng ký khai sinh"},
		{"unit name from units", d.UnitName, "UBND Phường Bến Thành"},
		{"ward from the unit", d.WardCode, "26743"},
		{"channel lower case", d.Channel, "online"},
		{"online level default", d.OnlineLevel, "none"},
		{"status lower case", d.Status, "completed"},
		{"received in local time", d.ReceivedAt.Format(time.RFC3339), "2025-08-12T08:30:00+07:00"},
		{"zone", d.ReceivedAt.Location().String(), "Asia/Ho_Chi_Minh"},
		{"space for T", d.UpdatedAt.Format(time.RFC3339Nano), "2025-08-14T10:00:00.25+07:00"},
		{"ingested_at", d.IngestedAt.Format(time.RFC3339), testNow.Format(time.RFC3339)},
		{"source", d.Source, "api:tok_12"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	if d.Version != uint64(d.UpdatedAt.UnixMilli()) || d.Version != 1755140400250 {
		t.Errorf("version %d, want updated_at in ms 1755140400250", d.Version)
	}
	if d.FeeVND != 8000 || !d.PaidOnline || d.Satisfaction != nil || d.CompletedAt == nil {
		t.Errorf("fee %d, paid %v, satisfaction %v, completed %v", d.FeeVND, d.PaidOnline, d.Satisfaction, d.CompletedAt)
	}
}

func TestParseDossierTerminalWithoutCompletedAt(t *testing.T) {
	// models.Dossier.EndedAt falls back to updated_at: such a dossier is accepted as is.
	p := newTestParser(t)
	out := parseAll(t, p, StreamDossiers, jsonLine(t, baseDossier(), map[string]any{"completed_at": nil}), ParseOptions{})
	if len(out.Dossiers) != 1 || out.Dossiers[0].CompletedAt != nil {
		t.Fatalf("got %+v %+v", out.Dossiers, out.Rejected)
	}
	if end := out.Dossiers[0].EndedAt(); end == nil || !end.Equal(out.Dossiers[0].UpdatedAt) {
		t.Errorf("EndedAt = %v, want updated_at", end)
	}
}

func TestParsePetitionEnriches(t *testing.T) {
	p := newTestParser(t)
	tests := []struct {
		name    string
		changes map[string]any
		check   func(t *testing.T, p models.Petition)
	}{
		{"due_at from the category's sla_days", nil, func(t *testing.T, p models.Petition) {
			if got := p.DueAt.Format(time.RFC3339); got != "2025-10-06T08:00:00+07:00" {
				t.Errorf("due_at %s, want received_at + 5 days", got)
			}
		}},
		{"due_at from the source", map[string]any{"due_at": "2025-10-03T17:00:00+07:00"}, func(t *testing.T, p models.Petition) {
			if got := p.DueAt.Format(time.RFC3339); got != "2025-10-03T17:00:00+07:00" {
				t.Errorf("due_at %s", got)
			}
		}},
		{"category by its Vietnamese name", map[string]any{"category": "Ngập nước"}, func(t *testing.T, p models.Petition) {
			if p.Category != "ngap_nuoc" {
				t.Errorf("category %q", p.Category)
			}
		}},
		{"category by its name without diacritics", map[string]any{"category": "tieng on"}, func(t *testing.T, p models.Petition) {
			if p.Category != "tieng_on" {
				t.Errorf("category %q", p.Category)
			}
		}},
		{"phone masked and hashed", nil, func(t *testing.T, p models.Petition) {
			if p.CitizenPhoneMasked != "090****456" || len(p.CitizenHash) != 32 {
				t.Errorf("masked %q hash %q", p.CitizenPhoneMasked, p.CitizenHash)
			}
		}},
		{"name hashed when no phone", map[string]any{"citizen_phone": nil}, func(t *testing.T, p models.Petition) {
			want := piiHasher{secret: testSecret}.sum("citizen-name", "nguyen van an")
			if p.CitizenPhoneMasked != "" || p.CitizenHash != want {
				t.Errorf("masked %q hash %q, want %q", p.CitizenPhoneMasked, p.CitizenHash, want)
			}
		}},
		{"anonymous", map[string]any{"citizen_phone": nil, "citizen_name": nil}, func(t *testing.T, p models.Petition) {
			if p.CitizenPhoneMasked != "" || p.CitizenHash != "" {
				t.Errorf("masked %q hash %q", p.CitizenPhoneMasked, p.CitizenHash)
			}
		}},
		{"texts masked", map[string]any{"title": "Nguyễn Văn An báo ngập", "content": "Gọi tôi 0903.123.456 hoặc an@gmail.com"}, func(t *testing.T, p models.Petition) {
			if p.Title != "[TÊN] báo ngập" || p.Content != "Gọi tôi [SĐT] hoặc [EMAIL]" {
				t.Errorf("title %q content %q", p.Title, p.Content)
			}
		}},
		{"content keeps paragraphs", map[string]any{"content": "  Dòng một  \r\n\r\n\r\n  dòng   hai\t \n"}, func(t *testing.T, p models.Petition) {
			if p.Content != "Dòng một\n\ndòng hai" {
				t.Errorf("content %q", p.Content)
			}
		}},
		{"tone of title and content", nil, func(t *testing.T, p models.Petition) {
			if p.Sentiment >= 0 {
				t.Errorf("sentiment %v, want negative for a flooding complaint", p.Sentiment)
			}
		}},
		{"ward inferred from the content", nil, func(t *testing.T, p models.Petition) {
			if p.WardCode != "26743" {
				t.Errorf("ward %q, want 26743 (phường Bến Thành in the content)", p.WardCode)
			}
		}},
		{"explicit ward by name", map[string]any{"ward_code": "P. Sài Gòn"}, func(t *testing.T, p models.Petition) {
			if p.WardCode != "26740" {
				t.Errorf("ward %q", p.WardCode)
			}
		}},
		{"topic is the subcategory when given", map[string]any{"category": "ha_tang_do_thi", "subcategory": "ho_ga"}, func(t *testing.T, p models.Petition) {
			if p.Topic != "ho_ga" {
				t.Errorf("topic %q", p.Topic)
			}
		}},
		{"topic inferred inside the category", map[string]any{"category": "ha_tang_do_thi", "title": "Đèn đường tắt", "content": "Đèn đường hẻm 12 không sáng cả tuần"}, func(t *testing.T, p models.Petition) {
			if p.Topic != "chieu_sang" {
				t.Errorf("topic %q", p.Topic)
			}
		}},
		{"topic outside the category is not taken", map[string]any{"category": "giao_thong", "title": "Kẹt xe", "content": "kẹt xe do ngập, ngập sâu, ngập nặng"}, func(t *testing.T, p models.Petition) {
			if p.Topic != "giao_thong" && p.Topic != "un_tac" {
				t.Errorf("topic %q, want inside giao_thong", p.Topic)
			}
		}},
		{"open category takes the text's topic", map[string]any{"category": "khac", "title": "Karaoke", "content": "Hàng xóm hát karaoke tới khuya"}, func(t *testing.T, p models.Petition) {
			if p.Topic != "karaoke" {
				t.Errorf("topic %q", p.Topic)
			}
		}},
		{"version and bookkeeping", nil, func(t *testing.T, p models.Petition) {
			if p.Version != uint64(p.UpdatedAt.UnixMilli()) || p.Source != "test" || !p.IngestedAt.Equal(testNow) {
				t.Errorf("version %d source %q ingested %v", p.Version, p.Source, p.IngestedAt)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := parseAll(t, p, StreamPetitions, jsonLine(t, basePetition(), tt.changes), ParseOptions{Source: "test"})
			if len(out.Petitions) != 1 {
				t.Fatalf("rejected: %+v", out.Rejected)
			}
			tt.check(t, out.Petitions[0])
		})
	}
}

func TestParsePetitionSamePhoneSameHash(t *testing.T) {
	p := newTestParser(t)
	var lines []string
	for i, phone := range []string{"0903123456", "0903 123 456", "+84 903 123 456", "84903123456", "(+84) 903.123.456"} {
		lines = append(lines, jsonLine(t, basePetition(), map[string]any{"id": fmt.Sprint("PA-", i), "citizen_phone": phone, "citizen_name": nil}))
	}
	out := parseAll(t, p, StreamPetitions, strings.Join(lines, "\n"), ParseOptions{})
	if len(out.Petitions) != 5 {
		t.Fatalf("rejected %+v", out.Rejected)
	}
	for _, pt := range out.Petitions {
		if pt.CitizenHash != out.Petitions[0].CitizenHash || pt.CitizenPhoneMasked != "090****456" {
			t.Errorf("%s: hash %s masked %s, want the first petition's", pt.ID, pt.CitizenHash, pt.CitizenPhoneMasked)
		}
	}
}

func TestParsePetitionDueAtWithoutSLA(t *testing.T) {
	p, err := NewParser(ParserConfig{HashSecret: testSecret, Now: func() time.Time { return testNow },
		Categories: []models.PetitionCategory{{Code: "khac", SLADays: 0}}})
	if err != nil {
		t.Fatal(err)
	}
	out := parseAll(t, p, StreamPetitions, jsonLine(t, basePetition(), map[string]any{"category": "khac"}), ParseOptions{})
	if len(out.Rejected) != 1 || out.Rejected[0].Field != "due_at" || out.Rejected[0].Message != `is required: category "khac" has no answer deadline (sla_days 0)` {
		t.Fatalf("got %+v", out.Rejected)
	}
}

// TestParseNoPIIInChunk: no phone, name or author id sent in petitions and posts appears anywhere
// in what Parse hands on: rows (as JSON and every field, json:"-" included) and dead letters.
func TestParseNoPIIInChunk(t *testing.T) {
	p := newTestParser(t)
	phone, name := "0903 123 456", "Nguyễn Văn An"
	forbidden := []string{"0903123456", "0903 123 456", "903123456", "Nguyễn Văn An", "Nguyen Van An", "nguyễn văn an", "100012345678901", "bich@mail.vn", "079190123456"}
	good := jsonLine(t, basePetition(), map[string]any{
		"citizen_phone": phone, "citizen_name": name,
		"title":   "Nguyễn Văn An phản ánh",
		"content": "Tôi là nguyen van an, sđt 0903123456, email bich@mail.vn, CCCD 079190123456.",
	})
	bad := jsonLine(t, basePetition(), map[string]any{
		"citizen_phone": phone, "citizen_name": name, "status": "lost",
		"content": "Tôi là Nguyễn Văn An, gọi 0903 123 456",
	})
	broken := `{"citizen_phone": "0903123456", "citizen_name": "Nguyễn Văn An", "content": "gọi 0903123456"` + "\n" +
		`{"id": ]] "citizen_name" : "Nguyễn Văn An", "citizen_phone":"0903 123 456"}` + "\n" +
		"{\"id\": \"\xff\", \"citizen_name\": \"Nguyễn Văn An\", \"citizen_phone\": \"0903 123 456\"}"
	post := jsonLine(t, basePost(), map[string]any{"text": "Liên hệ 0903.123.456 nhé"})
	badPost := jsonLine(t, basePost(), map[string]any{"platform": "x", "text": "gọi 0903 123 456"})
	var dump strings.Builder
	for _, run := range []struct {
		stream Stream
		input  string
	}{
		{StreamPetitions, good + "\n" + bad + "\n" + broken},
		{StreamPosts, post + "\n" + badPost},
	} {
		out := parseAll(t, p, run.stream, run.input, ParseOptions{})
		if out.Sum.Accepted != 1 || out.Sum.Rejected < 1 {
			t.Fatalf("%s: summary %+v (%+v)", run.stream, out.Sum, out.Rejected)
		}
		js, err := json.Marshal(out.Chunk)
		if err != nil {
			t.Fatal(err)
		}
		dump.Write(js)
		fmt.Fprintf(&dump, "%#v", out.Chunk) // every field, Raw and the hashes included
	}
	all := dump.String()
	for _, f := range forbidden {
		if strings.Contains(all, f) {
			t.Errorf("parsed output contains %q", f)
		}
	}
	if !strings.Contains(all, "[REDACTED]") || !strings.Contains(all, "[SĐT]") {
		t.Errorf("dead letters are not redacted as expected: %s", all)
	}
}

func TestParsePostEnriches(t *testing.T) {
	p := newTestParser(t)
	tests := []struct {
		name    string
		changes map[string]any
		check   func(t *testing.T, p models.Post)
	}{
		{"lexicon sentiment", nil, func(t *testing.T, p models.Post) {
			if p.SentimentSource != "lexicon" || p.SentimentLabel != "negative" || p.Sentiment >= 0 {
				t.Errorf("sentiment %v %s %s", p.Sentiment, p.SentimentLabel, p.SentimentSource)
			}
		}},
		{"upstream sentiment and its label", map[string]any{"sentiment": 0.5}, func(t *testing.T, p models.Post) {
			if p.SentimentSource != "upstream" || p.SentimentLabel != "positive" || p.Sentiment != 0.5 {
				t.Errorf("sentiment %v %s %s", p.Sentiment, p.SentimentLabel, p.SentimentSource)
			}
		}},
		{"upstream neutral", map[string]any{"sentiment": "-0.1"}, func(t *testing.T, p models.Post) {
			if p.SentimentLabel != "neutral" {
				t.Errorf("label %s", p.SentimentLabel)
			}
		}},
		{"topic inferred", nil, func(t *testing.T, p models.Post) {
			if p.Topic != "un_tac" || !p.TopicInferred {
				t.Errorf("topic %q inferred %v", p.Topic, p.TopicInferred)
			}
		}},
		{"upstream topic by name", map[string]any{"topic": "Ngập nước"}, func(t *testing.T, p models.Post) {
			if p.Topic != "ngap_nuoc" || p.TopicInferred {
				t.Errorf("topic %q inferred %v", p.Topic, p.TopicInferred)
			}
		}},
		{"upstream topic kept", map[string]any{"topic": "Giá vàng"}, func(t *testing.T, p models.Post) {
			if p.Topic != "Giá vàng" || p.TopicInferred {
				t.Errorf("topic %q", p.Topic)
			}
		}},
		{"no topic found", map[string]any{"text": "Hôm nay trời đẹp"}, func(t *testing.T, p models.Post) {
			if p.Topic != "" || p.TopicInferred {
				t.Errorf("topic %q inferred %v", p.Topic, p.TopicInferred)
			}
		}},
		{"ward inferred", nil, func(t *testing.T, p models.Post) {
			if p.WardCode != "26743" || !p.WardInferred {
				t.Errorf("ward %q inferred %v", p.WardCode, p.WardInferred)
			}
		}},
		{"ward given", map[string]any{"ward_code": 26740}, func(t *testing.T, p models.Post) {
			if p.WardCode != "26740" || p.WardInferred {
				t.Errorf("ward %q inferred %v", p.WardCode, p.WardInferred)
			}
		}},
		{"no ward cue", map[string]any{"text": "Bến Thành kẹt xe"}, func(t *testing.T, p models.Post) {
			if p.WardCode != "" || p.WardInferred {
				t.Errorf("ward %q inferred %v", p.WardCode, p.WardInferred)
			}
		}},
		{"author hashed", nil, func(t *testing.T, p models.Post) {
			want := piiHasher{secret: testSecret}.sum("post-author", "facebook\x00100012345678901")
			if p.AuthorHash != want {
				t.Errorf("author hash %q, want %q", p.AuthorHash, want)
			}
		}},
		{"author as a number", map[string]any{"author_id": 100012345678901}, func(t *testing.T, p models.Post) {
			want := piiHasher{secret: testSecret}.sum("post-author", "facebook\x00100012345678901")
			if p.AuthorHash != want {
				t.Errorf("author hash %q, want %q", p.AuthorHash, want)
			}
		}},
		{"no author", map[string]any{"author_id": nil}, func(t *testing.T, p models.Post) {
			if p.AuthorHash != "" {
				t.Errorf("author hash %q", p.AuthorHash)
			}
		}},
		{"text masked", map[string]any{"text": "Ai cần thì gọi 0903 123 456"}, func(t *testing.T, p models.Post) {
			if p.Text != "Ai cần thì gọi [SĐT]" {
				t.Errorf("text %q", p.Text)
			}
		}},
		{"version is the ingest time without updated_at", nil, func(t *testing.T, p models.Post) {
			if p.Version != uint64(testNow.UnixMilli()) {
				t.Errorf("version %d", p.Version)
			}
		}},
		{"version is updated_at when given", map[string]any{"updated_at": "2025-10-11T08:00:00+07:00"}, func(t *testing.T, p models.Post) {
			if p.Version != uint64(time.Date(2025, 10, 11, 8, 0, 0, 0, models.Location).UnixMilli()) {
				t.Errorf("version %d", p.Version)
			}
		}},
		{"counts", nil, func(t *testing.T, p models.Post) {
			if p.Likes != 12 || p.Shares != 3 || p.Comments != 5 || p.FirstSeen {
				t.Errorf("counts %d %d %d first seen %v", p.Likes, p.Shares, p.Comments, p.FirstSeen)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := parseAll(t, p, StreamPosts, jsonLine(t, basePost(), tt.changes), ParseOptions{Source: "test"})
			if len(out.Posts) != 1 {
				t.Fatalf("rejected: %+v", out.Rejected)
			}
			tt.check(t, out.Posts[0])
		})
	}
	// The same author on another platform is another voice.
	a := parseAll(t, p, StreamPosts, jsonLine(t, basePost(), map[string]any{"platform": "zalo"}), ParseOptions{})
	b := parseAll(t, p, StreamPosts, jsonLine(t, basePost(), nil), ParseOptions{})
	if a.Posts[0].AuthorHash == b.Posts[0].AuthorHash {
		t.Error("author hash does not depend on the platform")
	}
}

func TestParseNDJSONDecoding(t *testing.T) {
	p := newTestParser(t)
	valid := jsonLine(t, baseDossier(), nil)
	tests := []struct {
		name     string
		input    string
		accepted int
		rejected []Rejection // Line, Field, Message (Raw not compared)
		lines    int
	}{
		{"empty input", "", 0, nil, 0},
		{"blank lines are counted", "\n \n" + valid + "\n\t\n", 1, nil, 4},
		{"no final newline", valid + "\n" + valid, 2, nil, 2},
		{"CRLF", valid + "\r\n" + valid + "\r\n", 2, nil, 2},
		{"BOM", "\xEF\xBB\xBF" + valid + "\n", 1, nil, 1},
		{"unknown fields are ignored", strings.Replace(valid, "{", `{"new_field":{"a":[1,2,{"b":null}]},"x":1e5,`, 1), 1, nil, 1},
		{"repeated key: the last wins", strings.Replace(valid, `{`, `{"status":"nonsense",`, 1), 1, nil, 1},
		{"escapes", strings.Replace(valid, `"procedure_name":"Đăng ký khai sinh"`, `"procedure_name":"\u0110\u0103ng k\u00fd \"khai\" sinh \ud83d\ude00"`, 1), 1, nil, 1},
		{"null means absent", strings.Replace(valid, `"satisfaction":"satisfied"`, `"satisfaction":null`, 1), 1, nil, 1},
		{"bad escape", `{"id":"\q"}`, 0, []Rejection{{Line: 1, Message: `invalid JSON at byte 8: invalid escape \q`}}, 1},
		{"control character", "{\"id\":\"a\tb\"}", 0, []Rejection{{Line: 1, Message: "invalid JSON at byte 9: control character in a string (escape it)"}}, 1},
		{"bad number", `{"fee_vnd": 01}`, 0, []Rejection{{Line: 1, Message: "invalid JSON at byte 14: expected ',' or '}'"}}, 1},
		{"bad literal", `{"paid_online": tru}`, 0, []Rejection{{Line: 1, Message: "invalid JSON at byte 17: unknown literal (want true)"}}, 1},
		{"deep nesting", `{"x":` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, 0, []Rejection{{Line: 1, Message: "invalid JSON at byte 70: nested more than 64 levels deep"}}, 1},
		{"empty object", `{}`, 0, []Rejection{{Line: 1, Field: "id", Message: "is required"}}, 1},
		{"string at top level", `"hello"`, 0, []Rejection{{Line: 1, Message: "invalid JSON at byte 1: a line must hold one JSON object"}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := parseAll(t, p, StreamDossiers, tt.input, ParseOptions{})
			if out.Sum.Accepted != tt.accepted || out.Sum.Lines != tt.lines || out.Sum.Rejected != len(tt.rejected) {
				t.Fatalf("summary %+v, want %d lines %d accepted %d rejected; %+v", out.Sum, tt.lines, tt.accepted, len(tt.rejected), out.Rejected)
			}
			for i, want := range tt.rejected {
				got := out.Rejected[i]
				got.Raw = ""
				if got != want {
					t.Errorf("rejection %+v, want %+v", got, want)
				}
			}
		})
	}
	t.Run("escaped text decoded", func(t *testing.T) {
		line := strings.Replace(valid, `"procedure_name":"Đăng ký khai sinh"`, `"procedure_name":"\u0110\u0103ng k\u00fd \"khai\" sinh"`, 1)
		out := parseAll(t, p, StreamDossiers, line, ParseOptions{})
		if got := out.Dossiers[0].ProcedureName; got != `Đăng ký "khai" sinh` {
			t.Errorf("procedure_name %q", got)
		}
	})
}

func TestParseLongLine(t *testing.T) {
	p := newTestParser(t)
	valid := jsonLine(t, baseDossier(), nil)
	long := `{"id":"` + strings.Repeat("x", MaxLineBytes+10) + `"}`
	out := parseAll(t, p, StreamDossiers, valid+"\n"+long+"\n"+valid+"\n", ParseOptions{})
	if out.Sum != (Summary{Lines: 3, Accepted: 2, Rejected: 1}) {
		t.Fatalf("summary %+v", out.Sum)
	}
	r := out.Rejected[0]
	if r.Line != 2 || r.Field != "" || r.Message != "line is longer than 1048576 bytes (1 MiB)" || len(r.Raw) != MaxRawBytes {
		t.Errorf("rejection %d %q %q (raw %d bytes)", r.Line, r.Field, r.Message, len(r.Raw))
	}
}

func gzipped(tb testing.TB, s string) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if _, err := zw.Write([]byte(s)); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

func TestParseGzip(t *testing.T) {
	p := newTestParser(t)
	valid := jsonLine(t, baseDossier(), nil)
	in := gzipped(t, valid+"\n{bad\n"+valid+"\n")
	out, err := tryParseAll(p, StreamDossiers, bytes.NewReader(in), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if out.Sum != (Summary{Lines: 3, Accepted: 2, Rejected: 1}) || out.Rejected[0].Line != 2 {
		t.Fatalf("summary %+v rejections %+v", out.Sum, out.Rejected)
	}
	csvIn := gzipped(t, "id;procedure_code;unit_code;channel;status;received_at;due_at;updated_at\nH29.1;1.001193;H29.STP;online;received;2025-08-12T08:30:00+07:00;2025-08-15T08:30:00+07:00;2025-08-12T08:30:00+07:00\n")
	out, err = tryParseAll(p, StreamDossiers, bytes.NewReader(csvIn), ParseOptions{Format: "csv"})
	if err != nil || len(out.Dossiers) != 1 {
		t.Fatalf("gzip CSV: %v %+v", err, out.Rejected)
	}
	if _, err := tryParseAll(p, StreamDossiers, bytes.NewReader(in[:len(in)/2]), ParseOptions{}); err == nil {
		t.Error("truncated gzip: no error")
	}
}

func TestParseCSV(t *testing.T) {
	p := newTestParser(t)
	header := "id;procedure_code;unit_code;channel;status;received_at;due_at;completed_at;updated_at;fee_vnd;paid_online;digitized;satisfaction"
	row := func(id, extra string) string {
		return id + ";1.001193;H29.STP;online;completed;2025-08-12T08:30:00+07:00;2025-08-15T08:30:00+07:00;;2025-08-13T08:30:00+07:00;" + extra
	}
	t.Run("BOM, semicolons, CSV booleans and numbers", func(t *testing.T) {
		in := "\xEF\xBB\xBF" + header + "\r\n" +
			row("A", "1.500.000;có;x;") + "\r\n" +
			row("B", "0;không;;satisfied") + "\r\n" +
			row("C", "abc;;;") + "\r\n" +
			row("D", "10;maybe;;") + "\r\n"
		out := parseAll(t, p, StreamDossiers, in, ParseOptions{Format: "csv"})
		if out.Sum != (Summary{Lines: 5, Accepted: 2, Rejected: 2}) {
			t.Fatalf("summary %+v %+v", out.Sum, out.Rejected)
		}
		a, b := out.Dossiers[0], out.Dossiers[1]
		if a.FeeVND != 1500000 || !a.PaidOnline || !a.Digitized || a.CompletedAt != nil || a.Satisfaction != nil {
			t.Errorf("row A: %+v", a)
		}
		if b.PaidOnline || b.Digitized || b.Satisfaction == nil || *b.Satisfaction != "satisfied" {
			t.Errorf("row B: %+v", b)
		}
		want := []Rejection{
			{Line: 4, Field: "fee_vnd", Message: `must be a whole number ≥ 0, got "abc"`},
			{Line: 5, Field: "paid_online", Message: `must be true or false, got "maybe"`},
		}
		for i, w := range want {
			got := out.Rejected[i]
			if got.Line != w.Line || got.Field != w.Field || got.Message != w.Message {
				t.Errorf("rejection %+v, want %+v", got, w)
			}
		}
		if raw := out.Rejected[0].Raw; raw != row("C", "abc;;;") {
			t.Errorf("raw %q", raw)
		}
	})
	t.Run("commas, quotes and a multi-line field", func(t *testing.T) {
		h := strings.ReplaceAll(header, ";", ",") + ",procedure_name"
		r := func(id, name string) string {
			return strings.ReplaceAll(row(id, "0,false,false,"), ";", ",") + "," + name
		}
		in := h + "\n" + r("A", `"Đăng ký, khai sinh"`) + "\n" + r("B", "\"dòng một\ndòng hai\"") + "\n\n" + r("C", "x") + ",extra\n" + r("D", "ok") + "\n"
		out := parseAll(t, p, StreamDossiers, in, ParseOptions{Format: "csv"})
		if out.Sum.Accepted != 3 || out.Sum.Rejected != 1 || out.Sum.Lines != 7 {
			t.Fatalf("summary %+v %+v", out.Sum, out.Rejected)
		}
		if got := out.Dossiers[1].ProcedureName; got != "dòng một dòng hai" {
			t.Errorf("multi-line name %q", got)
		}
		if r := out.Rejected[0]; r.Line != 6 || r.Message != "wrong number of fields: the header has a different number of columns" {
			t.Errorf("rejection %+v", r)
		}
	})
	t.Run("header without a required column", func(t *testing.T) {
		_, err := tryParseAll(p, StreamDossiers, strings.NewReader("id,procedure_code\nA,1\n"), ParseOptions{Format: "csv"})
		var fe *models.FieldError
		if !errors.As(err, &fe) || fe.Line != 1 || fe.Field != "unit_code" || !errors.Is(err, models.ErrInvalid) {
			t.Fatalf("error %v", err)
		}
	})
	t.Run("headers match loosely", func(t *testing.T) {
		in := strings.ToUpper(header) + "\n" + row("A", "0;0;0;") + "\n"
		out := parseAll(t, p, StreamDossiers, in, ParseOptions{Format: "csv"})
		if len(out.Dossiers) != 1 {
			t.Fatalf("%+v", out.Rejected)
		}
	})
	t.Run("invalid UTF-8 cell", func(t *testing.T) {
		in := header + "\n" + row("A\xff", "0;0;0;") + "\n"
		out := parseAll(t, p, StreamDossiers, in, ParseOptions{Format: "csv"})
		if len(out.Rejected) != 1 || out.Rejected[0].Line != 2 || out.Rejected[0].Message != `column 1 "id" is not valid UTF-8` {
			t.Fatalf("%+v", out.Rejected)
		}
	})
	t.Run("bare quote", func(t *testing.T) {
		in := header + "\n" + row(`A"x`, "0;0;0;") + "\n" + row("B", "0;0;0;") + "\n"
		out := parseAll(t, p, StreamDossiers, in, ParseOptions{Format: "csv"})
		if out.Sum.Accepted != 1 || len(out.Rejected) != 1 || out.Rejected[0].Line != 2 || !strings.HasPrefix(out.Rejected[0].Message, "invalid CSV: ") {
			t.Fatalf("%+v %+v", out.Sum, out.Rejected)
		}
	})
	t.Run("empty file", func(t *testing.T) {
		out := parseAll(t, p, StreamDossiers, "", ParseOptions{Format: "csv"})
		if out.Sum != (Summary{}) || out.Chunks != 0 {
			t.Fatalf("%+v", out.Sum)
		}
	})
}

func TestParseChunks(t *testing.T) {
	p := newTestParser(t)
	var lines []string
	for i := range 25 {
		lines = append(lines, jsonLine(t, baseDossier(), map[string]any{"id": fmt.Sprint("D", i)}))
	}
	lines[7] = ""
	var chunks []Chunk
	sum, err := p.Parse(context.Background(), StreamDossiers, strings.NewReader(strings.Join(lines, "\n")), ParseOptions{ChunkLines: 10, Workers: 4}, func(c Chunk) error {
		chunks = append(chunks, c)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if sum != (Summary{Lines: 25, Accepted: 24}) || len(chunks) != 3 {
		t.Fatalf("summary %+v, %d chunks", sum, len(chunks))
	}
	wantRanges := [][2]int{{1, 10}, {11, 20}, {21, 25}}
	for i, c := range chunks {
		if c.FirstLine != wantRanges[i][0] || c.LastLine != wantRanges[i][1] || c.Petitions != nil || c.Posts != nil {
			t.Errorf("chunk %d: lines %d–%d", i, c.FirstLine, c.LastLine)
		}
	}
	if len(chunks[0].Dossiers) != 9 || chunks[2].Dossiers[4].ID != "D24" {
		t.Errorf("chunk contents %d %s", len(chunks[0].Dossiers), chunks[2].Dossiers[4].ID)
	}
}

func TestParseStops(t *testing.T) {
	p := newTestParser(t)
	var lines []string
	for range 100 {
		lines = append(lines, jsonLine(t, baseDossier(), nil))
	}
	input := strings.Join(lines, "\n")
	t.Run("fn error", func(t *testing.T) {
		stop := errors.New("stop")
		calls := 0
		sum, err := p.Parse(context.Background(), StreamDossiers, strings.NewReader(input), ParseOptions{ChunkLines: 10}, func(c Chunk) error {
			calls++
			if calls == 3 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != 3 || sum.Accepted != 20 {
			t.Fatalf("err %v, calls %d, summary %+v", err, calls, sum)
		}
	})
	t.Run("context cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		sum, err := p.Parse(ctx, StreamDossiers, strings.NewReader(input), ParseOptions{ChunkLines: 10}, func(c Chunk) error {
			cancel()
			return nil
		})
		if !errors.Is(err, context.Canceled) || sum.Accepted > 100 {
			t.Fatalf("err %v summary %+v", err, sum)
		}
	})
	t.Run("read error", func(t *testing.T) {
		broken := io.MultiReader(strings.NewReader(strings.Join(lines[:15], "\n")+"\n"), errReader{})
		var got int
		sum, err := p.Parse(context.Background(), StreamDossiers, broken, ParseOptions{ChunkLines: 10}, func(c Chunk) error {
			got += c.Accepted()
			return nil
		})
		if err == nil || !strings.Contains(err.Error(), "disk on fire") || got != 15 || sum.Accepted != 15 {
			t.Fatalf("err %v, delivered %d, summary %+v", err, got, sum)
		}
	})
	t.Run("a line cut by a read error is dropped", func(t *testing.T) {
		cut := lines[0][:len(lines[0])-1] + "}" // still a valid line: it must not be parsed
		broken := io.MultiReader(strings.NewReader(lines[0]+"\n"+cut), errReader{})
		out, err := tryParseAll(p, StreamDossiers, broken, ParseOptions{})
		if err == nil || out.Sum.Accepted != 1 || out.Sum.Rejected != 0 {
			t.Fatalf("err %v summary %+v", err, out.Sum)
		}
	})
	t.Run("max bytes", func(t *testing.T) {
		_, err := p.Parse(context.Background(), StreamDossiers, bytes.NewReader(gzipped(t, input)), ParseOptions{MaxBytes: 1000}, func(Chunk) error { return nil })
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("err %v, want ErrTooLarge", err)
		}
		sum, err := p.Parse(context.Background(), StreamDossiers, strings.NewReader(input), ParseOptions{MaxBytes: int64(len(input))}, func(Chunk) error { return nil })
		if err != nil || sum.Accepted != 100 {
			t.Fatalf("input of exactly MaxBytes: %v %+v", err, sum)
		}
	})
	t.Run("bad options", func(t *testing.T) {
		for _, c := range []struct {
			stream Stream
			opts   ParseOptions
		}{{"units", ParseOptions{}}, {StreamPosts, ParseOptions{Format: "xml"}}} {
			_, err := p.Parse(context.Background(), c.stream, strings.NewReader(""), c.opts, func(Chunk) error { return nil })
			if !errors.Is(err, models.ErrInvalid) {
				t.Errorf("%s %+v: err %v", c.stream, c.opts, err)
			}
		}
	})
}

type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestNewParserNeedsSecret(t *testing.T) {
	if _, err := NewParser(ParserConfig{HashSecret: []byte("short")}); err == nil {
		t.Error("short secret accepted")
	}
}

func TestParseWithoutGazetteer(t *testing.T) {
	p, err := NewParser(ParserConfig{HashSecret: testSecret, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	out := parseAll(t, p, StreamDossiers, jsonLine(t, baseDossier(), map[string]any{"ward_code": "743"})+"\n"+
		jsonLine(t, baseDossier(), map[string]any{"ward_code": "Phường Bến Thành"}), ParseOptions{})
	if len(out.Dossiers) != 1 || out.Dossiers[0].WardCode != "00743" {
		t.Errorf("dossiers %+v", out.Dossiers)
	}
	if len(out.Rejected) != 1 || out.Rejected[0].Message != `unknown ward name "Phường Bến Thành" (no wards are configured)` {
		t.Errorf("rejections %+v", out.Rejected)
	}
}

func TestParseProvinces(t *testing.T) {
	p, err := NewParser(ParserConfig{Wards: testWards(t), HashSecret: testSecret, Provinces: []string{"79"}, Now: func() time.Time { return testNow }})
	if err != nil {
		t.Fatal(err)
	}
	if w, err := p.Gazetteer().Lookup("Xã Thạnh An"); err != nil || w.Code != "27676" {
		t.Errorf("Thạnh An in 79 only: %s %v", w.Code, err)
	}
	if _, err := p.Gazetteer().Lookup("31231"); err == nil {
		t.Error("a Cần Thơ ward is known to a Ho Chi Minh City parser")
	}
}

// countNonBlank counts the lines that are not blank, as Parse does.
func countNonBlank(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

func FuzzParseNDJSON(f *testing.F) {
	f.Add(jsonLine(f, baseDossier(), nil) + "\n" + `{"id":1}` + "\n\n" + `{"x":[1,{"y":"\u00e9"}]}`)
	f.Add(jsonLine(f, basePetition(), nil))
	f.Add(jsonLine(f, basePost(), nil) + "\r\n[]")
	f.Add(`{"id":"a","received_at":"2025-01-01T00:00:00Z","due_at":"2024-01-01T00:00:00Z"}`)
	f.Add("{\"a\":\"\\ud800\"}\n\xff")
	p := newTestParser(f)
	f.Fuzz(func(t *testing.T, input string) {
		if len(input) > 1<<16 || strings.HasPrefix(input, "\x1f\x8b") {
			return
		}
		want := countNonBlank(strings.TrimPrefix(input, "\xEF\xBB\xBF"))
		for _, stream := range []Stream{StreamDossiers, StreamPetitions, StreamPosts} {
			out, err := tryParseAll(p, stream, strings.NewReader(input), ParseOptions{ChunkLines: 3})
			if err != nil {
				t.Fatalf("%s: %v", stream, err)
			}
			if out.Sum.Accepted+out.Sum.Rejected != want || out.Sum.Accepted != out.Accepted() || out.Sum.Rejected != len(out.Rejected) {
				t.Fatalf("%s: summary %+v, rows %d, rejections %d; want %d non-blank lines", stream, out.Sum, out.Accepted(), len(out.Rejected), want)
			}
			for _, r := range out.Rejected {
				if r.Line < 1 || r.Line > out.Sum.Lines || r.Message == "" || !utf8ValidString(r.Raw) {
					t.Fatalf("%s: bad rejection %+v", stream, r)
				}
			}
		}
	})
}

func FuzzParseCSV(f *testing.F) {
	f.Add("id;procedure_code;unit_code;channel;status;received_at;due_at;updated_at\nA;1;U;online;received;2025-08-12T08:30:00+07:00;2025-08-15T08:30:00+07:00;2025-08-12T08:30:00+07:00\n")
	f.Add("id,platform,published_at,text\n1,facebook,2025-10-10T19:45:00+07:00,ngập quá\n2,x,y,z\n\n3,zalo\n")
	f.Add("id,received_at,channel,category,status,updated_at,citizen_phone\n\"a\"\"b\",2025-10-01T08:00:00+07:00,hotline,ngap_nuoc,new,2025-10-01T08:00:00+07:00,0903123456\n")
	p := newTestParser(f)
	f.Fuzz(func(t *testing.T, input string) {
		if len(input) > 1<<16 || strings.HasPrefix(input, "\x1f\x8b") {
			return
		}
		for _, stream := range []Stream{StreamDossiers, StreamPetitions, StreamPosts} {
			out, err := tryParseAll(p, stream, strings.NewReader(input), ParseOptions{Format: "csv", ChunkLines: 2})
			if err != nil {
				if !errors.Is(err, models.ErrInvalid) {
					t.Fatalf("%s: %v", stream, err)
				}
				continue // a header the stream cannot use
			}
			if out.Sum.Accepted != out.Accepted() || out.Sum.Rejected != len(out.Rejected) {
				t.Fatalf("%s: summary %+v disagrees with the chunks", stream, out.Sum)
			}
			body := strings.TrimPrefix(input, "\xEF\xBB\xBF")
			if !strings.ContainsAny(body, "\"\r") {
				// Without quotes every non-empty line after the header is one record.
				lines := strings.Split(body, "\n")
				want := 0
				for _, l := range lines[1:] {
					if l != "" {
						want++
					}
				}
				if got := out.Sum.Accepted + out.Sum.Rejected; got != want {
					t.Fatalf("%s: %d rows + rejections, want %d records", stream, got, want)
				}
			}
			last := 1
			for _, r := range out.Rejected {
				if r.Line <= last-1 || r.Line < 2 || r.Message == "" || !utf8ValidString(r.Raw) {
					t.Fatalf("%s: bad rejection %+v after line %d", stream, r, last)
				}
				last = r.Line
			}
		}
	})
}

func utf8ValidString(s string) bool { return strings.ToValidUTF8(s, "\uFFFD") == s }

func BenchmarkParsePetitions(b *testing.B) {
	p := newTestParser(b)
	var buf bytes.Buffer
	for i := range 20000 {
		buf.WriteString(jsonLine(b, basePetition(), map[string]any{"id": fmt.Sprint("PA-", i)}))
		buf.WriteByte('\n')
	}
	benchParse(b, p, StreamPetitions, buf.Bytes())
}

func BenchmarkParsePosts(b *testing.B) {
	p := newTestParser(b)
	var buf bytes.Buffer
	for i := range 20000 {
		buf.WriteString(jsonLine(b, basePost(), map[string]any{"id": fmt.Sprint("fb_", i)}))
		buf.WriteByte('\n')
	}
	benchParse(b, p, StreamPosts, buf.Bytes())
}

func benchParse(b *testing.B, p *Parser, stream Stream, data []byte) {
	b.Helper()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	b.ResetTimer()
	lines := 0
	for b.Loop() {
		sum, err := p.Parse(context.Background(), stream, bytes.NewReader(data), ParseOptions{}, func(c Chunk) error {
			if len(c.Rejected) > 0 {
				return fmt.Errorf("line %d: %s: %s", c.Rejected[0].Line, c.Rejected[0].Field, c.Rejected[0].Message)
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		lines += sum.Lines
	}
	b.ReportMetric(float64(lines)/b.Elapsed().Seconds(), "lines/s")
}

// FuzzJSONDecoder checks the hand-written decoder against encoding/json: the same lines are
// valid, and strings and number literals decode alike (duplicate keys: the last one wins).
func FuzzJSONDecoder(f *testing.F) {
	for _, s := range []string{`{"a":"b"}`, `{"a":1.5e3,"b":[1,{"c":null}],"a":"\u00e9\ud83d\ude00"}`, `{"a":"\ud800x"}`, `{ }`, `{"a":-0}`, `{"a":01}`, `{"a":"\/"}`, `{"a":tru}`, `{"a":[}`, `{"a":1}x`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !strings.HasPrefix(strings.TrimLeft(s, " \t\r\n"), "{") || !utf8ValidString(s) {
			return
		}
		got := map[string]rawVal{}
		d := jsonDecoder{s: s}
		msg := d.object(func(k string, v rawVal) { got[k] = v })
		want := map[string]any{}
		dec := json.NewDecoder(strings.NewReader(s))
		dec.UseNumber()
		err := dec.Decode(&want)
		if err == nil && dec.More() {
			err = errors.New("trailing data")
		}
		if err == nil {
			if _, terr := dec.Token(); terr != io.EOF {
				err = errors.New("trailing data")
			}
		}
		if (msg == "") != (err == nil) {
			t.Fatalf("%q: decoder says %q, encoding/json says %v", s, msg, err)
		}
		if err != nil {
			return
		}
		for k, w := range want {
			g := got[k]
			switch w := w.(type) {
			case string:
				if g.kind != jString || g.s != w {
					t.Fatalf("%q: key %q = %q (%v), encoding/json %q", s, k, g.s, g.kind, w)
				}
			case json.Number:
				if g.kind != jNumber || g.s != string(w) {
					t.Fatalf("%q: key %q = %q, encoding/json %q", s, k, g.s, w)
				}
			case bool:
				if g.kind != jBool || g.s != fmt.Sprint(w) {
					t.Fatalf("%q: key %q = %q, encoding/json %v", s, k, g.s, w)
				}
			case nil:
				if g.kind != jNull {
					t.Fatalf("%q: key %q kind %v, want null", s, k, g.kind)
				}
			}
			if s[g.lo:g.hi] == "" {
				t.Fatalf("%q: key %q has an empty span", s, k)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%q: %d keys, encoding/json %d", s, len(got), len(want))
		}
	})
}
