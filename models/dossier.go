package models

import "time"

// Dossier is the state of one administrative-procedure dossier (hồ sơ TTHC) at one version: a row
// of the dossiers table (latest state, ReplacingMergeTree by Version). Times are in
// Asia/Ho_Chi_Minh. Fields follow the DESIGN §3 dossier contract; the last three are ingest
// bookkeeping set by the pipeline.
type Dossier struct {
	ID            string `ch:"id" json:"id"`                         // the source's code, e.g. H29.123.45-250812-0007; never changes
	ProcedureCode string `ch:"procedure_code" json:"procedure_code"` // e.g. 1.001193
	ProcedureName string `ch:"procedure_name" json:"procedure_name"`
	Field         string `ch:"field" json:"field"`         // code of a Field
	UnitCode      string `ch:"unit_code" json:"unit_code"` // the receiving Unit; never changes for an id
	UnitName      string `ch:"unit_name" json:"unit_name"`
	WardCode      string `ch:"ward_code" json:"ward_code"`       // code of a Ward; "" when unknown
	Channel       string `ch:"channel" json:"channel"`           // a DossierChannel
	OnlineLevel   string `ch:"online_level" json:"online_level"` // an OnlineLevel
	Status        string `ch:"status" json:"status"`             // a DossierStatus

	ReceivedAt  time.Time  `ch:"received_at" json:"received_at"` // never changes for an id
	DueAt       time.Time  `ch:"due_at" json:"due_at"`
	CompletedAt *time.Time `ch:"completed_at" json:"completed_at"` // when it ended; nil while open
	UpdatedAt   time.Time  `ch:"updated_at" json:"updated_at"`

	SupplementCount uint8 `ch:"supplement_count" json:"supplement_count"`
	// SupplementPausedSeconds is the time the clock stood still waiting for supplements; 0 when
	// the source does not report pauses (or already moved DueAt).
	SupplementPausedSeconds uint32  `ch:"supplement_paused_seconds" json:"supplement_paused_seconds"`
	FeeVND                  uint64  `ch:"fee_vnd" json:"fee_vnd"`
	PaidOnline              bool    `ch:"paid_online" json:"paid_online"`
	Digitized               bool    `ch:"digitized" json:"digitized"`
	EResult                 bool    `ch:"e_result" json:"e_result"`
	Satisfaction            *string `ch:"satisfaction" json:"satisfaction"` // a DossierSatisfaction; nil when not rated

	Version    uint64    `ch:"version" json:"version"`         // UpdatedAt in unix milliseconds
	IngestedAt time.Time `ch:"ingested_at" json:"ingested_at"` // when govpulse stored the row
	Source     string    `ch:"source" json:"source"`           // "api:<token id>", "import:<file>", "simulator"
}

// DossierEvent is one lifecycle transition of a dossier: a row of dossier_events. Status is the
// status the dossier entered at EventAt; the other fields are the dossier as it was then. The
// pipeline writes exactly one DossierReceived event and at most one terminal event per dossier
// (the ingest contract of sql/migrations/0002_dossiers.sql), which keeps the daily rollups exact.
type DossierEvent struct {
	ID      string    `ch:"id" json:"id"`
	Status  string    `ch:"status" json:"status"`     // a DossierStatus
	EventAt time.Time `ch:"event_at" json:"event_at"` // ReceivedAt for the received event, else UpdatedAt

	ProcedureCode string `ch:"procedure_code" json:"procedure_code"`
	ProcedureName string `ch:"procedure_name" json:"procedure_name"`
	Field         string `ch:"field" json:"field"`
	UnitCode      string `ch:"unit_code" json:"unit_code"`
	UnitName      string `ch:"unit_name" json:"unit_name"`
	WardCode      string `ch:"ward_code" json:"ward_code"`
	Channel       string `ch:"channel" json:"channel"`
	OnlineLevel   string `ch:"online_level" json:"online_level"`

	ReceivedAt  time.Time  `ch:"received_at" json:"received_at"`
	DueAt       time.Time  `ch:"due_at" json:"due_at"`
	CompletedAt *time.Time `ch:"completed_at" json:"completed_at"`
	UpdatedAt   time.Time  `ch:"updated_at" json:"updated_at"`

	SupplementCount         uint8   `ch:"supplement_count" json:"supplement_count"`
	SupplementPausedSeconds uint32  `ch:"supplement_paused_seconds" json:"supplement_paused_seconds"`
	FeeVND                  uint64  `ch:"fee_vnd" json:"fee_vnd"`
	PaidOnline              bool    `ch:"paid_online" json:"paid_online"`
	Digitized               bool    `ch:"digitized" json:"digitized"`
	EResult                 bool    `ch:"e_result" json:"e_result"`
	Satisfaction            *string `ch:"satisfaction" json:"satisfaction"`

	Version    uint64    `ch:"version" json:"version"`
	IngestedAt time.Time `ch:"ingested_at" json:"ingested_at"`
	Source     string    `ch:"source" json:"source"`
}

