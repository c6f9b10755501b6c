package pipeline_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/pipeline"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// injectionCorpus reads the dashboard's corpus (dashboard/testdata/injection.txt) and expands
// its byte markers as dashboard/security_test.go does.
func injectionCorpus(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile("../dashboard/testdata/injection.txt")
	if err != nil {
		t.Fatal(err)
	}
	marks := strings.NewReplacer("«NUL»", "\x00", "«CR»", "\r", "«LF»", "\n", "«FF»", "\xff", "«C0»", "\xc0")
	var out []string
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if rest, ok := strings.CutSuffix(line, "«LONG»"); ok {
			line = strings.Repeat(rest, 10000/len(rest)+1)[:10000]
		} else if i := strings.Index(line, "«LONG»"); i >= 0 {
			rest := strings.Replace(line, "«LONG»", "", 1)
			line = rest + strings.Repeat("A", 10000-len(rest))
		}
		out = append(out, marks.Replace(line))
	}
	if len(out) < 100 {
		t.Fatalf("corpus of %d payloads", len(out))
	}
	return out
}

// sqlRecorder is the engine with every SQL text (and insert target) it is handed kept.
type sqlRecorder struct {
	store.DB
	mu   sync.Mutex
	sqls []string
}

func (r *sqlRecorder) add(q string) {
	r.mu.Lock()
	r.sqls = append(r.sqls, q)
	r.mu.Unlock()
}

func (r *sqlRecorder) Exec(ctx context.Context, q string, p store.Params) error {
	r.add(q)
	return r.DB.Exec(ctx, q, p)
}

func (r *sqlRecorder) Query(ctx context.Context, dest any, q string, p store.Params) error {
	r.add(q)
	return r.DB.Query(ctx, dest, q, p)
}

func (r *sqlRecorder) QueryReadOnly(ctx context.Context, q string, p store.Params) (*store.Table, error) {
	r.add(q)
	return r.DB.QueryReadOnly(ctx, q, p)
}

func (r *sqlRecorder) Insert(ctx context.Context, table string, rows any, opts ...store.InsertOption) error {
	r.add("INSERT INTO " + table)
	return r.DB.Insert(ctx, table, rows, opts...)
}

// clearMappingError checks err is a *models.FieldError naming the YAML line or the key at
// fault, with a message and no internals.
func clearMappingError(t *testing.T, what string, err error) {
	t.Helper()
	var fe *models.FieldError
	if !errors.As(err, &fe) || fe.Message == "" || (fe.Line == 0 && fe.Field == "") {
		t.Errorf("%s: error %v (%T) does not name the line or field", what, err, err)
		return
	}
	if strings.Contains(fe.Message, "runtime error") || strings.Contains(fe.Message, "panic") {
		t.Errorf("%s: internal error shown: %v", what, err)
	}
}

