package analytics

import (
	"context"
	"fmt"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
)

// Lists for the stream, unit and ward pages (issue 5): the overdue dossiers and petitions at a
// moment, the most engaged negative posts of a period, and the dossier and post breakdowns that
// sit beside PetitionBreakdown and PostTopics.

// OverdueLookbackDays bounds how far back the overdue lists look: only dossiers and petitions
// received in the OverdueLookbackDays days before the moment asked about are read. The lists read
// the latest-state tables (FINAL) filtered on received_at, their key's first column and partition
// key, so the bound keeps a page's scan to a year of partitions instead of the whole history. A
// case still open more than a year after reception is a data problem rather than a queue item;
// the open-overdue KPI (rollups over the whole history) still counts it, so the list's total can
// be lower than that KPI by exactly those cases.
const OverdueLookbackDays = 365

// MaxListRows is the largest page of rows a list function returns.
const MaxListRows = 1000

// OverdueDossier is one dossier open and past its effective due time at the moment asked about.
type OverdueDossier struct {
	ID            string    `json:"id" ch:"id"`
	ProcedureCode string    `json:"procedure_code" ch:"procedure_code"`
	ProcedureName string    `json:"procedure_name" ch:"procedure_name"`
	Field         string    `json:"field" ch:"field"`
	UnitCode      string    `json:"unit_code" ch:"unit_code"`
	UnitName      string    `json:"unit_name" ch:"unit_name"`
	WardCode      string    `json:"ward_code" ch:"ward_code"`
	Status        string    `json:"status" ch:"status"` // the latest status (it may have ended after the moment)
	ReceivedAt    time.Time `json:"received_at" ch:"received_at"`
	// DueAt is the effective due time: due_at plus the supplement pauses (0002's effective_due_at).
	DueAt          time.Time `json:"due_at" ch:"due"`
	OverdueSeconds int64     `json:"-" ch:"overdue_seconds"`
	// DaysOverdue is the time past DueAt at the moment, in days (fractional).
	DaysOverdue float64 `json:"days_overdue" ch:"-"`
	Total       uint64  `json:"-" ch:"total"`
}

// OverduePetition is one petition not answered and past its due time at the moment asked about.
type OverduePetition struct {
	ID             string    `json:"id" ch:"id"`
	Channel        string    `json:"channel" ch:"channel"`
	Category       string    `json:"category" ch:"category"`
	WardCode       string    `json:"ward_code" ch:"ward_code"`
	UnitCode       string    `json:"unit_code" ch:"unit_code"` // the handling unit; "" until forwarded
	Status         string    `json:"status" ch:"status"`
	Title          string    `json:"title" ch:"title"` // PII-masked at ingest, at most 160 characters
	ReceivedAt     time.Time `json:"received_at" ch:"received_at"`
	DueAt          time.Time `json:"due_at" ch:"due"`
	OverdueSeconds int64     `json:"-" ch:"overdue_seconds"`
	DaysOverdue    float64   `json:"days_overdue" ch:"-"`
	Total          uint64    `json:"-" ch:"total"`
}

// OverdueList is a page of overdue rows (most overdue first) and how many there are in all.
// Since is the start of the look-back window (At minus OverdueLookbackDays).
type OverdueList[T any] struct {
	At    time.Time `json:"at"`
	Since time.Time `json:"since"`
	Total uint64    `json:"total"`
	Rows  []T       `json:"rows"`
}

func checkLimit(limit int) error {
	if limit < 1 || limit > MaxListRows {
		return &models.FieldError{Field: "limit", Message: fmt.Sprintf("limit must be between 1 and %d, not %d", MaxListRows, limit)}
	}
	return nil
}

