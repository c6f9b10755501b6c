package pipeline

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/govpulse/govpulse/models"
)

// FuzzLoadMapping feeds arbitrary YAML to the mapping engine: it must load or refuse with an
// error, never panic, and a loaded mapping must parse a small CSV without panicking.
func FuzzLoadMapping(f *testing.F) {
	example, err := os.ReadFile("testdata/ingest/hotline_mapping.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(example))
	f.Add("columns:\n  Mã: id\nvalues:\n  status:\n    Mới: new\n")
	f.Add("timezone: Nowhere/Else\n")
	f.Add("columns: [1, 2]\n")
	p := newTestParser(f)
	f.Fuzz(func(t *testing.T, doc string) {
		if len(doc) > 1<<14 {
			return
		}
		m, err := LoadMapping(strings.NewReader(doc))
		if err != nil {
			return
		}
		csv := "Mã phản ánh;Ngày tiếp nhận;Trạng thái\nPA-1;01/10/2025 07:45;Mới\n"
		for _, stream := range []Stream{StreamPetitions, StreamDossiers, StreamPosts} {
			_, err := tryParseAll(p, stream, strings.NewReader(csv), ParseOptions{Format: "csv", Mapping: m})
			if err != nil && !errors.Is(err, models.ErrInvalid) {
				t.Fatalf("%s with a loaded mapping: %v", stream, err)
			}
		}
	})
}