// mappingYAML renders a mapping document (yaml.v3 quotes whatever the payload holds).
func mappingYAML(t *testing.T, doc map[string]any) []byte {
	t.Helper()
	b, err := yaml.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// placeholderOnly payloads are one {name:Type} placeholder, text the queries hold themselves.
var placeholderOnly = regexp.MustCompile(`^\{[a-z_]+:[A-Za-z0-9()]+\}$`)

// TestMappingInjection runs the injection corpus through `govpulse import --mapping`'s path
// (LoadMapping, the CSV parser with the mapping, the deliverer into the real engine): every
// payload as a source column name, a constant, a value to translate, a CSV cell of text fields
// and of coded fields; and as a mapping target, a translation result and a time layout, which
// must be refused with an error naming the YAML line or key. No payload reaches the engine as
// SQL text; what is stored is the text sent.
func TestMappingInjection(t *testing.T) {
	ctx := context.Background()
	corpus := injectionCorpus(t)
	raw := storetest.Open(t)
	if _, err := store.Migrate(ctx, raw, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	dims, err := store.LoadDimensions(ctx, raw)
	if err != nil {
		t.Fatal(err)
	}
	rec := &sqlRecorder{DB: raw}
	parser, err := pipeline.NewParser(pipeline.ParserConfig{Wards: dims.Wards, Units: dims.Units, Categories: dims.Categories,
		HashSecret: []byte("mapping-injection-secret")})
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	if err := raw.Query(ctx, &tables, "SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name", store.Params{"db": raw.Info().Database}); err != nil {
		t.Fatal(err)
	}
	ward, category := dims.Wards[0].Code, dims.Categories[0].Code
	at := time.Date(2025, 10, 6, 8, 0, 0, 0, models.Location).Format(time.RFC3339)
	var batch pipeline.Batch
	loaded, refused, accepted, rejected, unreadable := 0, 0, 0, 0, 0
	sent := map[string]string{} // petition id → title sent (the payload)
	for i, p := range corpus {
		// Refused roles: a payload as a target field, an enum translation result, a time
		// layout of a field that is not a time field.
		for _, doc := range []map[string]any{
			{"stream": "petitions", "columns": map[string]any{"Tiêu đề": p}},
			{"stream": "petitions", "values": map[string]any{"status": map[string]any{"Mới": p}}},
			{"stream": "petitions", "constants": map[string]any{"channel": p}},
			{"stream": "petitions", "times": map[string]any{p: []string{"dd/MM/yyyy"}}},
			{"stream": p},
		} {
			if _, err := pipeline.LoadMapping(bytes.NewReader(mappingYAML(t, doc))); err == nil {
				t.Errorf("payload %d: mapping %v accepted", i, doc)
			} else {
				refused++
				clearMappingError(t, fmt.Sprintf("payload %d", i), err)
			}
		}
		// A payload as a time layout of every time field: accepted or refused clearly.
		if _, err := pipeline.LoadMapping(bytes.NewReader(mappingYAML(t, map[string]any{"stream": "petitions", "times": map[string]any{"*": []string{p}}}))); err != nil {
			clearMappingError(t, fmt.Sprintf("payload %d as a time layout", i), err)
		}

		// Accepted roles: the payload names a source column (content), is the constant title,
		// and is a status value translated to "resolved".
		doc := map[string]any{
			"stream": "petitions", "delimiter": ",",
			"columns": map[string]any{"Mã": "id", "Ngày": "received_at", "Cập nhật": "updated_at", "Loại": "category",
				"Phường": "ward_code", "Trạng thái": "status", p: "content", "Họ tên": "citizen_name"},
			"constants": map[string]any{"channel": "web", "title": p},
			"values":    map[string]any{"status": map[string]any{p: "resolved"}},
		}
		m, err := pipeline.LoadMapping(bytes.NewReader(mappingYAML(t, doc)))
		if err != nil {
			clearMappingError(t, fmt.Sprintf("payload %d as a column, constant and value", i), err)
			continue
		}
		loaded++
		var in bytes.Buffer
		w := csv.NewWriter(&in)
		id := fmt.Sprintf("map-%d", i)
		w.Write([]string{"Mã", "Ngày", "Cập nhật", "Loại", "Phường", "Trạng thái", p, "Họ tên"})
		w.Write([]string{id, at, at, category, ward, p, p, "Trần Thị Bảo"})                     // every payload cell valid
		w.Write([]string{id + "-b", at, at, p, p, "Mới", p + " " + p, p})                       // payload as category and ward: refused
		w.Write([]string{id + "-c", p, at, category, ward, "Đã xử lý", "nội dung", "Trần Bảo"}) // payload as a time
		w.Flush()
		source := "import:payload-" + fmt.Sprint(i)
		sum, err := parser.Parse(ctx, pipeline.StreamPetitions, &in, pipeline.ParseOptions{Format: "csv", Mapping: m, Source: source}, func(c pipeline.Chunk) error {
			batch.Petitions = append(batch.Petitions, c.Petitions...)
			for _, r := range c.Rejected {
				if r.Line == 0 || r.Message == "" {
					t.Errorf("payload %d: rejection without line or message: %+v", i, r)
				}
				batch.Dead = append(batch.Dead, pipeline.DeadLetterOf(pipeline.StreamPetitions, source, r, time.Now()))
			}
			return nil
		})
		if err != nil {
			// A file the parser cannot read at all (a header that is not UTF-8) is refused
			// whole, naming the line.
			var fe *models.FieldError
			if !errors.As(err, &fe) || fe.Line == 0 {
				t.Errorf("payload %d: parse: %v; want an error naming the line", i, err)
			}
			unreadable++
			continue
		}
		accepted += sum.Accepted
		rejected += sum.Rejected
		for _, pt := range batch.Petitions {
			if pt.ID == id {
				sent[id] = p
			}
		}
	}
	if err := pipeline.NewDeliverer(store.Ingest{DB: rec}, 0).Store(ctx, "mapping-injection", batch); err != nil {
		t.Fatalf("store: %v", err)
	}
	t.Logf("%d payloads: %d refused mappings (all naming line or key), %d mappings loaded with the payload as column, constant and value; %d files refused whole; %d lines accepted, %d rejected; %d SQL texts recorded",
		len(corpus), refused, loaded, unreadable, accepted, rejected, len(rec.sqls))
	if loaded < len(corpus)*9/10 {
		t.Errorf("only %d of %d mappings with the payload as column name, constant and value loaded", loaded, len(corpus))
	}

	// No payload in any SQL text the engine was handed.
	for _, p := range corpus {
		if len(p) < 4 || placeholderOnly.MatchString(p) {
			continue
		}
		for _, q := range rec.sqls {
			if strings.Contains(q, p) {
				t.Errorf("payload %.60q reached the engine as SQL: %.200s", p, q)
			}
		}
	}
	// The engine's tables are the same; what is stored is the text sent.
	var after []string
	if err := raw.Query(ctx, &after, "SELECT name FROM system.tables WHERE database = {db:String} ORDER BY name", store.Params{"db": raw.Info().Database}); err != nil {
		t.Fatal(err)
	}
	if strings.Join(after, ",") != strings.Join(tables, ",") {
		t.Errorf("tables changed: %v → %v", tables, after)
	}
	var stored []struct {
		ID      string `ch:"id"`
		Title   string `ch:"title"`
		Content string `ch:"content"`
		Status  string `ch:"status"`
	}
	if err := raw.Query(ctx, &stored, "SELECT id, title, content, toString(status) AS status FROM petitions FINAL WHERE startsWith(id, 'map-')", nil); err != nil {
		t.Fatal(err)
	}
	exact := 0
	clean := regexp.MustCompile(`^[^\x00\r\n\xff\xc0]*$`)
	for _, s := range stored {
		p, ok := sent[s.ID]
		if !ok {
			continue
		}
		if s.Status != "resolved" {
			t.Errorf("%s: status %q; the payload value was not translated", s.ID, s.Status)
		}
		if clean.MatchString(p) && strings.TrimSpace(p) == p && (s.Title != p || s.Content != p) {
			t.Errorf("%s: stored title %.60q content %.60q; sent %.60q", s.ID, s.Title, s.Content, p)
		}
		if s.Title == p {
			exact++
		}
	}
	if len(stored) < len(sent) || exact < len(sent)*3/4 {
		t.Errorf("%d petitions stored of %d sent, %d titles exact", len(stored), len(sent), exact)
	}
	t.Logf("%d petitions stored, %d titles byte for byte", len(stored), exact)
}
