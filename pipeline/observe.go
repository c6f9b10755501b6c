package pipeline

import "time"

// Observer receives the pipeline's measurements; the dashboard turns them into Prometheus
// metrics. Implementations must be safe for concurrent use and cheap: they are called on the
// ingest path.
type Observer interface {
	// Accepted counts lines accepted into the spool, by stream.
	Accepted(stream string, lines int)
	// Rejected counts rejected lines, by stream and the field at fault ("" for a whole line).
	Rejected(stream, field string, lines int)
	// Stored reports one batch written to a table: its rows and how long the insert took.
	Stored(table string, rows int, took time.Duration)
}
