package store

import (
	"context"
	"fmt"

	"github.com/govpulse/govpulse/models"
	sqlfiles "github.com/govpulse/govpulse/sql"
)

// Dimensions are the reference tables: the gazetteer and catalogues the pipeline, the simulator
// and the analytics name things by.
type Dimensions struct {
	Provinces  []models.Province
	Wards      []models.Ward
	Units      []models.Unit
	Fields     []models.Field
	Procedures []models.Procedure
	Categories []models.PetitionCategory
}

// LoadDimensions reads the current row of every code of every dimension table.
func LoadDimensions(ctx context.Context, db DB) (Dimensions, error) {
	var d Dimensions
	for _, t := range []struct {
		name string
		dest any
	}{
		{"provinces", &d.Provinces}, {"wards", &d.Wards}, {"units", &d.Units},
		{"fields", &d.Fields}, {"procedures", &d.Procedures}, {"petition_categories", &d.Categories},
	} {
		q, err := sqlfiles.Query("dimension_" + t.name)
		if err != nil {
			return d, err
		}
		if err := db.Query(ctx, t.dest, q, nil); err != nil {
			return d, fmt.Errorf("store: load %s: %w", t.name, err)
		}
	}
	return d, nil
}
