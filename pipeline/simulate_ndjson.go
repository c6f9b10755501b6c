package pipeline

import (
	"fmt"
	"io"
	"strconv"
	"time"

	"github.com/govpulse/govpulse/models"
)

// Encoders of the ingest contract (DESIGN §3): one NDJSON line per row, field names of the
// contract, times in RFC 3339 with the +07:00 offset, absent values as null. They write what an
// upstream system sends, so a petition carries citizen_phone and citizen_name and a post its
// author_id, and nothing the pipeline computes (sentiment, hashes, masks, inferred flags) is
// written. The simulator's NDJSON files and the demo's live feed use them.

// AppendDossierNDJSON appends d as one contract line, newline included.
func AppendDossierNDJSON(b []byte, d models.Dossier) []byte {
	b = simKeyString(b, '{', "id", d.ID)
	b = simKeyString(b, ',', "procedure_code", d.ProcedureCode)
	b = simKeyString(b, ',', "procedure_name", d.ProcedureName)
	b = simKeyString(b, ',', "field", d.Field)
	b = simKeyString(b, ',', "unit_code", d.UnitCode)
	b = simKeyString(b, ',', "unit_name", d.UnitName)
	b = simKeyString(b, ',', "ward_code", d.WardCode)
	b = simKeyString(b, ',', "channel", d.Channel)
	b = simKeyString(b, ',', "online_level", d.OnlineLevel)
	b = simKeyString(b, ',', "status", d.Status)
	b = simKeyTime(b, "received_at", &d.ReceivedAt)
	b = simKeyTime(b, "due_at", &d.DueAt)
	b = simKeyTime(b, "completed_at", d.CompletedAt)
	b = simKeyTime(b, "updated_at", &d.UpdatedAt)
	b = simKeyUint(b, "supplement_count", uint64(d.SupplementCount))
	b = simKeyUint(b, "supplement_paused_seconds", uint64(d.SupplementPausedSeconds))
	b = simKeyUint(b, "fee_vnd", d.FeeVND)
	b = simKeyBool(b, "paid_online", d.PaidOnline)
	b = simKeyBool(b, "digitized", d.Digitized)
	b = simKeyBool(b, "e_result", d.EResult)
	b = simKeyNullable(b, "satisfaction", d.Satisfaction)
	return append(b, '}', '\n')
}

// AppendPetitionNDJSON appends p with its petitioner c as one contract line, newline included.
// An empty phone or name is written as null.
func AppendPetitionNDJSON(b []byte, p models.Petition, c Citizen) []byte {
	b = simKeyString(b, '{', "id", p.ID)
	b = simKeyTime(b, "received_at", &p.ReceivedAt)
	b = simKeyString(b, ',', "channel", p.Channel)
	b = simKeyString(b, ',', "category", p.Category)
	b = simKeyString(b, ',', "subcategory", p.Subcategory)
	b = simKeyString(b, ',', "ward_code", p.WardCode)
	b = simKeyString(b, ',', "unit_code", p.UnitCode)
	b = simKeyString(b, ',', "status", p.Status)
	b = simKeyTime(b, "forwarded_at", p.ForwardedAt)
	b = simKeyTime(b, "due_at", &p.DueAt)
	b = simKeyTime(b, "resolved_at", p.ResolvedAt)
	b = simKeyTime(b, "updated_at", &p.UpdatedAt)
	b = simKeyNullable(b, "satisfaction", p.Satisfaction)
	b = simKeyString(b, ',', "title", p.Title)
	b = simKeyString(b, ',', "content", p.Content)
	b = simKeyFloat(b, "lat", p.Lat)
	b = simKeyFloat(b, "lon", p.Lon)
	b = simKeyNullable(b, "citizen_phone", simNonEmpty(c.Phone))
	b = simKeyNullable(b, "citizen_name", simNonEmpty(c.Name))
	return append(b, '}', '\n')
}

