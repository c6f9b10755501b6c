package store

import (
	"context"
	"fmt"
	"reflect"
	"strings"
)

// validIdentifier reports whether s is a plain ClickHouse identifier safe to put in DDL.
func validIdentifier(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_', r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z':
		case r >= '0' && r <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// checkSliceDest checks that a scan destination is a pointer to a slice.
func checkSliceDest(dest any) error {
	rv := reflect.ValueOf(dest)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Slice {
		return fmt.Errorf("store: scan destination must be a pointer to a slice, got %T", dest)
	}
	return nil
}

// insertHead is the INSERT statement for table and columns, without a FORMAT clause.
func insertHead(table string, columns []string) string {
	quoted := make([]string, len(columns))
	for i, c := range columns {
		quoted[i] = "`" + c + "`"
	}
	return "INSERT INTO " + table + " (" + strings.Join(quoted, ", ") + ")"
}

// describeColumns reads table's column names and types from the engine.
func describeColumns(ctx context.Context, db DB, table string) (map[string]string, error) {
	var cols []struct {
		Name string `ch:"name"`
		Type string `ch:"type"`
	}
	err := db.Query(ctx, &cols,
		"SELECT name, type FROM system.columns WHERE database = currentDatabase() AND table = {table:String}",
		Params{"table": table})
	if err != nil {
		return nil, fmt.Errorf("store: describe %s: %w", table, err)
	}
	if len(cols) == 0 {
		return nil, fmt.Errorf("store: table %s does not exist", table)
	}
	types := make(map[string]string, len(cols))
	for _, c := range cols {
		types[c.Name] = c.Type
	}
	return types, nil
}
