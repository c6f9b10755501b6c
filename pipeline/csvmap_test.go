package pipeline

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
)

func loadTestMapping(tb testing.TB, path string) *Mapping {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	m, err := LoadMapping(f)
	if err != nil {
		tb.Fatalf("LoadMapping(%s): %v", path, err)
	}
	return m
}

// TestHotlineExport parses the worked example of docs/mapping.md end to end.
func TestHotlineExport(t *testing.T) {
	p := newTestParser(t)
	m := loadTestMapping(t, filepath.Join("testdata", "ingest", "hotline_mapping.yaml"))
	f, err := os.Open(filepath.Join("testdata", "ingest", "hotline_export.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out, err := tryParseAll(p, StreamPetitions, f, ParseOptions{Format: "csv", Mapping: m, Source: "import:hotline_export.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if out.Sum != (Summary{Lines: 13, Accepted: 7, Rejected: 4}) {
		t.Fatalf("summary %+v; rejections %+v", out.Sum, out.Rejected)
	}
	wantRej := []Rejection{
		{Line: 8, Field: "ward_code", Message: `ambiguous ward name "Thanh An": it fits 25807 Xã Thanh An, 27676 Xã Thạnh An, 31231 Xã Thạnh An; send the code or the name with diacritics (column "Phường/Xã")`},
		{Line: 9, Field: "ward_code", Message: `unknown ward name "Phường 12" (column "Phường/Xã")`},
		{Line: 10, Field: "updated_at", Message: `"35/10/2025 08:00" does not match the time formats of the mapping (02/01/2006 15:04) or RFC 3339 (column "Ngày cập nhật")`},
		{Line: 13, Field: "status", Message: `unknown value "Đã đóng"; want one of new, forwarded, processing, resolved, rejected, reopened (column "Trạng thái")`},
	}
	for i, w := range wantRej {
		got := out.Rejected[i]
		if got.Line != w.Line || got.Field != w.Field || got.Message != w.Message {
			t.Errorf("rejection\n  %d %s: %s\nwant\n  %d %s: %s", got.Line, got.Field, got.Message, w.Line, w.Field, w.Message)
		}
		if !strings.Contains(got.Raw, "PA-2510-") || !strings.Contains(got.Raw, ";") {
			t.Errorf("rejection raw %q", got.Raw)
		}
	}
	if !strings.Contains(out.Rejected[0].Raw, "[REDACTED]") || strings.Contains(out.Rejected[0].Raw, "0911222333") {
		t.Errorf("dead letter keeps the phone: %q", out.Rejected[0].Raw)
	}

	byID := map[string]models.Petition{}
	for _, pt := range out.Petitions {
		byID[pt.ID] = pt
	}
	at := func(s string) string {
		tm, err := time.ParseInLocation("02/01/2006 15:04", s, models.Location)
		if err != nil {
			t.Fatal(err)
		}
		return tm.Format(time.RFC3339)
	}
	str := func(p *string) string {
		if p == nil {
			return "<nil>"
		}
		return *p
	}
	tm := func(p *time.Time) string {
		if p == nil {
			return "<nil>"
		}
		return p.Format(time.RFC3339)
	}
	tests := []struct {
		id     string
		checks map[string][2]string // what → got, want
	}{
		{"PA-2510-000101", nil},
		{"PA-2510-000102", nil},
		{"PA-2510-000103", nil},
		{"PA-2510-000104", nil},
		{"PA-2510-000105", nil},
		{"PA-2510-000109", nil},
		{"PA-2510-000110", nil},
	}
	for i := range tests {
		pt, ok := byID[tests[i].id]
		if !ok {
			t.Fatalf("petition %s not accepted", tests[i].id)
		}
		switch tests[i].id {
		case "PA-2510-000101":
			tests[i].checks = map[string][2]string{
				"received_at": {pt.ReceivedAt.Format(time.RFC3339), at("01/10/2025 07:45")},
				"channel":     {pt.Channel, "hotline"},
				"category":    {pt.Category, "ngap_nuoc"},
				"ward":        {pt.WardCode, "26743"},
				"unit":        {pt.UnitCode, "H29.26743"},
				"status":      {pt.Status, "resolved"},
				"resolved_at": {tm(pt.ResolvedAt), at("02/10/2025 16:20")},
				"due_at":      {pt.DueAt.Format(time.RFC3339), at("06/10/2025 07:45")},
				"rating":      {str(pt.Satisfaction), "satisfied"},
				"phone":       {pt.CitizenPhoneMasked, "090****456"},
				"content":     {pt.Content, "Sau cơn mưa chiều 30/9, đoạn trước số [SỐ NHÀ] đường Lê Thánh Tôn ngập 40cm, xe chết máy hàng loạt. Liên hệ [SĐT]."},
				"topic":       {pt.Topic, "ngap_nuoc"},
				"source":      {pt.Source, "import:hotline_export.csv"},
			}
		case "PA-2510-000102":
			tests[i].checks = map[string][2]string{
				"subcategory": {pt.Subcategory, "karaoke"},
				"topic":       {pt.Topic, "karaoke"},
				"ward":        {pt.WardCode, "26740"},
				"phone":       {pt.CitizenPhoneMasked, "091****678"},
				"content":     {pt.Content, "Quán nhậu đầu hẻm 45 hát karaoke tới 0 giờ;\nđêm nào cũng vậy, con nhỏ không ngủ được. Tôi là [TÊN]."},
				"resolved_at": {tm(pt.ResolvedAt), "<nil>"},
			}
		case "PA-2510-000103":
			tests[i].checks = map[string][2]string{
				"status": {pt.Status, "forwarded"},
				"unit":   {pt.UnitCode, "H29.SXD"},
				"ward":   {pt.WardCode, ""}, // "trạm Bến Thành" has no ward cue
				"due_at": {pt.DueAt.Format(time.RFC3339), at("07/10/2025 09:30")},
				"phone":  {pt.CitizenPhoneMasked, "028*****567"},
				"topic":  {pt.Topic, "xe_buyt"},
			}
		case "PA-2510-000104":
			tests[i].checks = map[string][2]string{
				"ward":    {pt.WardCode, "27676"},
				"phone":   {pt.CitizenPhoneMasked, ""},
				"hashed":  {fmt.Sprint(len(pt.CitizenHash)), "32"},
				"content": {pt.Content, "Cho hỏi đăng ký khai sinh cho con trên dịch vụ công cần giấy tờ gì? Email: [EMAIL]"},
				"topic":   {pt.Topic, "hanh_chinh_cong"},
			}
		case "PA-2510-000105":
			tests[i].checks = map[string][2]string{
				"category": {pt.Category, "ha_tang_do_thi"},
				"topic":    {pt.Topic, "chieu_sang"},
				"rating":   {str(pt.Satisfaction), "dissatisfied"},
				"phone":    {pt.CitizenPhoneMasked, "098****321"},
			}
		case "PA-2510-000109":
			tests[i].checks = map[string][2]string{
				"ward":   {pt.WardCode, "26732"},
				"status": {pt.Status, "rejected"},
				"topic":  {pt.Topic, "un_tac"},
			}
		case "PA-2510-000110":
			tests[i].checks = map[string][2]string{
				"category": {pt.Category, "khac"},
				"topic":    {pt.Topic, "karaoke"},
				"ward":     {pt.WardCode, "26743"},
			}
		}
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			for what, c := range tt.checks {
				if c[0] != c[1] {
					t.Errorf("%s: got %q, want %q", what, c[0], c[1])
				}
			}
		})
	}
	dump := fmt.Sprintf("%#v", out.Chunk)
	for _, pii := range []string{"0903123456", "0903 123 456", "912 345 678", "3823 4567", "0987.654.321", "Nguyễn Văn An", "Trần Thị Bích", "Lê Thị Chi", "chi.le@gmail.com", "0911222333"} {
		if strings.Contains(dump, pii) {
			t.Errorf("parsed output contains %q", pii)
		}
	}
}

