package analytics

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/govpulse/govpulse/models"
)

// hotspotGap is how far apart in time two alerts of one ward may be and still make one incident:
// late dossiers trail the petitions and posts about the same trouble by a few days.
const hotspotGap = 3 * 24 * time.Hour

// Hotspots joins the alerts of period p into ward incidents, most severe first.
//
// Every alert placed in a ward (petitions and negative posts of the ward, dossiers of the ward's
// people's committee) is grouped with the other alerts of the same ward whose days overlap it or
// come within three days of it. A group becomes a hotspot when it spans at least two streams
// (petitions, posts, dossiers). Its score is the sum of its alerts' scores times 1.5 for each
// stream beyond the first; its severity is its worst alert's, raised one grade when all three
// streams are there. Errors are DetectAlerts's. Hotspots is DetectAlerts followed by HotspotsOf:
// a caller that already has the alerts of p and s (the dashboard) calls HotspotsOf alone, and
// detection runs once.
func Hotspots(ctx context.Context, q Querier, p models.Period, s Scope) ([]Hotspot, error) {
	alerts, err := DetectAlerts(ctx, q, p, s)
	if err != nil {
		return nil, err
	}
	return HotspotsOf(ctx, q, alerts)
}

// HotspotsOf joins alerts already detected (DetectAlerts's result for one period and scope) into
// ward incidents as Hotspots does. It reads only the display names of wards, units and
// categories (three small dimension tables), never the data streams. alerts is not modified; the
// hotspots hold copies of its elements.
func HotspotsOf(ctx context.Context, q Querier, alerts []Alert) ([]Hotspot, error) {
	nm, err := loadNames(ctx, q)
	if err != nil {
		return nil, err
	}
	return joinHotspots(alerts, nm), nil
}

// joinHotspots is the pure part of Hotspots.
func joinHotspots(alerts []Alert, nm names) []Hotspot {
	byWard := map[string][]Alert{}
	for _, a := range alerts {
		if a.Place != "" {
			byWard[a.Place] = append(byWard[a.Place], a)
		}
	}
	var out []Hotspot
	for ward, list := range byWard {
		slices.SortStableFunc(list, func(a, b Alert) int { return cmp.Or(a.Start.Compare(b.Start), cmp.Compare(a.ID, b.ID)) })
		var group []Alert
		var end time.Time
		flush := func() {
			if h, ok := newHotspot(ward, group, nm); ok {
				out = append(out, h)
			}
			group = nil
		}
		for _, a := range list {
			if len(group) > 0 && a.Start.Sub(end) > hotspotGap {
				flush()
			}
			if len(group) == 0 || a.End.After(end) {
				end = a.End
			}
			group = append(group, a)
		}
		flush()
	}
	slices.SortStableFunc(out, func(a, b Hotspot) int {
		return cmp.Or(cmp.Compare(severityRank(b.Severity), severityRank(a.Severity)), cmp.Compare(b.Score, a.Score),
			a.Start.Compare(b.Start), cmp.Compare(a.Ward, b.Ward))
	})
	return out
}

var streamOrder = []models.Stream{models.StreamPetitions, models.StreamPosts, models.StreamDossiers}

func newHotspot(ward string, group []Alert, nm names) (Hotspot, bool) {
	seen := map[models.Stream]bool{}
	for _, a := range group {
		seen[a.Stream] = true
	}
	if len(seen) < 2 {
		return Hotspot{}, false
	}
	h := Hotspot{Ward: ward, WardName: nm.ward(ward).vi, Start: group[0].Start, End: group[0].End, Alerts: slices.Clone(group)}
	worst := SeverityLow
	var sum float64
	for _, a := range group {
		if a.Start.Before(h.Start) {
			h.Start = a.Start
		}
		if a.End.After(h.End) {
			h.End = a.End
		}
		if severityRank(a.Severity) > severityRank(worst) {
			worst = a.Severity
		}
		sum += a.Score
	}
	for _, st := range streamOrder {
		if seen[st] {
			h.Streams = append(h.Streams, st)
		}
	}
	mult := 1.0
	for range len(h.Streams) - 1 {
		mult *= 1.5
	}
	h.Score = round2(sum * mult)
	h.Severity = worst
	if len(h.Streams) == 3 && worst != SeverityCritical {
		h.Severity = []Severity{SeverityLow, SeverityMedium, SeverityHigh, SeverityCritical}[severityRank(worst)]
	}
	h.SummaryVI, h.SummaryEN = hotspotSummary(h, nm)
	return h, true
}

// hotspotSummary says in one sentence what happened where: the ward, the days, and per stream
// what rose, with observed against expected.
func hotspotSummary(h Hotspot, nm names) (vi, en string) {
	w := nm.ward(h.Ward)
	last := h.End.AddDate(0, 0, -1)
	var partsVI, partsEN []string
	for _, a := range h.Alerts {
		obsVI, expVI, obsEN, expEN := numberVI(a.Observed), numberVI(a.Expected), numberEN(a.Observed), numberEN(a.Expected)
		switch a.Kind {
		case AlertPetitionSurge:
			c := nm.category(a.Category)
			partsVI = append(partsVI, fmt.Sprintf("phản ánh về %s %s (dự kiến %s)", c.vi, obsVI, expVI))
			partsEN = append(partsEN, fmt.Sprintf("petitions about %s %s (%s expected)", c.en, obsEN, expEN))
		case AlertNegativePosts:
			about := label{" về " + nm.category(a.Topic).vi, " about " + nm.category(a.Topic).en}
			if a.Topic == "" {
				about = label{}
			}
			partsVI = append(partsVI, fmt.Sprintf("bài viết tiêu cực%s %s (dự kiến %s)", about.vi, obsVI, expVI))
			partsEN = append(partsEN, fmt.Sprintf("negative posts%s %s (%s expected)", about.en, obsEN, expEN))
		case AlertOverdueSurge:
			partsVI = append(partsVI, fmt.Sprintf("hồ sơ trễ hạn của %s %s (dự kiến %s)", nm.unit(a.Unit).vi, obsVI, expVI))
			partsEN = append(partsEN, fmt.Sprintf("late dossiers at %s %s (%s expected)", nm.unit(a.Unit).en, obsEN, expEN))
		case AlertIntakeDrop:
			partsVI = append(partsVI, fmt.Sprintf("hồ sơ tiếp nhận của %s giảm còn %s (dự kiến %s)", nm.unit(a.Unit).vi, obsVI, expVI))
			partsEN = append(partsEN, fmt.Sprintf("dossiers received by %s fell to %s (%s expected)", nm.unit(a.Unit).en, obsEN, expEN))
		case AlertIntakeSurge:
			partsVI = append(partsVI, fmt.Sprintf("hồ sơ tiếp nhận của %s %s (dự kiến %s)", nm.unit(a.Unit).vi, obsVI, expVI))
			partsEN = append(partsEN, fmt.Sprintf("dossiers received by %s %s (%s expected)", nm.unit(a.Unit).en, obsEN, expEN))
		}
	}
	vi = fmt.Sprintf("%s, %s–%s: %d luồng dữ liệu cùng tăng bất thường — %s.", w.vi, h.Start.Format("02/01"), last.Format("02/01/2006"),
		len(h.Streams), strings.Join(partsVI, "; "))
	en = fmt.Sprintf("%s, %s–%s: %d streams rose together — %s.", w.en, h.Start.Format("2 Jan"), last.Format("2 Jan 2006"),
		len(h.Streams), strings.Join(partsEN, "; "))
	return vi, en
}
