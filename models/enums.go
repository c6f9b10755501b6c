package models

import (
	"fmt"
	"slices"
	"strings"
)

// The closed vocabularies of the data contract (DESIGN §3) and of govpulse's own records. Each
// type lists its values in the order of the Enum8 that stores it (a test checks the schema and
// these lists agree), and Valid reports membership. Rows hold these values as plain strings, as
// the column codecs require; convert to the named type to validate: DossierStatus(d.Status).Valid().

// DossierStatus is the state of a dossier in its lifecycle (dossiers.status).
type DossierStatus string

// The statuses of a dossier. The last four are terminal: the dossier has ended.
const (
	DossierReceived            DossierStatus = "received"             // tiếp nhận
	DossierProcessing          DossierStatus = "processing"           // đang xử lý
	DossierSupplementRequested DossierStatus = "supplement_requested" // yêu cầu bổ sung (clock paused)
	DossierCompleted           DossierStatus = "completed"            // trả kết quả
	DossierReturned            DossierStatus = "returned"             // trả lại hồ sơ
	DossierRejected            DossierStatus = "rejected"             // từ chối
	DossierWithdrawn           DossierStatus = "withdrawn"            // rút hồ sơ / dừng xử lý
)

var dossierStatuses = [...]DossierStatus{DossierReceived, DossierProcessing, DossierSupplementRequested,
	DossierCompleted, DossierReturned, DossierRejected, DossierWithdrawn}

// DossierStatuses returns every DossierStatus in schema order.
func DossierStatuses() []DossierStatus { return slices.Clone(dossierStatuses[:]) }

// Valid reports whether s is a known dossier status.
func (s DossierStatus) Valid() bool { return slices.Contains(dossierStatuses[:], s) }

// Terminal reports whether a dossier in status s has ended (completed, returned, rejected or
// withdrawn). The event log records at most one terminal event per dossier.
func (s DossierStatus) Terminal() bool {
	return s == DossierCompleted || s == DossierReturned || s == DossierRejected || s == DossierWithdrawn
}

// DossierChannel is how a dossier was submitted (dossiers.channel).
type DossierChannel string

// The submission channels of a dossier.
const (
	ChannelOnline   DossierChannel = "online"    // trực tuyến
	ChannelInPerson DossierChannel = "in_person" // trực tiếp
	ChannelPostal   DossierChannel = "postal"    // bưu chính công ích
)

var dossierChannels = [...]DossierChannel{ChannelOnline, ChannelInPerson, ChannelPostal}

// DossierChannels returns every DossierChannel in schema order.
func DossierChannels() []DossierChannel { return slices.Clone(dossierChannels[:]) }

// Valid reports whether c is a known dossier channel.
func (c DossierChannel) Valid() bool { return slices.Contains(dossierChannels[:], c) }

// OnlineLevel is how far a procedure is offered online (dossiers.online_level,
// procedures.online_level).
type OnlineLevel string

// The online levels; "full" and "partial" replace the former "mức độ 4" and "mức độ 3".
const (
	OnlineFull    OnlineLevel = "full"    // DVC trực tuyến toàn trình
	OnlinePartial OnlineLevel = "partial" // DVC trực tuyến một phần
	OnlineNone    OnlineLevel = "none"
)

var onlineLevels = [...]OnlineLevel{OnlineFull, OnlinePartial, OnlineNone}

// OnlineLevels returns every OnlineLevel in schema order.
func OnlineLevels() []OnlineLevel { return slices.Clone(onlineLevels[:]) }

// Valid reports whether l is a known online level.
func (l OnlineLevel) Valid() bool { return slices.Contains(onlineLevels[:], l) }

// DossierSatisfaction is a citizen's rating of how a dossier was handled
// (dossiers.satisfaction; NULL when not rated).
type DossierSatisfaction string

// The dossier ratings.
const (
	DossierSatisfied    DossierSatisfaction = "satisfied"
	DossierNeutral      DossierSatisfaction = "neutral"
	DossierDissatisfied DossierSatisfaction = "dissatisfied"
)

var dossierSatisfactions = [...]DossierSatisfaction{DossierSatisfied, DossierNeutral, DossierDissatisfied}

// DossierSatisfactions returns every DossierSatisfaction in schema order.
func DossierSatisfactions() []DossierSatisfaction { return slices.Clone(dossierSatisfactions[:]) }

// Valid reports whether s is a known dossier rating.
func (s DossierSatisfaction) Valid() bool { return slices.Contains(dossierSatisfactions[:], s) }

// PetitionStatus is the state of a petition (petitions.status).
type PetitionStatus string

