package models

import "time"

// Post is one social-media post or comment about the city at one version: a row of the posts
// table (latest state per platform and id, ReplacingMergeTree by Version, so re-sends with grown
// engagement replace the old row). Times are in Asia/Ho_Chi_Minh. The contract's author_id is
// stored only as AuthorHash; Text is PII-masked and emptied after two years by the table's TTL.
type Post struct {
	ID           string    `ch:"id" json:"id"`             // the platform's id; unique per platform
	Platform     string    `ch:"platform" json:"platform"` // a Platform
	PublishedAt  time.Time `ch:"published_at" json:"published_at"`
	AuthorHash   string    `ch:"author_hash" json:"-"`
	Text         string    `ch:"text" json:"text"`
	URL          string    `ch:"url" json:"url"`
	WardCode     string    `ch:"ward_code" json:"ward_code"`         // "" when no ward could be inferred
	WardInferred bool      `ch:"ward_inferred" json:"ward_inferred"` // true when inferred from Text
	Topic        string    `ch:"topic" json:"topic"`
	// TopicInferred is true when govpulse inferred Topic from Text.
	TopicInferred   bool    `ch:"topic_inferred" json:"topic_inferred"`
	Likes           uint32  `ch:"likes" json:"likes"`
	Shares          uint32  `ch:"shares" json:"shares"`
	Comments        uint32  `ch:"comments" json:"comments"`
	Sentiment       float32 `ch:"sentiment" json:"sentiment"`               // in [-1, 1]
	SentimentLabel  string  `ch:"sentiment_label" json:"sentiment_label"`   // a SentimentLabel
	SentimentSource string  `ch:"sentiment_source" json:"sentiment_source"` // a SentimentSource
	// FirstSeen is true only on the first delivery of a (Platform, ID); post_daily counts those
	// rows, so a re-sent post counts once.
	FirstSeen bool `ch:"first_seen" json:"first_seen"`

	Version    uint64    `ch:"version" json:"version"` // snapshot time in unix milliseconds
	IngestedAt time.Time `ch:"ingested_at" json:"ingested_at"`
	Source     string    `ch:"source" json:"source"`
}

// Validate checks p against the post contract after enrichment (sentiment scored): identifiers
// present, known enum values, publication time set, sentiment in range. It returns nil or a
// *FieldError (Line left 0 for the caller to fill).
func (p Post) Validate() error {
	return first([]*FieldError{
		required("id", p.ID),
		checkEnum("platform", Platform(p.Platform), Platform(p.Platform).Valid(), platforms[:]),
		requiredTime("published_at", p.PublishedAt),
		inRange("sentiment", float64(p.Sentiment), -1, 1),
		checkEnum("sentiment_label", SentimentLabel(p.SentimentLabel), SentimentLabel(p.SentimentLabel).Valid(), sentimentLabels[:]),
		checkEnum("sentiment_source", SentimentSource(p.SentimentSource), SentimentSource(p.SentimentSource).Valid(), sentimentSources[:]),
	})
}