// Event returns the event of d entering status at the given time, carrying d's attributes.
func (d Dossier) Event(status DossierStatus, at time.Time) DossierEvent {
	return DossierEvent{
		ID: d.ID, Status: string(status), EventAt: at,
		ProcedureCode: d.ProcedureCode, ProcedureName: d.ProcedureName, Field: d.Field,
		UnitCode: d.UnitCode, UnitName: d.UnitName, WardCode: d.WardCode,
		Channel: d.Channel, OnlineLevel: d.OnlineLevel,
		ReceivedAt: d.ReceivedAt, DueAt: d.DueAt, CompletedAt: d.CompletedAt, UpdatedAt: d.UpdatedAt,
		SupplementCount: d.SupplementCount, SupplementPausedSeconds: d.SupplementPausedSeconds,
		FeeVND: d.FeeVND, PaidOnline: d.PaidOnline, Digitized: d.Digitized, EResult: d.EResult,
		Satisfaction: d.Satisfaction,
		Version:      d.Version, IngestedAt: d.IngestedAt, Source: d.Source,
	}
}

// EndedAt is when d ended: CompletedAt when set, else UpdatedAt, for a terminal status; nil while
// open. It is the Go twin of the ended_at column (sql/migrations/0002_dossiers.sql).
func (d Dossier) EndedAt() *time.Time {
	return endTime(DossierStatus(d.Status).Terminal(), d.CompletedAt, d.UpdatedAt)
}

// endTime is when an item in a final state ended: the source's end time when set, else its last
// update; nil when it is not final. The result is a copy.
func endTime(final bool, end *time.Time, updated time.Time) *time.Time {
	if !final {
		return nil
	}
	if end != nil {
		updated = *end
	}
	return &updated
}

// EffectiveDueAt is DueAt pushed back by the supplement pauses, which DOMAIN §3 excludes from
// the clock (the effective_due_at column).
func (d Dossier) EffectiveDueAt() time.Time {
	return d.DueAt.Add(time.Duration(d.SupplementPausedSeconds) * time.Second)
}

// Validate checks d against the dossier contract: identifiers present, known enum values, times
// set and in order. It returns nil or a *FieldError (Line left 0 for the caller to fill).
func (d Dossier) Validate() error {
	checks := []*FieldError{
		required("id", d.ID),
		required("procedure_code", d.ProcedureCode),
		required("unit_code", d.UnitCode),
		checkEnum("channel", DossierChannel(d.Channel), DossierChannel(d.Channel).Valid(), dossierChannels[:]),
		checkEnum("online_level", OnlineLevel(d.OnlineLevel), OnlineLevel(d.OnlineLevel).Valid(), onlineLevels[:]),
		checkEnum("status", DossierStatus(d.Status), DossierStatus(d.Status).Valid(), dossierStatuses[:]),
		requiredTime("received_at", d.ReceivedAt),
		requiredTime("due_at", d.DueAt),
		requiredTime("updated_at", d.UpdatedAt),
		notBefore("due_at", d.DueAt, "received_at", d.ReceivedAt),
		notBefore("updated_at", d.UpdatedAt, "received_at", d.ReceivedAt),
	}
	if d.CompletedAt != nil {
		checks = append(checks, notBefore("completed_at", *d.CompletedAt, "received_at", d.ReceivedAt))
	}
	if d.Satisfaction != nil {
		s := DossierSatisfaction(*d.Satisfaction)
		checks = append(checks, checkEnum("satisfaction", s, s.Valid(), dossierSatisfactions[:]))
	}
	return first(checks)
}

// EndedOnTime reports whether an ended dossier was on time (DOMAIN §3): its end is not after
// EffectiveDueAt and it had at most one supplement request. It is nil while d is open, because an
// open dossier is judged at the end of a period (the ended_on_time column).
func (d Dossier) EndedOnTime() *bool {
	end := d.EndedAt()
	if end == nil {
		return nil
	}
	ok := !end.After(d.EffectiveDueAt()) && d.SupplementCount <= 1
	return &ok
}