// OverdueDossiers are the dossiers of s open at the moment at and past their effective due time
// (due_at plus supplement pauses), most overdue first, at most limit of them (1..MaxListRows),
// with the number of all of them. Open at at: received by at and not ended by at (a dossier
// completed after at counts; withdrawn ones count as ended, as in the open KPIs). Only dossiers
// received in the OverdueLookbackDays before at are considered. s may name a unit, a ward and a
// field. The open ones are read through the status skip index of dossiers, and the ones that
// ended after at through their terminal event in dossier_events (list_overdue_dossiers.sql), so
// a list judged now reads only the granules that hold open dossiers.
func OverdueDossiers(ctx context.Context, q Querier, at time.Time, s Scope, limit int) (OverdueList[OverdueDossier], error) {
	return overdueOf(ctx, q, "list_overdue_dossiers", models.StreamDossiers, at, s, limit, func(d *OverdueDossier) (int64, uint64, *float64) {
		return d.OverdueSeconds, d.Total, &d.DaysOverdue
	})
}

// OverduePetitions are the petitions of s not answered at the moment at and past their due_at,
// most overdue first, at most limit of them (1..MaxListRows), with the number of all of them.
// Not answered at at: received by at and not resolved or rejected by at (one closed after at
// counts; a reopened petition is open again). Only petitions received in the
// OverdueLookbackDays before at are considered. s may name a unit (the handling unit), a ward and
// a category.
func OverduePetitions(ctx context.Context, q Querier, at time.Time, s Scope, limit int) (OverdueList[OverduePetition], error) {
	return overdueOf(ctx, q, "list_overdue_petitions", models.StreamPetitions, at, s, limit, func(p *OverduePetition) (int64, uint64, *float64) {
		return p.OverdueSeconds, p.Total, &p.DaysOverdue
	})
}

// overdueOf runs the overdue list query name of stream at the moment at (whole seconds, local
// time) over the look-back window; fields gives a row's overdue seconds, the total count it
// carries and where its days overdue go.
func overdueOf[T any](ctx context.Context, q Querier, name string, stream models.Stream, at time.Time, s Scope, limit int, fields func(*T) (int64, uint64, *float64)) (OverdueList[T], error) {
	if err := s.check(stream); err != nil {
		return OverdueList[T]{}, err
	}
	if err := checkLimit(limit); err != nil {
		return OverdueList[T]{}, err
	}
	if at.IsZero() {
		return OverdueList[T]{}, &models.FieldError{Field: "at", Message: "a moment is required"}
	}
	at = at.In(models.Location).Truncate(time.Second)
	out := OverdueList[T]{At: at, Since: at.AddDate(0, 0, -OverdueLookbackDays), Rows: []T{}}
	params := store.Params{"at": at, "since": out.Since, "limit": uint32(limit)}
	for _, d := range s.dims() {
		params[d.name] = d.value
	}
	rows, err := queryAll[T](ctx, q, name, params)
	if err != nil {
		return OverdueList[T]{}, err
	}
	for i := range rows {
		seconds, total, days := fields(&rows[i])
		*days, out.Total = float64(seconds)/86400, total
	}
	if rows != nil {
		out.Rows = rows
	}
	return out, nil
}

// PostTextChars is how many characters of a post's text TopNegativePosts returns.
const PostTextChars = 280

// PostItem is one post of a list, without its author: the text is the stored, PII-masked text
// cut to PostTextChars characters (Truncated says it was cut).
type PostItem struct {
	ID             string    `json:"id" ch:"id"`
	Platform       string    `json:"platform" ch:"platform"`
	PublishedAt    time.Time `json:"published_at" ch:"published_at"`
	WardCode       string    `json:"ward_code" ch:"ward_code"`
	Topic          string    `json:"topic" ch:"topic"`
	Sentiment      float32   `json:"sentiment" ch:"sentiment"`
	SentimentLabel string    `json:"sentiment_label" ch:"sentiment_label"`
	Likes          uint32    `json:"likes" ch:"likes"`
	Shares         uint32    `json:"shares" ch:"shares"`
	Comments       uint32    `json:"comments" ch:"comments"`
	Engagement     uint64    `json:"engagement" ch:"engagement"` // likes + shares + comments, latest snapshot
	URL            string    `json:"url" ch:"url"`
	Text           string    `json:"text" ch:"text"`
	Truncated      bool      `json:"truncated" ch:"truncated"`
}