// The statuses of a petition. Resolved and rejected are closed; a closed petition can be reopened.
const (
	PetitionNew        PetitionStatus = "new"
	PetitionForwarded  PetitionStatus = "forwarded" // chuyển đơn vị xử lý
	PetitionProcessing PetitionStatus = "processing"
	PetitionResolved   PetitionStatus = "resolved"
	PetitionRejected   PetitionStatus = "rejected"
	PetitionReopened   PetitionStatus = "reopened"
)

var petitionStatuses = [...]PetitionStatus{PetitionNew, PetitionForwarded, PetitionProcessing,
	PetitionResolved, PetitionRejected, PetitionReopened}

// PetitionStatuses returns every PetitionStatus in schema order.
func PetitionStatuses() []PetitionStatus { return slices.Clone(petitionStatuses[:]) }

// Valid reports whether s is a known petition status.
func (s PetitionStatus) Valid() bool { return slices.Contains(petitionStatuses[:], s) }

// Closed reports whether a petition in status s has been answered (resolved or rejected).
func (s PetitionStatus) Closed() bool { return s == PetitionResolved || s == PetitionRejected }

// PetitionChannel is how a petition reached the city (petitions.channel).
type PetitionChannel string

// The petition channels of Portal 1022 and its peers.
const (
	ChannelHotline PetitionChannel = "hotline"
	ChannelApp     PetitionChannel = "app"
	ChannelWeb     PetitionChannel = "web"
	ChannelZalo    PetitionChannel = "zalo"
	ChannelEmail   PetitionChannel = "email"
	ChannelSocial  PetitionChannel = "social"
)

var petitionChannels = [...]PetitionChannel{ChannelHotline, ChannelApp, ChannelWeb, ChannelZalo, ChannelEmail, ChannelSocial}

// PetitionChannels returns every PetitionChannel in schema order.
func PetitionChannels() []PetitionChannel { return slices.Clone(petitionChannels[:]) }

// Valid reports whether c is a known petition channel.
func (c PetitionChannel) Valid() bool { return slices.Contains(petitionChannels[:], c) }

// PetitionSatisfaction is a citizen's rating of the answer to a petition
// (petitions.satisfaction; NULL when not rated).
type PetitionSatisfaction string

// The petition ratings.
const (
	PetitionSatisfied    PetitionSatisfaction = "satisfied"
	PetitionDissatisfied PetitionSatisfaction = "dissatisfied"
)

var petitionSatisfactions = [...]PetitionSatisfaction{PetitionSatisfied, PetitionDissatisfied}

// PetitionSatisfactions returns every PetitionSatisfaction in schema order.
func PetitionSatisfactions() []PetitionSatisfaction { return slices.Clone(petitionSatisfactions[:]) }

// Valid reports whether s is a known petition rating.
func (s PetitionSatisfaction) Valid() bool { return slices.Contains(petitionSatisfactions[:], s) }

// Platform is where a post was published (posts.platform).
type Platform string

// The platforms govpulse listens to.
const (
	PlatformFacebook Platform = "facebook"
	PlatformZalo     Platform = "zalo"
	PlatformTikTok   Platform = "tiktok"
	PlatformYouTube  Platform = "youtube"
	PlatformNews     Platform = "news"  // comments on news sites
	PlatformForum    Platform = "forum" // forums and other communities
)

var platforms = [...]Platform{PlatformFacebook, PlatformZalo, PlatformTikTok, PlatformYouTube, PlatformNews, PlatformForum}

// Platforms returns every Platform in schema order.
func Platforms() []Platform { return slices.Clone(platforms[:]) }

// Valid reports whether p is a known platform.
func (p Platform) Valid() bool { return slices.Contains(platforms[:], p) }

// SentimentLabel is the tone class of a text (posts.sentiment_label).
type SentimentLabel string

// The tone classes.
const (
	SentimentNegative SentimentLabel = "negative"
	SentimentNeutral  SentimentLabel = "neutral"
	SentimentPositive SentimentLabel = "positive"
)

var sentimentLabels = [...]SentimentLabel{SentimentNegative, SentimentNeutral, SentimentPositive}

// SentimentLabels returns every SentimentLabel in schema order.
func SentimentLabels() []SentimentLabel { return slices.Clone(sentimentLabels[:]) }

// Valid reports whether l is a known tone class.
func (l SentimentLabel) Valid() bool { return slices.Contains(sentimentLabels[:], l) }

// SentimentSource says who scored a text (posts.sentiment_source).
type SentimentSource string

