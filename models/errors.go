package models

import (
	"errors"
	"fmt"
)

// ErrNotFound reports that a requested entity (a dossier, a user, a saved question) does not
// exist. Callers wrap it with the id they looked for; the dashboard answers 404.
var ErrNotFound = errors.New("not found")

// ErrInvalid reports input that breaks the data contract or a parameter that cannot be read.
// The dashboard answers 400. A *FieldError matches it with errors.Is.
var ErrInvalid = errors.New("invalid input")

// FieldError is a rejected value: the line of an ingest body or file (1-based; 0 when the input
// has no lines, such as a query parameter), the field at fault ("" for the line as a whole) and
// a message written for the sender. Its text never contains internals and is safe to show to a
// user or return in an ingest reply. It matches ErrInvalid with errors.Is.
type FieldError struct {
	Line    int    `json:"line"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error formats the error as "line 3: status: unknown value …", leaving out the parts that are
// not set.
func (e *FieldError) Error() string {
	switch {
	case e.Line > 0 && e.Field != "":
		return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Message)
	case e.Line > 0:
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	case e.Field != "":
		return e.Field + ": " + e.Message
	}
	return e.Message
}

// Is makes errors.Is(err, ErrInvalid) true for every FieldError.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// invalid builds the FieldError of a field; the caller's line is set by whoever knows it.
func invalid(field, format string, args ...any) *FieldError {
	return &FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}
