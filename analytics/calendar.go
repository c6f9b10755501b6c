package analytics

import (
	"time"

	"github.com/govpulse/govpulse/models"
)

// The baselines read the one holiday calendar of govpulse (models.DefaultCalendar: the dated
// Tết breaks, public holidays and the weeks around Tết). What is the analytics' own is how much
// each stream moves on each kind of day when the history is too short to tell.

// HolidayFactors are the default factors of the special day types for one stream, relative to
// an ordinary day's level.
type HolidayFactors struct {
	Holiday    float64
	TetBreak   float64
	PreTet     float64
	PreTetRamp float64
	PostTet    float64
}

func (f HolidayFactors) of(t models.DayType) float64 {
	switch t {
	case models.DayHoliday:
		return f.Holiday
	case models.DayTetBreak:
		return f.TetBreak
	case models.DayPreTet:
		return f.PreTet
	case models.DayPreTetRamp:
		return f.PreTetRamp
	case models.DayPostTet:
		return f.PostTet
	}
	return 1
}

// holidayDefaults are the default factors of each day type per stream, relative to an ordinary
// weekday's level of the same week (the weekday pattern is not applied on holidays and in the Tết
// break), used only when the history holds too few such days to estimate them from the data.
var holidayDefaults = map[string]HolidayFactors{
	seriesDossierIntake: {Holiday: 0.05, TetBreak: 0.05, PreTet: 1.3, PreTetRamp: 1.15, PostTet: 0.85},
	seriesDossierLate:   {Holiday: 1, TetBreak: 1, PreTet: 1, PreTetRamp: 1, PostTet: 1},
	seriesPetitions:     {Holiday: 0.6, TetBreak: 0.55, PreTet: 1.05, PreTetRamp: 1.02, PostTet: 0.9},
	seriesNegativePosts: {Holiday: 1, TetBreak: 0.6, PreTet: 0.9, PreTetRamp: 1, PostTet: 0.9},
}

// HolidayDefaults are the default factors of the special day types for a series kind
// ("dossier_intake", "dossier_late", "petitions", "negative_posts"); 1 for an unknown kind.
func HolidayDefaults(series string) HolidayFactors {
	if d, ok := holidayDefaults[series]; ok {
		return d
	}
	return HolidayFactors{1, 1, 1, 1, 1}
}

// monthEnd reports the last four days of a month, when reporting rushes dossiers.
func monthEnd(t time.Time) bool {
	y, m, d := t.In(models.Location).Date()
	last := time.Date(y, m+1, 0, 12, 0, 0, 0, models.Location).Day()
	return last-d < 4
}
