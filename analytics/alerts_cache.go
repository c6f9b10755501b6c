package analytics

// The result cache of DetectAlerts. A leader's overview asks for the alerts of the same week
// several times (the alerts panel, the hotspots, the briefing), and the detection reads 14 months
// of daily rollups for its day factors and seasons. Detections go through the exact result cache
// of the rankings and KPIs (resultcache.go): a detection of a period, scope and calendar is reused
// while the fingerprint of every table it reads is unchanged (any insert, mutation, merge or
// truncation changes it) and until the next local midnight (the late dossiers count the days
// before today). Where the fingerprints cannot be read or do not cover the sources (a cluster),
// nothing is cached.

import "slices"

// alertSources are the tables the alert_*.sql and dimension queries of DetectAlerts read.
var alertSources = []string{"petition_intake_daily", "post_daily", "dossier_intake_daily", "dossier_late_daily",
	"dossier_events", "wards", "units", "petition_categories"}

// alertReads: a detection reads every partition of alertSources (14 months of history).
var alertReads = func() []tableRead {
	reads := make([]tableRead, len(alertSources))
	for i, t := range alertSources {
		reads[i] = tableRead{table: t}
	}
	return reads
}()

// cloneAlerts copies alerts and their drivers: callers may change what they get, and the cache
// keeps its own.
func cloneAlerts(alerts []Alert) []Alert {
	out := slices.Clone(alerts)
	for i := range out {
		out[i].Drivers = slices.Clone(out[i].Drivers)
	}
	return out
}
