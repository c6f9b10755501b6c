package pipeline

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/govpulse/govpulse/models"
)

// FuzzParseMappedCSV is the import path of `govpulse import --mapping`: a mapping and a CSV file,
// both fuzzed, read together (FuzzLoadMapping fuzzes the mapping over one fixed file,
// FuzzParseCSV the file without a mapping). It never panics; a mapping or header the stream
// cannot use is a FieldError; otherwise the summary matches the rows and rejections, rejections
// name their line in order with a readable message, every accepted row passes its model's
// Validate, a petition keeps only a masked phone, and the result does not depend on how the
// input is cut into chunks or how many workers parse it.
func FuzzParseMappedCSV(f *testing.F) {
	hotlineMap, err := os.ReadFile("testdata/ingest/hotline_mapping.yaml")
	if err != nil {
		f.Fatal(err)
	}
	hotlineCSV, err := os.ReadFile("testdata/ingest/hotline_export.csv")
	if err != nil {
		f.Fatal(err)
	}
	lines := strings.SplitAfter(string(hotlineCSV), "\n")
	f.Add(string(hotlineMap), string(hotlineCSV))
	f.Add(string(hotlineMap), strings.Join(lines[:3], ""))
	f.Add(string(hotlineMap), lines[0])
	f.Add(string(hotlineMap), strings.ReplaceAll(string(hotlineCSV), ";", ","))
	f.Add("stream: dossiers\ndelimiter: \"|\"\ncolumns:\n  Số hồ sơ: id\n  Thủ tục: procedure_code\n  Đơn vị: unit_code\n  Kênh: channel\n  Tình trạng: status\n  Nhận: received_at\n  Hạn: due_at\n  Cập nhật: updated_at\nvalues:\n  channel: {Trực tuyến: online, Trực tiếp: in_person}\n  status: {Đã tiếp nhận: received}\ntimes:\n  \"*\": dd/MM/yyyy HH:mm\n",
		"Số hồ sơ|Thủ tục|Đơn vị|Kênh|Tình trạng|Nhận|Hạn|Cập nhật\nHS-1|1.001|H29.26743|Trực tuyến|Đã tiếp nhận|12/08/2025 08:30|15/08/2025 08:30|12/08/2025 08:30\nHS-2|1.001|H29.26743|qua bưu điện|Đã tiếp nhận|12/08/2025|x|\n")
	f.Add("stream: posts\ntime_zone: UTC\ncolumns:\n  post_id: id\n  network: platform\n  created: published_at\n  body: text\n  user: author_id\nvalues:\n  platform: {FB: facebook}\ntimes:\n  published_at: [yyyy-MM-dd HH:mm:ss, unix]\n",
		"post_id,network,created,body,user\np1,FB,2025-10-10 12:45:00,Kẹt xe quá gọi 0903123456,u1\np2,fb,1760101000,\"Rác, rác\",\np3,tiktok,10-10-2025,x,u3\n")
	f.Add("columns:\n  Mã: id\nconstants:\n  channel: hotline\nskip: [Ghi chú]\n", "Mã,received_at,category,status,updated_at,Ghi chú\nPA-1,2025-10-01T08:00:00+07:00,ngap_nuoc,new,2025-10-01T08:00:00+07:00,x\n")
	f.Add("columns:\n  A: id\n  B: id\n", "A,B\n1,2\n")
	f.Add("times:\n  \"*\": unix_ms\n", "id,platform,published_at,text\n1,facebook,99999999999999999999,a\n")
	p := newTestParser(f)
	f.Fuzz(func(t *testing.T, mapping, csv string) {
		if len(mapping) > 1<<14 || len(csv) > 1<<15 || strings.HasPrefix(csv, "\x1f\x8b") {
			return
		}
		m, err := LoadMapping(strings.NewReader(mapping))
		if err != nil {
			if !errors.Is(err, models.ErrInvalid) {
				t.Fatalf("mapping: %v is not a FieldError", err)
			}
			return
		}
		streams := []Stream{StreamDossiers, StreamPetitions, StreamPosts}
		if m.Stream != "" {
			streams = []Stream{m.Stream}
		}
		for _, stream := range streams {
			small, err := tryParseAll(p, stream, strings.NewReader(csv), ParseOptions{Format: "csv", Mapping: m, ChunkLines: 2, Workers: 1})
			big, err2 := tryParseAll(p, stream, strings.NewReader(csv), ParseOptions{Format: "csv", Mapping: m, ChunkLines: 1000, Workers: 3})
			if (err == nil) != (err2 == nil) {
				t.Fatalf("%s: chunks of 2 say %v, chunks of 1000 say %v", stream, err, err2)
			}
			if err != nil {
				var fe *models.FieldError
				if !errors.As(err, &fe) || fe.Message == "" || !utf8.ValidString(fe.Message) {
					t.Fatalf("%s: %v is not a readable FieldError", stream, err)
				}
				continue
			}
			out := small
			if out.Sum.Accepted != out.Accepted() || out.Sum.Rejected != len(out.Rejected) || out.Sum.Lines < out.Sum.Accepted+out.Sum.Rejected {
				t.Fatalf("%s: summary %+v, %d rows, %d rejections", stream, out.Sum, out.Accepted(), len(out.Rejected))
			}
			if !reflect.DeepEqual(small.Sum, big.Sum) || !reflect.DeepEqual(small.Rejected, big.Rejected) ||
				!reflect.DeepEqual(small.Dossiers, big.Dossiers) || !reflect.DeepEqual(small.Petitions, big.Petitions) || !reflect.DeepEqual(small.Posts, big.Posts) {
				t.Fatalf("%s: the result depends on the chunking: %+v vs %+v", stream, small.Sum, big.Sum)
			}
			last := 1
			for _, r := range out.Rejected {
				if r.Line <= last || r.Line > out.Sum.Lines || r.Message == "" || !utf8.ValidString(r.Message) || !utf8.ValidString(r.Raw) {
					t.Fatalf("%s: rejection %+v after line %d", stream, r, last)
				}
				last = r.Line
			}
			for _, d := range out.Dossiers {
				if err := d.Validate(); err != nil {
					t.Fatalf("accepted dossier %+v: %v", d, err)
				}
			}
			for _, pe := range out.Petitions {
				if err := pe.Validate(); err != nil {
					t.Fatalf("accepted petition %+v: %v", pe, err)
				}
				if pe.CitizenPhoneMasked != "" && !strings.Contains(pe.CitizenPhoneMasked, "*") {
					t.Fatalf("petition %s keeps an unmasked phone %q", pe.ID, pe.CitizenPhoneMasked)
				}
			}
			for _, po := range out.Posts {
				if err := po.Validate(); err != nil {
					t.Fatalf("accepted post %+v: %v", po, err)
				}
			}
		}
	})
}
