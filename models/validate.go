package models

import (
	"math"
	"time"
)

// Helpers of the Validate methods: each returns nil or the FieldError of one rule.

// maxIDLength bounds ids and codes: longer values are surely not ids, and they would bloat keys.
const maxIDLength = 128

func required(field, v string) *FieldError {
	switch {
	case v == "":
		return invalid(field, "is required")
	case len(v) > maxIDLength:
		return invalid(field, "is longer than %d bytes", maxIDLength)
	}
	return nil
}

func requiredTime(field string, t time.Time) *FieldError {
	if t.IsZero() {
		return invalid(field, "is required (RFC 3339 time with offset)")
	}
	return nil
}

// notBefore requires t ≥ ref when both are set.
func notBefore(field string, t time.Time, refField string, ref time.Time) *FieldError {
	if !t.IsZero() && !ref.IsZero() && t.Before(ref) {
		return invalid(field, "is before %s", refField)
	}
	return nil
}

func inRange(field string, v, lo, hi float64) *FieldError {
	if math.IsNaN(v) || v < lo || v > hi {
		return invalid(field, "must be between %g and %g", lo, hi)
	}
	return nil
}

// first returns the first failed check as an error, or nil. It keeps a nil *FieldError from
// becoming a non-nil error interface.
func first(checks []*FieldError) error {
	for _, c := range checks {
		if c != nil {
			return c
		}
	}
	return nil
}