// TopNegativePosts are the negative posts of s published in p, the most engaged first (likes +
// shares + comments as last delivered; then the most negative, then the newest), at most limit of
// them (1..MaxListRows). s may name a ward, a platform and a topic.
func TopNegativePosts(ctx context.Context, q Querier, p models.Period, s Scope, limit int) ([]PostItem, error) {
	if err := s.check(models.StreamPosts); err != nil {
		return nil, err
	}
	if err := checkLimit(limit); err != nil {
		return nil, err
	}
	if p.IsZero() {
		return nil, &models.FieldError{Field: "period", Message: "a period is required"}
	}
	if s.Platform != "" && !models.Platform(s.Platform).Valid() {
		// The platform is compared with the key's Enum column, which refuses unknown names.
		return nil, &models.FieldError{Field: "platform", Message: fmt.Sprintf("unknown platform %q", s.Platform)}
	}
	params := request{p: p, s: s}.params()
	params["chars"], params["limit"] = uint32(PostTextChars), uint32(limit)
	rows, err := queryAll[PostItem](ctx, q, "list_negative_posts", params)
	if err != nil {
		return nil, err
	}
	if rows == nil {
		rows = []PostItem{}
	}
	return rows, nil
}

// DossierBreakdown is DossierKPIs' volume, punctuality and online share of s in p by field or by
// channel (by: "field" or "channel"): received, ended (withdrawals left out), the on-time rate of
// the ended and, by field, the online submission share of the received. Values seen in any of the
// three compared periods are listed, the most received in p first (then the most ended). From the
// daily rollups, like the KPIs.
func DossierBreakdown(ctx context.Context, q Querier, p models.Period, s Scope, by string) ([]Breakdown, error) {
	if by != "field" && by != "channel" {
		return nil, &models.FieldError{Field: "by", Message: fmt.Sprintf("dossiers break down by field or channel, not %q", by)}
	}
	if err := s.check(models.StreamDossiers); err != nil {
		return nil, err
	}
	if p.IsZero() {
		return nil, &models.FieldError{Field: "period", Message: "a period is required"}
	}
	type row struct {
		Key      string `ch:"key"`
		Received uint64 `ch:"received"`
		Online   uint64 `ch:"online"`
		Ended    uint64 `ch:"ended"`
		OnTime   uint64 `ch:"on_time"`
	}
	per, err := breakdownRows(ctx, q, "list_dossier_breakdown", p, s, by, func(x row) string { return x.Key })
	if err != nil {
		return nil, err
	}
	return breakdownOf(by, per, func(x row) [2]uint64 { return [2]uint64{x.Received, x.Ended} }, func(v [3]row) []KPI {
		kpis := []KPI{
			compared(KeyDossiersReceived, "dossiers", true, func(i int) Value { return count(v[i].Received) }),
			compared(KeyDossiersEnded, "dossiers", true, func(i int) Value { return count(v[i].Ended) }),
			compared(KeyDossierOnTimeRate, "ratio", true, func(i int) Value { return rate(v[i].OnTime, v[i].Ended) }),
		}
		if by != "channel" { // by channel the online share is 1 or 0 by construction
			kpis = append(kpis, compared(KeyDossierOnlineShare, "ratio", true, func(i int) Value { return rate(v[i].Online, v[i].Received) }))
		}
		return kpis
	}), nil
}

// PostBreakdown is the posts of s in p by platform or by topic (by: "platform" or "topic"; by
// topic it is PostTopics): per value, volume, share of voice, negative share and net sentiment,
// for p, the previous period and the same period last year, the largest in p first. By platform,
// s may not name a platform.
func PostBreakdown(ctx context.Context, q Querier, p models.Period, s Scope, by string) ([]Breakdown, error) {
	switch by {
	case "topic":
		return PostTopics(ctx, q, p, s)
	case "platform":
	default:
		return nil, &models.FieldError{Field: "by", Message: fmt.Sprintf("posts break down by platform or topic, not %q", by)}
	}
	if err := s.check(models.StreamPosts); err != nil {
		return nil, err
	}
	if s.Platform != "" {
		return nil, &models.FieldError{Field: "platform", Message: "the breakdown by platform cannot be narrowed to one platform"}
	}
	return postBreakdownOf(ctx, q, p, s, "platform")
}
