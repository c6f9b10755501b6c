package models

// LastState is what the store holds of an entity's latest snapshot: what the pipeline needs to
// apply the event rules of the ingest contracts (sql/migrations/0002-0004) to a new snapshot.
type LastState struct {
	ID          string `ch:"id"` // dossier or petition id; for posts "<platform>/<id>"
	Version     uint64 `ch:"version"`
	Status      string `ch:"status"` // "" for posts
	Ended       bool   `ch:"ended"`  // a dossier's terminal event is recorded
	ReopenCount uint8  `ch:"reopen_count"`
}
