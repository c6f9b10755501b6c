package dashboard

import (
	"math"

	"github.com/govpulse/govpulse/analytics"
)

// kpiCard is one KPI as a card shows it: the current value and its change against the previous
// period and the same period last year, already written in the request's language. Raw numbers
// ride along for the auto-refresh script and for the API's clients.
type kpiCard struct {
	Key            string   `json:"key"`
	Label          string   `json:"label"`
	Unit           string   `json:"unit"`
	HigherIsBetter bool     `json:"higher_is_better"`
	Value          string   `json:"value"`
	Raw            *float64 `json:"raw"`
	Detail         string   `json:"detail,omitempty"` // "412/450" for rates
	SmallVolume    bool     `json:"small_volume"`
	VsPrevious     change   `json:"vs_previous"`
	VsLastYear     change   `json:"vs_last_year"`
}

// change is a difference between two periods: Dir is up, down, flat or na (a side is N/A);
// Tone is good, bad or neutral, from Dir and whether higher is better.
type change struct {
	Text  string `json:"text"`
	Dir   string `json:"dir"`
	Tone  string `json:"tone"`
	Arrow string `json:"arrow"`
	Was   string `json:"was"` // the other period's value
}

// number is a KPI value as a float: counts as they are, rates 0–1, scores -1–1, quantities
// (days) as they are; nil for N/A. When analytics.Value knows every kind it has (Number, added
// with quantities), that answer is taken.
func number(v analytics.Value) *float64 {
	if n, ok := any(v).(interface{ Number() *float64 }); ok {
		return n.Number()
	}
	switch {
	case v.Count != nil:
		f := float64(*v.Count)
		return &f
	case v.Rate != nil:
		return v.Rate.Value
	case v.Score != nil:
		return v.Score.Value
	}
	return nil
}

// formatValue writes a KPI value: counts with separators, rates as percentages with 2 decimals
// (DOMAIN §3), scores with 2 decimals; "N/A" text for a missing value.
func formatValue(tr Translator, unit string, v *float64) string {
	if v == nil {
		return tr.T("value.na")
	}
	switch unit {
	case "ratio":
		return tr.Number(*v*100, 2) + "%"
	case "score":
		return tr.Number(*v, 2)
	case "days":
		return tr.Number(*v, 1) + " " + tr.T("unit.days")
	}
	return tr.Number(*v, 0)
}

func cardsOf(tr Translator, kpis []analytics.KPI) []kpiCard {
	cards := make([]kpiCard, 0, len(kpis))
	for _, k := range kpis {
		cur := number(k.Current)
		c := kpiCard{
			Key: k.Key, Label: tr.T("kpi." + k.Key), Unit: k.Unit, HigherIsBetter: k.HigherIsBetter,
			Value: formatValue(tr, k.Unit, cur), Raw: cur,
			VsPrevious: compare(tr, k, cur, number(k.Previous)),
			VsLastYear: compare(tr, k, cur, number(k.LastYear)),
		}
		if r := k.Current.Rate; r != nil {
			c.Detail = tr.Number(r.Num, 0) + "/" + tr.Number(r.Den, 0)
			c.SmallVolume = r.SmallVolume && r.Den > 0
		}
		cards = append(cards, c)
	}
	return cards
}

// compare writes the change from was to cur: relative (%) for counts, percentage points for
// rates, plain difference for scores.
func compare(tr Translator, k analytics.KPI, cur, was *float64) change {
	ch := change{Was: formatValue(tr, k.Unit, was), Dir: "na", Tone: "neutral", Arrow: "·"}
	if cur == nil || was == nil {
		ch.Text = tr.T("value.na")
		return ch
	}
	d := *cur - *was
	switch k.Unit {
	case "ratio":
		ch.Text = signed(tr, d*100, 2) + " " + tr.T("unit.pp")
	case "score":
		ch.Text = signed(tr, d, 2)
	case "days":
		ch.Text = signed(tr, d, 1) + " " + tr.T("unit.days")
	default:
		if *was == 0 {
			ch.Text = signed(tr, d, 0)
		} else {
			ch.Text = signed(tr, d / *was * 100, 1) + "%"
		}
	}
	switch {
	case math.Abs(d) < 1e-9:
		ch.Dir, ch.Arrow = "flat", "→"
	case d > 0:
		ch.Dir, ch.Arrow = "up", "▲"
	default:
		ch.Dir, ch.Arrow = "down", "▼"
	}
	if ch.Dir != "flat" {
		if (ch.Dir == "up") == k.HigherIsBetter {
			ch.Tone = "good"
		} else {
			ch.Tone = "bad"
		}
	}
	return ch
}

func signed(tr Translator, v float64, decimals int) string {
	if v > 0 {
		return "+" + tr.Number(v, decimals)
	}
	return tr.Number(v, decimals)
}