// TestDocsMappingExample keeps docs/mapping.md true: it shows the example files as they are.
func TestDocsMappingExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "mapping.md"))
	if err != nil {
		t.Fatal(err)
	}
	yml, err := os.ReadFile(filepath.Join("testdata", "ingest", "hotline_mapping.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(doc), string(yml)) {
		t.Error("docs/mapping.md does not show testdata/ingest/hotline_mapping.yaml verbatim")
	}
	csvData, err := os.ReadFile(filepath.Join("testdata", "ingest", "hotline_export.csv"))
	if err != nil {
		t.Fatal(err)
	}
	header, _, _ := strings.Cut(strings.TrimPrefix(string(csvData), "\xEF\xBB\xBF"), "\r\n")
	if !strings.Contains(string(doc), header) {
		t.Error("docs/mapping.md does not show the header of testdata/ingest/hotline_export.csv")
	}
}

func TestLoadMappingErrors(t *testing.T) {
	tests := []struct {
		name  string
		yaml  string
		line  int
		field string
		msg   string // substring
	}{
		{"empty", "", 0, "", "mapping is empty"},
		{"not a mapping", "- a\n- b\n", 1, "", "must be a YAML mapping"},
		{"syntax", "columns:\n  a: b\n c: d\n", 2, "", "invalid YAML"},
		{"unknown key", "stream: petitions\ncolums:\n  A: id\n", 2, "colums", "unknown key"},
		{"repeated key", "stream: petitions\nstream: posts\n", 2, "stream", "is given twice"},
		{"unknown stream", "stream: units\n", 1, "stream", `unknown stream "units"`},
		{"unknown field for the stream", "stream: petitions\ncolumns:\n  Mã: id\n  Ngày: recieved_at\n", 4, "columns.Ngày", `unknown field "recieved_at" for petitions`},
		{"unknown field for any stream", "columns:\n  X: nothing\n", 2, "columns.X", `unknown field "nothing" for any stream`},
		{"field of another stream", "stream: dossiers\ncolumns:\n  X: citizen_phone\n", 3, "columns.X", `unknown field "citizen_phone" for dossiers`},
		{"two columns, one field", "columns:\n  A: id\n  B: id\n", 3, "columns.B", `maps to id, as column "A" does`},
		{"column value not a scalar", "columns:\n  A: [id]\n", 2, "columns.A", "must be a single value"},
		{"column without a value", "columns:\n  A:\n", 2, "columns.A", "needs a value"},
		{"constant clashes with a column", "columns:\n  Kênh: channel\nconstants:\n  channel: hotline\n", 4, "constants.channel", `is also given by column "Kênh"`},
		{"constant outside the vocabulary", "stream: petitions\nconstants:\n  channel: phone\n", 3, "constants.channel", `"phone" is not a channel value`},
		{"value outside the vocabulary", "stream: petitions\nvalues:\n  status:\n    Mới: new\n    Xong: done\n", 5, "values.status.Xong", `"done" is not a status value; want one of new, forwarded`},
		{"values of an unknown field", "values:\n  statut:\n    a: b\n", 2, "values.statut", `unknown field "statut"`},
		{"values not a mapping", "values:\n  status: new\n", 2, "values.status", "must be a mapping"},
		{"bad layout", "times:\n  received_at: dd/mm/yy\n", 2, "times.received_at", "does not read a date"},
		{"Go layout without a day", "times:\n  received_at: \"2006-01\"\n", 2, "times.received_at", "does not read a date"},
		{"time layout on a text field", "stream: petitions\ntimes:\n  title: dd/MM/yyyy\n", 3, "times.title", "title is not a time field"},
		{"unknown time zone", "time_zone: Asia/Saigon2\n", 1, "time_zone", `unknown time zone "Asia/Saigon2"`},
		{"bad delimiter", "delimiter: \"::\"\n", 1, "delimiter", "must be one of"},
		{"skip not a list", "skip:\n  a: b\n", 2, "skip", "must be a list"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadMapping(strings.NewReader(tt.yaml))
			var fe *models.FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("LoadMapping error = %v, want a *models.FieldError", err)
			}
			if fe.Line != tt.line || fe.Field != tt.field || !strings.Contains(fe.Message, tt.msg) {
				t.Fatalf("error = line %d field %q message %q; want line %d field %q message with %q", fe.Line, fe.Field, fe.Message, tt.line, tt.field, tt.msg)
			}
		})
	}
}