// AppendPostNDJSON appends p by author as one contract line, newline included. ward_code and
// topic are left out when empty (the pipeline infers them); updated_at is the snapshot time
// (p.Version).
func AppendPostNDJSON(b []byte, p models.Post, author string) []byte {
	b = simKeyString(b, '{', "id", p.ID)
	b = simKeyString(b, ',', "platform", p.Platform)
	b = simKeyTime(b, "published_at", &p.PublishedAt)
	if p.Version > 0 {
		t := time.UnixMilli(int64(p.Version))
		b = simKeyTime(b, "updated_at", &t)
	}
	b = simKeyNullable(b, "author_id", simNonEmpty(author))
	b = simKeyString(b, ',', "text", p.Text)
	b = simKeyString(b, ',', "url", p.URL)
	if p.WardCode != "" {
		b = simKeyString(b, ',', "ward_code", p.WardCode)
	}
	if p.Topic != "" {
		b = simKeyString(b, ',', "topic", p.Topic)
	}
	b = simKeyUint(b, "likes", uint64(p.Likes))
	b = simKeyUint(b, "shares", uint64(p.Shares))
	b = simKeyUint(b, "comments", uint64(p.Comments))
	return append(b, '}', '\n')
}

// WriteNDJSON writes the rows of c as contract lines to one writer per stream.
func (c SimChunk) WriteNDJSON(dossiers, petitions, posts io.Writer) error {
	buf := make([]byte, 0, 1<<20)
	// write appends n lines for one stream, flushing every 512 KiB and at the end.
	write := func(w io.Writer, stream string, n int, line func(b []byte, i int) []byte) error {
		for i := 0; i < n; i++ {
			buf = line(buf, i)
			if len(buf) > 512<<10 || i == n-1 {
				if _, err := w.Write(buf); err != nil {
					return fmt.Errorf("simulate: write %s: %w", stream, err)
				}
				buf = buf[:0]
			}
		}
		return nil
	}
	if err := write(dossiers, "dossiers", len(c.Dossiers), func(b []byte, i int) []byte {
		return AppendDossierNDJSON(b, c.Dossiers[i])
	}); err != nil {
		return err
	}
	if err := write(petitions, "petitions", len(c.Petitions), func(b []byte, i int) []byte {
		var cit Citizen
		if i < len(c.Citizens) {
			cit = c.Citizens[i]
		}
		return AppendPetitionNDJSON(b, c.Petitions[i], cit)
	}); err != nil {
		return err
	}
	return write(posts, "posts", len(c.Posts), func(b []byte, i int) []byte {
		var author string
		if i < len(c.Authors) {
			author = c.Authors[i]
		}
		return AppendPostNDJSON(b, c.Posts[i], author)
	})
}

func simNonEmpty(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func simKey(b []byte, sep byte, key string) []byte {
	b = append(b, sep, '"')
	b = append(b, key...)
	return append(b, '"', ':')
}

func simKeyString(b []byte, sep byte, key, v string) []byte {
	return simJSONString(simKey(b, sep, key), v)
}

func simKeyNullable(b []byte, key string, v *string) []byte {
	b = simKey(b, ',', key)
	if v == nil {
		return append(b, "null"...)
	}
	return simJSONString(b, *v)
}

func simKeyTime(b []byte, key string, t *time.Time) []byte {
	b = simKey(b, ',', key)
	if t == nil || t.IsZero() {
		return append(b, "null"...)
	}
	b = append(b, '"')
	b = t.In(models.Location).AppendFormat(b, time.RFC3339)
	return append(b, '"')
}

func simKeyUint(b []byte, key string, v uint64) []byte {
	return strconv.AppendUint(simKey(b, ',', key), v, 10)
}

func simKeyBool(b []byte, key string, v bool) []byte {
	return strconv.AppendBool(simKey(b, ',', key), v)
}

func simKeyFloat(b []byte, key string, v *float64) []byte {
	b = simKey(b, ',', key)
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendFloat(b, *v, 'f', -1, 64)
}

// simJSONString appends s as a JSON string: quotes, backslashes and control characters escaped,
// the rest (valid UTF-8) as is.
func simJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\t':
			b = append(b, '\\', 't')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		}
		start = i + 1
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}
