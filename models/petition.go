package models

import "time"

// Petition is the state of one citizen petition or piece of feedback (phản ánh, kiến nghị) at one
// version: a row of the petitions table (latest state, ReplacingMergeTree by Version). Times are
// in Asia/Ho_Chi_Minh. The contract's citizen_phone and citizen_name never reach this type: the
// pipeline keeps only CitizenPhoneMasked and CitizenHash, and Title and Content are PII-masked.
type Petition struct {
	ID          string     `ch:"id" json:"id"`
	ReceivedAt  time.Time  `ch:"received_at" json:"received_at"` // never changes for an id
	Channel     string     `ch:"channel" json:"channel"`         // a PetitionChannel
	Category    string     `ch:"category" json:"category"`       // code of a PetitionCategory
	Subcategory string     `ch:"subcategory" json:"subcategory"` // code of a PetitionCategory, or ""
	WardCode    string     `ch:"ward_code" json:"ward_code"`     // "" when unknown
	UnitCode    string     `ch:"unit_code" json:"unit_code"`     // the handling unit; "" until forwarded
	Status      string     `ch:"status" json:"status"`           // a PetitionStatus
	ForwardedAt *time.Time `ch:"forwarded_at" json:"forwarded_at"`
	// DueAt is the answer deadline: the source's, else ReceivedAt plus the category's SLADays.
	DueAt        time.Time  `ch:"due_at" json:"due_at"`
	ResolvedAt   *time.Time `ch:"resolved_at" json:"resolved_at"` // when answered; nil while open
	UpdatedAt    time.Time  `ch:"updated_at" json:"updated_at"`
	Satisfaction *string    `ch:"satisfaction" json:"satisfaction"` // a PetitionSatisfaction; nil when not rated
	Title        string     `ch:"title" json:"title"`
	Content      string     `ch:"content" json:"content"`
	Lat          *float64   `ch:"lat" json:"lat"` // WGS84, when the channel reports a place
	Lon          *float64   `ch:"lon" json:"lon"`
	// CitizenPhoneMasked is e.g. "090****567"; "" when no phone was given.
	CitizenPhoneMasked string `ch:"citizen_phone_masked" json:"citizen_phone_masked"`
	// CitizenHash is a keyed hash of the normalised phone (else name): repeat petitioners are
	// countable, not identifiable. "" when anonymous.
	CitizenHash string  `ch:"citizen_hash" json:"-"`
	Sentiment   float32 `ch:"sentiment" json:"sentiment"` // tone of Content in [-1, 1]
	Topic       string  `ch:"topic" json:"topic"`         // inferred topic
	// ReopenCount is how many times the petition left a closed status.
	ReopenCount uint8 `ch:"reopen_count" json:"reopen_count"`

	Version    uint64    `ch:"version" json:"version"` // UpdatedAt in unix milliseconds
	IngestedAt time.Time `ch:"ingested_at" json:"ingested_at"`
	Source     string    `ch:"source" json:"source"`
}

// PetitionEvent is one state transition of a petition: a row of petition_events. Status is the
// status entered at EventAt; the rest is the petition as it was then. The pipeline writes one
// PetitionNew event per petition and, per the contract of sql/migrations/0003_petitions.sql,
// exactly one closed event with ReopenCount 0 for a petition that was answered.
type PetitionEvent struct {
	ID                 string     `ch:"id" json:"id"`
	Status             string     `ch:"status" json:"status"`     // a PetitionStatus
	EventAt            time.Time  `ch:"event_at" json:"event_at"` // ReceivedAt for the new event, else UpdatedAt
	ReceivedAt         time.Time  `ch:"received_at" json:"received_at"`
	Channel            string     `ch:"channel" json:"channel"`
	Category           string     `ch:"category" json:"category"`
	Subcategory        string     `ch:"subcategory" json:"subcategory"`
	WardCode           string     `ch:"ward_code" json:"ward_code"`
	UnitCode           string     `ch:"unit_code" json:"unit_code"`
	ForwardedAt        *time.Time `ch:"forwarded_at" json:"forwarded_at"`
	DueAt              time.Time  `ch:"due_at" json:"due_at"`
	ResolvedAt         *time.Time `ch:"resolved_at" json:"resolved_at"`
	UpdatedAt          time.Time  `ch:"updated_at" json:"updated_at"`
	Satisfaction       *string    `ch:"satisfaction" json:"satisfaction"`
	Title              string     `ch:"title" json:"title"`
	Content            string     `ch:"content" json:"content"`
	Lat                *float64   `ch:"lat" json:"lat"`
	Lon                *float64   `ch:"lon" json:"lon"`
	CitizenPhoneMasked string     `ch:"citizen_phone_masked" json:"citizen_phone_masked"`
	CitizenHash        string     `ch:"citizen_hash" json:"-"`
	Sentiment          float32    `ch:"sentiment" json:"sentiment"`
	Topic              string     `ch:"topic" json:"topic"`
	ReopenCount        uint8      `ch:"reopen_count" json:"reopen_count"`
	Version            uint64     `ch:"version" json:"version"`
	IngestedAt         time.Time  `ch:"ingested_at" json:"ingested_at"`
	Source             string     `ch:"source" json:"source"`
}

