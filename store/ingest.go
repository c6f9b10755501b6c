package store

import (
	"context"
	"fmt"
	"time"

	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
)

// Ingest is the pipeline's view of a DB: inserts with deduplication tokens and the state
// look-ups of the ingest contracts. It satisfies pipeline.Store.
type Ingest struct {
	DB DB
}

// Insert writes rows to table with the given deduplication token.
func (in Ingest) Insert(ctx context.Context, table string, rows any, dedupToken string) error {
	if dedupToken == "" {
		return in.DB.Insert(ctx, table, rows)
	}
	return in.DB.Insert(ctx, table, rows, DedupToken(dedupToken))
}

// DossierStates runs sql/queries/dossier_states.sql.
func (in Ingest) DossierStates(ctx context.Context, ids []string, from, to time.Time) ([]models.LastState, error) {
	return in.states(ctx, "dossier_states", Params{"ids": ids, "from": from, "to": to})
}

// PetitionStates runs sql/queries/petition_states.sql.
func (in Ingest) PetitionStates(ctx context.Context, ids []string, from, to time.Time) ([]models.LastState, error) {
	return in.states(ctx, "petition_states", Params{"ids": ids, "from": from, "to": to})
}

// PostStates runs sql/queries/post_states.sql; keys are "<platform>/<id>".
func (in Ingest) PostStates(ctx context.Context, keys []string, from, to time.Time) ([]models.LastState, error) {
	return in.states(ctx, "post_states", Params{"keys": keys, "from": from, "to": to})
}

func (in Ingest) states(ctx context.Context, query string, p Params) ([]models.LastState, error) {
	q, err := sqlfiles.Query(query)
	if err != nil {
		return nil, err
	}
	var out []models.LastState
	if err := in.DB.Query(ctx, &out, q, p); err != nil {
		return nil, fmt.Errorf("store: %s (%d keys): %w", query, keyCount(p), err)
	}
	return out, nil
}

func keyCount(p Params) int {
	for _, k := range []string{"ids", "keys"} {
		if v, ok := p[k].([]string); ok {
			return len(v)
		}
	}
	return 0
}