func TestMappingWrongStream(t *testing.T) {
	p := newTestParser(t)
	m := loadTestMapping(t, filepath.Join("testdata", "ingest", "hotline_mapping.yaml"))
	_, err := tryParseAll(p, StreamDossiers, strings.NewReader("a;b\n"), ParseOptions{Format: "csv", Mapping: m})
	if !errors.Is(err, models.ErrInvalid) || !strings.Contains(err.Error(), "the mapping is for petitions, not dossiers") {
		t.Fatalf("err %v", err)
	}
	// A mapping without a stream is checked when it is used.
	m2, err := LoadMapping(strings.NewReader("columns:\n  X: citizen_phone\n"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = tryParseAll(p, StreamDossiers, strings.NewReader(""), ParseOptions{Mapping: m2})
	var fe *models.FieldError
	if !errors.As(err, &fe) || fe.Field != "columns.X" || fe.Line != 2 {
		t.Fatalf("err %v", err)
	}
}

// TestMappingNDJSON renames the keys of a listening tool's feed and reads its own time formats.
func TestMappingNDJSON(t *testing.T) {
	p := newTestParser(t)
	m, err := LoadMapping(strings.NewReader(`
stream: posts
time_zone: UTC
columns:
  post_id: id
  network: platform
  created: published_at
  crawled_ms: updated_at
  body: text
  reactions: likes
  user: author_id
skip: [topic]
values:
  platform: {FB: facebook, "Tin tức": news}
times:
  published_at: [yyyy-MM-dd HH:mm:ss, dd/MM/yyyy]
  updated_at: unix_ms
`))
	if err != nil {
		t.Fatal(err)
	}
	in := `{"post_id":"p1","network":"fb","created":"2025-10-10 12:45:00","crawled_ms":1760101000000,"body":"Kẹt xe quá","reactions":"7","user":"u1","topic":"ignored"}
{"Post_ID":"p2","NETWORK":"tin tuc","created":"10/10/2025","body":"Rác khắp nơi"}
{"post_id":"p3","network":"fb","created":"10-10-2025","body":"x"}
`
	out := parseAll(t, p, StreamPosts, in, ParseOptions{Mapping: m})
	if len(out.Posts) != 2 || len(out.Rejected) != 1 {
		t.Fatalf("posts %d, rejected %+v", len(out.Posts), out.Rejected)
	}
	a, b := out.Posts[0], out.Posts[1]
	if a.ID != "p1" || a.Platform != "facebook" || a.PublishedAt.Format(time.RFC3339) != "2025-10-10T19:45:00+07:00" ||
		a.Version != 1760101000000 || a.Likes != 7 || a.AuthorHash == "" || a.Topic != "un_tac" || !a.TopicInferred {
		t.Errorf("post 1: %+v", a)
	}
	if b.ID != "p2" || b.Platform != "news" || b.PublishedAt.Format(time.RFC3339) != "2025-10-10T07:00:00+07:00" || b.Topic != "rac_thai" {
		t.Errorf("post 2: %+v", b)
	}
	r := out.Rejected[0]
	if r.Line != 3 || r.Field != "published_at" || !strings.Contains(r.Message, `"10-10-2025" does not match the time formats of the mapping`) || !strings.HasSuffix(r.Message, `(column "created")`) {
		t.Errorf("rejection %+v", r)
	}
}

func TestCompileLayout(t *testing.T) {
	tests := []struct{ in, want, err string }{
		{"dd/MM/yyyy HH:mm", "02/01/2006 15:04", ""},
		{"yyyy-MM-dd HH:mm:ss", "2006-01-02 15:04:05", ""},
		{"dd/MM/yy", "02/01/06", ""},
		{"02/01/2006 15:04", "02/01/2006 15:04", ""},
		{"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05Z07:00", ""},
		{"RFC3339", "rfc3339", ""},
		{"unix", "unix", ""},
		{"unix_ms", "unix_ms", ""},
		{"dd/mm/yyyy", "", "does not read a date"}, // mm is minutes
		{"15:04", "", "does not read a date"},
		{"", "", "layout is empty"},
	}
	for _, tt := range tests {
		got, err := compileLayout(tt.in)
		if got != tt.want || !strings.Contains(err, tt.err) || (tt.err == "") != (err == "") {
			t.Errorf("compileLayout(%q) = %q, %q; want %q, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestMappingValueMatchesLoosely(t *testing.T) {
	p := newTestParser(t)
	m := loadTestMapping(t, filepath.Join("testdata", "ingest", "hotline_mapping.yaml"))
	in := "Mã phản ánh;Ngày tiếp nhận;Lĩnh vực;Trạng thái;Ngày cập nhật\n" +
		"A;01/10/2025 07:45;ngap nuoc;DA XU LY;01/10/2025 08:00\n" +
		"B;2025-10-01T07:45:00+07:00;Tiếng ồn;  đang xử lý ;2025-10-01T08:00:00+07:00\n"
	out := parseAll(t, p, StreamPetitions, in, ParseOptions{Format: "csv", Mapping: m})
	if len(out.Petitions) != 2 {
		t.Fatalf("rejected %+v", out.Rejected)
	}
	if out.Petitions[0].Status != "resolved" || out.Petitions[0].Category != "ngap_nuoc" || out.Petitions[1].Status != "processing" {
		t.Errorf("%+v", out.Petitions)
	}
}

// TestMappingBuiltInGo: a Mapping written as a Go value (not loaded from YAML) works the same.
func TestMappingBuiltInGo(t *testing.T) {
	p := newTestParser(t)
	m := &Mapping{
		Columns:   map[string]string{"Mã": "id", "Ngày": "received_at", "Cập nhật": "updated_at"},
		Constants: map[string]string{"channel": "app", "category": "khac", "status": "new"},
		Times:     map[string][]string{"*": {"dd/MM/yyyy HH:mm"}},
		TimeZone:  "UTC",
	}
	out := parseAll(t, p, StreamPetitions, "Mã,Ngày,Cập nhật\nA,01/10/2025 01:00,01/10/2025 02:00\n", ParseOptions{Format: "csv", Mapping: m})
	if len(out.Petitions) != 1 || out.Petitions[0].ReceivedAt.Format(time.RFC3339) != "2025-10-01T08:00:00+07:00" || out.Petitions[0].Channel != "app" {
		t.Fatalf("%+v %+v", out.Petitions, out.Rejected)
	}
}
