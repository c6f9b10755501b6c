package models

import (
	"time"
	// The zone database is embedded so that a minimal host without /usr/share/zoneinfo still
	// knows Asia/Ho_Chi_Minh.
	_ "time/tzdata"
)

// TimeZone is the zone of every govpulse time: DateTime columns are declared with it, days and
// periods start at local midnight in it.
const TimeZone = "Asia/Ho_Chi_Minh"

// Location is TimeZone loaded (UTC+7, no daylight saving time).
var Location = mustLoadLocation(TimeZone)

func mustLoadLocation(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic("models: load time zone " + name + ": " + err.Error())
	}
	return loc
}
