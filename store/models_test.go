package store_test

import (
	"context"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/govpulse/govpulse/models"
	"github.com/govpulse/govpulse/store"
	"github.com/govpulse/govpulse/store/storetest"
)

// TestModelsMatchSchema proves that the models package and the migrated schema agree: one row of
// every model type (two where the type has nullable columns: set and NULL) is inserted into its
// table with db.Insert and read back with SELECT * into the same type, and every Enum8 column
// holds exactly the values of its models enum type, in order.
func TestModelsMatchSchema(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	loc := models.Location
	at := time.Date(2025, 10, 1, 8, 30, 15, 0, loc)
	// TTL'd columns and tables are filled relative to now, so that nothing has expired.
	now := time.Now().In(loc).Truncate(time.Second)
	nowMS := time.Now().In(loc).Truncate(time.Millisecond)
	later := func(d time.Duration) *time.Time { t := at.Add(d); return &t }
	str := func(s string) *string { return &s }
	f64 := func(f float64) *float64 { return &f }

	dossier := models.Dossier{
		ID: "H29.123.45-251001-0007", ProcedureCode: "1.001193", ProcedureName: "Đăng ký khai sinh", Field: "ho_tich",
		UnitCode: "H29.123.45", UnitName: "UBND phường Bến Thành", WardCode: "26734", Channel: "online",
		OnlineLevel: "full", Status: "completed", ReceivedAt: at, DueAt: at.Add(72 * time.Hour),
		CompletedAt: later(50 * time.Hour), UpdatedAt: at.Add(50 * time.Hour), SupplementCount: 1,
		SupplementPausedSeconds: 7200, FeeVND: 8000, PaidOnline: true, Digitized: true, EResult: true,
		Satisfaction: str("satisfied"), Version: uint64(at.Add(50 * time.Hour).UnixMilli()), IngestedAt: now, Source: "api:tok1",
	}
	open := dossier
	open.ID, open.Status, open.CompletedAt, open.Satisfaction, open.PaidOnline = "H29.123.45-251001-0008", "processing", nil, nil, false
	petition := models.Petition{
		ID: "1022-2025-000123", ReceivedAt: at, Channel: "hotline", Category: "ha_tang_do_thi", Subcategory: "ho_ga",
		WardCode: "26734", UnitCode: "H29.123.45", Status: "resolved", ForwardedAt: later(4 * time.Minute),
		DueAt: at.AddDate(0, 0, 5), ResolvedAt: later(30 * time.Hour), UpdatedAt: at.Add(30 * time.Hour),
		Satisfaction: str("dissatisfied"), Title: "Nắp cống bị vỡ", Content: "Nắp cống trước nhà số *** bị vỡ, nguy hiểm 😟",
		Lat: f64(10.7721), Lon: f64(106.6983), CitizenPhoneMasked: "090****567", CitizenHash: strings.Repeat("ab", 32),
		Sentiment: -0.625, Topic: "ha_tang_do_thi", ReopenCount: 1, Version: 1759300000000, IngestedAt: now, Source: "import:pakn.ndjson",
	}
	newPetition := petition
	newPetition.ID, newPetition.Status, newPetition.ForwardedAt, newPetition.ResolvedAt, newPetition.Satisfaction = "1022-2025-000124", "new", nil, nil, nil
	newPetition.Lat, newPetition.Lon, newPetition.UnitCode, newPetition.ReopenCount = nil, nil, "", 0

	cases := []struct {
		table, orderBy string
		rows           any // a slice of a model type
	}{
		{"dossiers", "id", []models.Dossier{dossier, open}},
		{"dossier_events", "id, status", []models.DossierEvent{
			dossier.Event(models.DossierReceived, dossier.ReceivedAt), dossier.Event(models.DossierCompleted, *dossier.CompletedAt),
			open.Event(models.DossierReceived, open.ReceivedAt)}},
		{"petitions", "id", []models.Petition{petition, newPetition}},
		{"petition_events", "id, status", []models.PetitionEvent{petition.Event(models.PetitionResolved, *petition.ResolvedAt), newPetition.Event(models.PetitionNew, at)}},
		{"posts", "id", []models.Post{{
			ID: "fb_123_456", Platform: "facebook", PublishedAt: now.Add(-24 * time.Hour), AuthorHash: strings.Repeat("cd", 32),
			Text: "Đường Lê Lợi ngập sâu sau mưa, xe chết máy hàng loạt", URL: "https://facebook.com/123/posts/456",
			WardCode: "26734", WardInferred: true, Topic: "ngap_nuoc", TopicInferred: true, Likes: 120, Shares: 14, Comments: 33,
			Sentiment: -0.75, SentimentLabel: "negative", SentimentSource: "lexicon", FirstSeen: true, Version: uint64(now.UnixMilli()),
			IngestedAt: now, Source: "api:tok2",
		}}},
		{"provinces", "code", []models.Province{{Code: "99", Name: "Thử", FullName: "Thành phố Thử", NameEN: "Test", Version: 2}}},
		{"wards", "code", []models.Ward{{Code: "99999", Name: "Bến Thử", FullName: "Phường Bến Thử", NameEN: "Ben Thu", UnitType: "phường",
			ProvinceCode: "99", ProvinceName: "Thử", CodeName: "ben_thu", Aliases: []string{"phuong ben thu", "ben thu"}, Version: 2}}},
		{"units", "code", []models.Unit{{Code: "H29.123.45", Name: "UBND phường Bến Thành", NameEN: "Ben Thanh Ward People's Committee",
			Type: "ward", WardCode: "26734", Parent: "H29", Active: true, Version: 2}}},
		{"fields", "code", []models.Field{{Code: "thu_nghiem", NameVI: "Thử nghiệm", NameEN: "Testing", Version: 2}}},
		{"procedures", "code", []models.Procedure{{Code: "9.999999", Name: "Thủ tục thử nghiệm", Field: "ho_tich", OnlineLevel: "full",
			ProcessingDays: 3, FeeVND: 8000, Active: true, Version: 2}}},
		{"petition_categories", "code", []models.PetitionCategory{{Code: "thu_nghiem", NameVI: "Thử nghiệm", NameEN: "Testing",
			Parent: "khac", SLADays: 15, Version: 2}}},
		{"dead_letters", "line", []models.DeadLetter{{ReceivedAt: now, Stream: "dossiers", Source: "api:tok1", Line: 42, Field: "status",
			Reason: `unknown value "done"`, Raw: `{"id":"x","status":"done"}`}}},
		{"audit_log", "at", []models.AuditEntry{{At: nowMS, Actor: "lan.nguyen", Role: "admin", Action: "token_create", Object: "tok1",
			Detail: `{"stream":"dossiers"}`, IP: "10.0.0.7"}}},
		{"users", "username", []models.User{{Username: "lan.nguyen", DisplayName: "Nguyễn Thị Lan", Role: "leader", ScopeUnit: "H29.123.45",
			ScopeWard: "26734", PasswordHash: "$argon2id$v=19$m=65536,t=3,p=2$c2FsdA$aGFzaA", Disabled: true, CreatedAt: at, UpdatedAt: now, Version: 3}}},
		{"sessions", "token_hash", []models.Session{{TokenHash: strings.Repeat("ef", 32), Username: "lan.nguyen", CreatedAt: now,
			ExpiresAt: now.Add(12 * time.Hour), Revoked: true, Version: 2}}},
		{"ingest_tokens", "id", []models.IngestToken{{ID: "tok1", Name: "Hệ thống một cửa", Stream: "dossiers", TokenHash: strings.Repeat("01", 32),
			CreatedBy: "admin", CreatedAt: at, Revoked: true, Version: 2}}},
		{"saved_questions", "id", []models.SavedQuestion{{ID: "q1", Question: "phường nào trễ hạn nhiều nhất tháng 10", Lang: "vi",
			SpecJSON: `{"metric":"late_dossiers","dimensions":["ward"]}`, SQL: "SELECT 1", CreatedBy: "lan.nguyen", CreatedAt: at, Verified: true, Version: 2}}},
		{"briefings", "id", []models.Briefing{{ID: "b1", Date: time.Date(2025, 10, 1, 0, 0, 0, 0, loc), Lang: "vi", Mode: "llm", Model: "qwen2.5-7b",
			PromptVersion: "3f2a9c", TokensIn: 1800, TokensOut: 420, Text: "Điểm tin ngày 01/10 [F1]", FactsJSON: `[{"id":"F1","value":93.8}]`,
			CreatedBy: "scheduler", CreatedAt: at}}},
		{"assistant_log", "at", []models.AssistantCall{{At: nowMS, Actor: "lan.nguyen", Kind: "ask", Mode: "offline", Model: "", PromptVersion: "3f2a9c",
			TokensIn: 0, TokensOut: 0, DurationMS: 12, Outcome: "ok", Prompt: "phuong nao tre han", Reply: "Phường Bến Thành", Error: ""}}},
	}
	t.Run("seeded dimensions", func(t *testing.T) {
		var wards []struct {
			Province string `ch:"province_code"`
			Type     string `ch:"unit_type"`
			N        uint64 `ch:"n"`
		}
		err := db.Query(ctx, &wards, `SELECT province_code, toString(unit_type) AS unit_type, count() AS n
			FROM wards FINAL GROUP BY province_code, unit_type ORDER BY province_code, unit_type`, nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, w := range wards {
			got = append(got, fmt.Sprintf("%s %s %d", w.Province, w.Type, w.N))
		}
		// DOMAIN §1: HCMC 168 (113 phường, 54 xã, 1 đặc khu), Hải Phòng 114, Cần Thơ 103.
		want := []string{"31 phường 45", "31 xã 67", "31 đặc khu 2", "79 phường 113", "79 xã 54", "79 đặc khu 1", "92 phường 31", "92 xã 72"}
		if !slices.Equal(got, want) {
			t.Errorf("wards per province and type = %q, want %q", got, want)
		}
		var checks []struct {
			BadAliases       uint64 `ch:"bad_aliases"`
			SlugNotAlias     uint64 `ch:"slug_not_alias"`
			OrphanCategories uint64 `ch:"orphan_categories"`
			OtherSLA         uint64 `ch:"other_sla"`
			Provinces        uint64 `ch:"provinces"`
			Fields           uint64 `ch:"fields"`
		}
		err = db.Query(ctx, &checks, `SELECT
			(SELECT countIf(length(aliases) < 4 OR NOT arrayAll(a -> match(a, '^[a-z0-9][a-z0-9. ]*$'), aliases)) FROM wards FINAL) AS bad_aliases,
			(SELECT count() FROM wards FINAL WHERE NOT has(aliases, replaceAll(code_name, '_', ' '))) AS slug_not_alias,
			(SELECT count() FROM petition_categories FINAL WHERE parent != '' AND parent NOT IN (SELECT code FROM petition_categories)) AS orphan_categories,
			(SELECT count() FROM petition_categories FINAL WHERE sla_days != 5) AS other_sla,
			(SELECT count() FROM provinces FINAL) AS provinces,
			(SELECT count() FROM fields FINAL) AS fields`, nil)
		if err != nil {
			t.Fatal(err)
		}
		c := checks[0]
		if c.BadAliases != 0 || c.SlugNotAlias != 0 || c.OrphanCategories != 0 || c.OtherSLA != 0 || c.Provinces != 3 || c.Fields < 13 {
			t.Errorf("seed checks = %+v, want no bad aliases (lower-case ASCII, at least 4), every slug an alias, no orphan categories, sla 5, 3 provinces, at least 13 fields", c)
		}
	})

	testCodes := map[string]string{"provinces": "99", "wards": "99999", "fields": "thu_nghiem", "petition_categories": "thu_nghiem", "units": "H29.123.45", "procedures": "9.999999"}
	covered := map[string]bool{}
	for _, c := range cases {
		t.Run(c.table, func(t *testing.T) {
			covered[c.table] = true
			if err := db.Insert(ctx, c.table, c.rows); err != nil {
				t.Fatal(err)
			}
			in := reflect.ValueOf(c.rows)
			out := reflect.New(in.Type())
			where := "1"
			if code, ok := testCodes[c.table]; ok { // seeded tables: only the test's own row
				where = "code = '" + code + "'"
			}
			query := fmt.Sprintf("SELECT * FROM %s WHERE %s ORDER BY %s", c.table, where, c.orderBy)
			if err := db.Query(ctx, out.Interface(), query, nil); err != nil {
				t.Fatal(err)
			}
			got := out.Elem()
			if got.Len() != in.Len() {
				t.Fatalf("read %d rows, wrote %d", got.Len(), in.Len())
			}
			for i := 0; i < in.Len(); i++ {
				for _, d := range diffRow(in.Index(i), got.Index(i)) {
					t.Errorf("row %d: %s", i, d)
				}
			}
		})
	}

	// Every data table has a model (rollups and the bookkeeping table are read through query
	// results, not models).
	var tables []string
	if err := db.Query(ctx, &tables, `SELECT name FROM system.tables WHERE database = currentDatabase()
		AND engine LIKE '%MergeTree' AND engine NOT LIKE 'Summing%' AND name != 'schema_migrations' ORDER BY name`, nil); err != nil {
		t.Fatal(err)
	}
	for _, name := range tables {
		if !covered[name] {
			t.Errorf("table %s has no model row in this test", name)
		}
	}

	t.Run("enum columns match models", func(t *testing.T) {
		enums := map[string][]string{
			"channel@dossier":       vals(models.DossierChannels()),
			"online_level":          vals(models.OnlineLevels()),
			"status@dossier":        vals(models.DossierStatuses()),
			"satisfaction@dossier":  vals(models.DossierSatisfactions()),
			"channel@petition":      vals(models.PetitionChannels()),
			"status@petition":       vals(models.PetitionStatuses()),
			"satisfaction@petition": vals(models.PetitionSatisfactions()),
			"platform":              vals(models.Platforms()),
			"sentiment_label":       vals(models.SentimentLabels()),
			"sentiment_source":      vals(models.SentimentSources()),
			"type@units":            vals(models.UnitTypes()),
			"unit_type":             vals(models.WardTypes()),
			"role@users":            vals(models.Roles()),
			"stream@ingest_tokens":  vals(models.Streams()),
			"mode":                  vals(models.AssistantModes()),
			// Internal to the petition cube (0014): which duration the row's value measures.
			"measure@petition_handling_cube": {"handling_hours", "forward_minutes"},
		}
		var cols []struct {
			Table string `ch:"table"`
			Name  string `ch:"name"`
			Type  string `ch:"type"`
		}
		if err := db.Query(ctx, &cols, "SELECT table, name, type FROM system.columns WHERE database = currentDatabase() AND type LIKE '%Enum%' ORDER BY table, name", nil); err != nil {
			t.Fatal(err)
		}
		if len(cols) < 20 {
			t.Fatalf("found only %d enum columns", len(cols))
		}
		for _, c := range cols {
			want, ok := enumFor(enums, c.Table, c.Name)
			if !ok {
				t.Errorf("%s.%s (%s) has no models enum in this test", c.Table, c.Name, c.Type)
				continue
			}
			if got := enumValues(c.Type); !slices.Equal(got, want) {
				t.Errorf("%s.%s = %v, models say %v", c.Table, c.Name, got, want)
			}
		}
	})
}

// enumFor finds the expected values of a column: keys are "column" or "column@table-prefix".
func enumFor(enums map[string][]string, table, column string) ([]string, bool) {
	for k, v := range enums {
		col, prefix, scoped := strings.Cut(k, "@")
		if col == column && (!scoped || strings.HasPrefix(table, prefix)) {
			return v, true
		}
	}
	return nil, false
}

var enumValueRe = regexp.MustCompile(`'((?:[^'\\]|\\.)*)' = (-?\d+)`)

// enumValues lists the names of an Enum8(…) or Nullable(Enum8(…)) type, in value order.
func enumValues(typ string) []string {
	var out []string
	for _, m := range enumValueRe.FindAllStringSubmatch(typ, -1) {
		out = append(out, m[1])
	}
	return out
}

func vals[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

// diffRow compares two structs field by field: times by instant (and the read one must be in
// Asia/Ho_Chi_Minh), everything else exactly.
func diffRow(want, got reflect.Value) []string {
	var diffs []string
	for i := 0; i < want.NumField(); i++ {
		name := want.Type().Field(i).Name
		w, g := want.Field(i).Interface(), got.Field(i).Interface()
		switch w := w.(type) {
		case time.Time:
			g := g.(time.Time)
			if !w.Equal(g) || g.Location().String() != models.TimeZone {
				diffs = append(diffs, fmt.Sprintf("%s = %v, want %v", name, g, w))
			}
		case *time.Time:
			g := g.(*time.Time)
			if (w == nil) != (g == nil) || w != nil && (!w.Equal(*g) || g.Location().String() != models.TimeZone) {
				diffs = append(diffs, fmt.Sprintf("%s = %v, want %v", name, g, w))
			}
		default:
			if !reflect.DeepEqual(w, g) {
				diffs = append(diffs, fmt.Sprintf("%s = %#v, want %#v", name, g, w))
			}
		}
	}
	return diffs
}

// TestRollupsCountOnce follows the ingest contracts of migrations 0002-0004 through the daily
// rollups: re-sent snapshots, a re-delivered spool segment, state changes after the end, a
// reopened petition and a re-sent post each count once, and the derived columns agree with the
// models' Go twins.
func TestRollupsCountOnce(t *testing.T) {
	ctx := context.Background()
	db := storetest.Open(t)
	if _, err := store.Migrate(ctx, db, store.MigrateOptions{}); err != nil {
		t.Fatal(err)
	}
	loc := models.Location
	at := time.Date(2025, 10, 1, 8, 0, 0, 0, loc)
	insert := func(table string, rows any, token string) {
		t.Helper()
		if err := db.Insert(ctx, table, rows, store.DedupToken(token)); err != nil {
			t.Fatal(err)
		}
	}

	// Dossier A: received, completed 50 h later with one supplement and a 2 h pause on a 49 h due
	// time (on time only thanks to the pause), then rated. Dossier B: received, then processing.
	a := models.Dossier{ID: "A", ProcedureCode: "1.001193", Field: "ho_tich", UnitCode: "U1", WardCode: "26734",
		Channel: "online", OnlineLevel: "full", Status: "received", ReceivedAt: at, DueAt: at.Add(49 * time.Hour),
		UpdatedAt: at, FeeVND: 8000, Version: 1}
	b := a
	b.ID, b.Channel, b.FeeVND = "B", "in_person", 0
	aDone := a
	end := at.Add(50 * time.Hour)
	aDone.Status, aDone.CompletedAt, aDone.UpdatedAt, aDone.Version = "completed", &end, end, 2
	aDone.SupplementCount, aDone.SupplementPausedSeconds, aDone.PaidOnline, aDone.Digitized, aDone.EResult = 1, 7200, true, true, true
	aRated := aDone
	rating := "satisfied"
	aRated.Satisfaction, aRated.UpdatedAt, aRated.Version = &rating, end.Add(24*time.Hour), 3
	bWork := b
	bWork.Status, bWork.UpdatedAt, bWork.Version = "processing", at.Add(time.Hour), 2

	// Segment 1 is delivered twice (a crash after the insert): stored once.
	seg1 := []models.DossierEvent{a.Event(models.DossierReceived, a.ReceivedAt), b.Event(models.DossierReceived, b.ReceivedAt)}
	insert("dossier_events", seg1, "seg-1:dossier_events")
	insert("dossier_events", seg1, "seg-1:dossier_events")
	insert("dossier_events", []models.DossierEvent{aDone.Event(models.DossierCompleted, end), bWork.Event(models.DossierProcessing, bWork.UpdatedAt)}, "seg-2:dossier_events")
	// Every snapshot goes to the latest-state table, re-sends included; the rating makes no event.
	insert("dossiers", []models.Dossier{a, b}, "seg-1:dossiers")
	insert("dossiers", []models.Dossier{aDone, bWork, a}, "seg-2:dossiers")
	insert("dossiers", []models.Dossier{aRated, aDone}, "seg-3:dossiers")

	var intake []struct {
		Channel  string `ch:"channel"`
		Received uint64 `ch:"received"`
	}
	if err := db.Query(ctx, &intake, "SELECT toString(channel) AS channel, sum(received) AS received FROM dossier_intake_daily WHERE day = '2025-10-01' GROUP BY channel ORDER BY channel", nil); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(intake) != "[{in_person 1} {online 1}]" {
		t.Errorf("intake = %v, want one online and one in-person dossier", intake)
	}
	var outcome []struct {
		Day                                                time.Time `ch:"day"`
		Status                                             string    `ch:"status"`
		Ended, OnTime, Early, FeeBearing, PaidOnline       uint64
		Digitized, EResult, Supplement, Processing, Paused uint64
	}
	if err := db.Query(ctx, &outcome, `SELECT day, toString(status) AS status, sum(ended) AS ended, sum(on_time) AS ontime, sum(early) AS early,
		sum(fee_bearing) AS feebearing, sum(paid_online) AS paidonline, sum(digitized) AS digitized, sum(e_result) AS eresult,
		sum(supplement_requested) AS supplement, sum(processing_seconds) AS processing, sum(paused_seconds) AS paused
		FROM dossier_outcome_daily GROUP BY day, status`, nil); err != nil {
		t.Fatal(err)
	}
	if len(outcome) != 1 {
		t.Fatalf("outcome rows = %+v, want one day of one completed dossier", outcome)
	}
	o := outcome[0]
	if o.Day.Format(time.DateOnly) != "2025-10-03" || o.Status != "completed" || o.Ended != 1 || o.OnTime != 1 || o.Early != 0 ||
		o.FeeBearing != 1 || o.PaidOnline != 1 || o.Digitized != 1 || o.EResult != 1 || o.Supplement != 1 ||
		o.Processing != 50*3600 || o.Paused != 7200 {
		t.Errorf("outcome = %+v", o)
	}
	var latest []struct {
		ID          string     `ch:"id"`
		Status      string     `ch:"status"`
		EndedAt     *time.Time `ch:"ended_at"`
		EndedOnTime *bool      `ch:"ended_on_time"`
		Rated       bool       `ch:"rated"`
	}
	if err := db.Query(ctx, &latest, "SELECT id, toString(status) AS status, ended_at, ended_on_time, satisfaction IS NOT NULL AS rated FROM dossiers FINAL ORDER BY id", nil); err != nil {
		t.Fatal(err)
	}
	if len(latest) != 2 || latest[0].Status != "completed" || !latest[0].Rated || latest[1].Status != "processing" || latest[1].EndedAt != nil {
		t.Fatalf("dossiers FINAL = %+v", latest)
	}
	if goEnd, goOK := aRated.EndedAt(), aRated.EndedOnTime(); latest[0].EndedAt == nil || !latest[0].EndedAt.Equal(*goEnd) ||
		latest[0].EndedOnTime == nil || *latest[0].EndedOnTime != *goOK || !*goOK || latest[1].EndedOnTime != nil {
		t.Errorf("ended_at / ended_on_time = %v / %v, Go twins say %v / %v", latest[0].EndedAt, latest[0].EndedOnTime, goEnd, *goOK)
	}

	// Petition P: new, resolved on time, reopened, resolved again (late): one received, one first
	// closure (on time).
	p := models.Petition{ID: "P", ReceivedAt: at, Channel: "hotline", Category: "ngap_nuoc", WardCode: "26734",
		Status: "new", DueAt: at.AddDate(0, 0, 5), UpdatedAt: at, Sentiment: -0.5, Version: 1}
	p1 := p
	r1 := at.AddDate(0, 0, 2)
	p1.Status, p1.UnitCode, p1.ResolvedAt, p1.UpdatedAt, p1.Version = "resolved", "U1", &r1, r1, 2
	p2 := p1
	p2.Status, p2.ReopenCount, p2.ResolvedAt, p2.UpdatedAt, p2.Version = "reopened", 1, nil, at.AddDate(0, 0, 3), 3
	p3 := p2
	r3 := at.AddDate(0, 0, 9)
	p3.Status, p3.ResolvedAt, p3.UpdatedAt, p3.Version = "resolved", &r3, r3, 4
	insert("petition_events", []models.PetitionEvent{p.Event(models.PetitionNew, at), p1.Event(models.PetitionResolved, r1),
		p2.Event(models.PetitionReopened, p2.UpdatedAt), p3.Event(models.PetitionResolved, r3)}, "seg-1:petition_events")
	var pet []uint64
	if err := db.Query(ctx, &pet, `SELECT arrayJoin([(SELECT sum(received) FROM petition_intake_daily),
		(SELECT sum(closed) FROM petition_outcome_daily), (SELECT sum(on_time) FROM petition_outcome_daily)])`, nil); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(pet) != "[1 1 1]" {
		t.Errorf("petitions received, first closures, on time = %v, want [1 1 1]", pet)
	}

	// Post: first delivery, then a re-send with more likes.
	post := models.Post{ID: "fb1", Platform: "facebook", PublishedAt: at, WardCode: "26734", Topic: "ngap_nuoc", Likes: 10,
		Sentiment: -0.8, SentimentLabel: "negative", SentimentSource: "lexicon", FirstSeen: true, Version: 1}
	again := post
	again.Likes, again.FirstSeen, again.Version = 50, false, 2
	insert("posts", []models.Post{post}, "seg-1:posts")
	insert("posts", []models.Post{again}, "seg-2:posts")
	var posts []uint64
	if err := db.Query(ctx, &posts, `SELECT arrayJoin([(SELECT sum(posts) FROM post_daily), (SELECT sum(negative) FROM post_daily),
		(SELECT sum(likes) FROM post_daily), (SELECT toUInt64(any(likes)) FROM posts FINAL)])`, nil); err != nil {
		t.Fatal(err)
	}
	if fmt.Sprint(posts) != "[1 1 10 50]" {
		t.Errorf("posts, negative, likes at first delivery, latest likes = %v, want [1 1 10 50]", posts)
	}
}