// Event returns the event of p entering status at the given time, carrying p's attributes.
func (p Petition) Event(status PetitionStatus, at time.Time) PetitionEvent {
	return PetitionEvent{
		ID: p.ID, Status: string(status), EventAt: at,
		ReceivedAt: p.ReceivedAt, Channel: p.Channel, Category: p.Category, Subcategory: p.Subcategory,
		WardCode: p.WardCode, UnitCode: p.UnitCode, ForwardedAt: p.ForwardedAt, DueAt: p.DueAt,
		ResolvedAt: p.ResolvedAt, UpdatedAt: p.UpdatedAt, Satisfaction: p.Satisfaction,
		Title: p.Title, Content: p.Content, Lat: p.Lat, Lon: p.Lon,
		CitizenPhoneMasked: p.CitizenPhoneMasked, CitizenHash: p.CitizenHash,
		Sentiment: p.Sentiment, Topic: p.Topic, ReopenCount: p.ReopenCount,
		Version: p.Version, IngestedAt: p.IngestedAt, Source: p.Source,
	}
}

// ClosedAt is when p was answered: ResolvedAt when set, else UpdatedAt, for a closed status; nil
// while open (the closed_at column).
func (p Petition) ClosedAt() *time.Time {
	return endTime(PetitionStatus(p.Status).Closed(), p.ResolvedAt, p.UpdatedAt)
}

// Validate checks p against the petition contract after enrichment (DueAt filled): identifiers
// present, known enum values, times set and in order, coordinates and sentiment in range. It
// returns nil or a *FieldError (Line left 0 for the caller to fill).
func (p Petition) Validate() error {
	checks := []*FieldError{
		required("id", p.ID),
		requiredTime("received_at", p.ReceivedAt),
		checkEnum("channel", PetitionChannel(p.Channel), PetitionChannel(p.Channel).Valid(), petitionChannels[:]),
		required("category", p.Category),
		checkEnum("status", PetitionStatus(p.Status), PetitionStatus(p.Status).Valid(), petitionStatuses[:]),
		requiredTime("due_at", p.DueAt),
		requiredTime("updated_at", p.UpdatedAt),
		notBefore("due_at", p.DueAt, "received_at", p.ReceivedAt),
		notBefore("updated_at", p.UpdatedAt, "received_at", p.ReceivedAt),
		inRange("sentiment", float64(p.Sentiment), -1, 1),
	}
	if p.ForwardedAt != nil {
		checks = append(checks, notBefore("forwarded_at", *p.ForwardedAt, "received_at", p.ReceivedAt))
	}
	if p.ResolvedAt != nil {
		checks = append(checks, notBefore("resolved_at", *p.ResolvedAt, "received_at", p.ReceivedAt))
	}
	if p.Satisfaction != nil {
		s := PetitionSatisfaction(*p.Satisfaction)
		checks = append(checks, checkEnum("satisfaction", s, s.Valid(), petitionSatisfactions[:]))
	}
	if (p.Lat == nil) != (p.Lon == nil) {
		checks = append(checks, invalid("lat", "lat and lon come together"))
	}
	if p.Lat != nil && p.Lon != nil {
		checks = append(checks, inRange("lat", *p.Lat, -90, 90), inRange("lon", *p.Lon, -180, 180))
	}
	return first(checks)
}