// The scorers: the sender's own score, govpulse's lexicon scorer, or a model.
const (
	SentimentFromUpstream SentimentSource = "upstream"
	SentimentFromLexicon  SentimentSource = "lexicon"
	SentimentFromModel    SentimentSource = "model"
)

var sentimentSources = [...]SentimentSource{SentimentFromUpstream, SentimentFromLexicon, SentimentFromModel}

// SentimentSources returns every SentimentSource in schema order.
func SentimentSources() []SentimentSource { return slices.Clone(sentimentSources[:]) }

// Valid reports whether s is a known scorer.
func (s SentimentSource) Valid() bool { return slices.Contains(sentimentSources[:], s) }

// UnitType says whether a handling unit is a city department or a ward's people's committee
// (units.type).
type UnitType string

// The kinds of handling unit.
const (
	UnitDepartment UnitType = "department" // Sở, Ban, ngành
	UnitWard       UnitType = "ward"       // UBND phường / xã / đặc khu
)

var unitTypes = [...]UnitType{UnitDepartment, UnitWard}

// UnitTypes returns every UnitType in schema order.
func UnitTypes() []UnitType { return slices.Clone(unitTypes[:]) }

// Valid reports whether t is a known unit type.
func (t UnitType) Valid() bool { return slices.Contains(unitTypes[:], t) }

// WardType is the kind of a ward-level unit (wards.unit_type). Its values are the Vietnamese
// words the UI shows.
type WardType string

// The kinds of ward-level unit since 1 July 2025.
const (
	WardPhuong WardType = "phường"  // urban ward
	WardXa     WardType = "xã"      // rural commune
	WardDacKhu WardType = "đặc khu" // special zone (islands)
)

var wardTypes = [...]WardType{WardPhuong, WardXa, WardDacKhu}

// WardTypes returns every WardType in schema order.
func WardTypes() []WardType { return slices.Clone(wardTypes[:]) }

// Valid reports whether t is a known ward type.
func (t WardType) Valid() bool { return slices.Contains(wardTypes[:], t) }

// Role decides what a dashboard user may see and do (users.role).
type Role string

// The roles of DOMAIN §5, plus the administrator.
const (
	RoleAdmin   Role = "admin"   // users, tokens, settings
	RoleLeader  Role = "leader"  // overview, briefings
	RoleAnalyst Role = "analyst" // questions, saved answers
	RolePlanner Role = "planner" // rankings and exports
)

var roles = [...]Role{RoleAdmin, RoleLeader, RoleAnalyst, RolePlanner}

// Roles returns every Role in schema order.
func Roles() []Role { return slices.Clone(roles[:]) }

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(roles[:], r) }

// Stream names one of the three ingest streams (ingest_tokens.stream, dead_letters.stream, the
// path of /api/v1/ingest/{stream}).
type Stream string

// The ingest streams.
const (
	StreamDossiers  Stream = "dossiers"
	StreamPetitions Stream = "petitions"
	StreamPosts     Stream = "posts"
)

var streams = [...]Stream{StreamDossiers, StreamPetitions, StreamPosts}

// Streams returns every Stream in schema order.
func Streams() []Stream { return slices.Clone(streams[:]) }

// Valid reports whether s is a known stream.
func (s Stream) Valid() bool { return slices.Contains(streams[:], s) }

// AssistantMode says who wrote an assistant answer or briefing (briefings.mode,
// assistant_log.mode): the offline rules and templates, or an LLM.
type AssistantMode string

// The assistant modes; the UI always says which one answered.
const (
	ModeOffline AssistantMode = "offline"
	ModeLLM     AssistantMode = "llm"
)

var assistantModes = [...]AssistantMode{ModeOffline, ModeLLM}

// AssistantModes returns every AssistantMode in schema order.
func AssistantModes() []AssistantMode { return slices.Clone(assistantModes[:]) }

// Valid reports whether m is a known mode.
func (m AssistantMode) Valid() bool { return slices.Contains(assistantModes[:], m) }

// checkEnum returns nil when valid, else the FieldError naming field, the value (cut short: it
// comes from outside) and the accepted values.
func checkEnum[T ~string](field string, v T, valid bool, all []T) *FieldError {
	if valid {
		return nil
	}
	names := make([]string, len(all))
	for i, a := range all {
		names[i] = string(a)
	}
	return invalid(field, "unknown value %s; want one of %s", quoteShort(string(v)), strings.Join(names, ", "))
}

// quoteShort quotes s for a message, cut to 40 runes so a hostile value cannot flood a reply.
func quoteShort(s string) string {
	r := []rune(s)
	if len(r) > 40 {
		return fmt.Sprintf("%q…", string(r[:40]))
	}
	return fmt.Sprintf("%q", s)
}
