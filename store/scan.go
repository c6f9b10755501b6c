package store

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// fieldMap maps column names to struct field indexes for one struct type.
type fieldMap struct {
	names []string // columns in field order, for inserts
	index map[string][]int
}

var fieldMaps sync.Map // reflect.Type -> *fieldMap

// fieldsOf returns the column mapping of struct type t: the `ch:"name"` tag, else the field name
// in lower case; `ch:"-"` and unexported fields are skipped.
func fieldsOf(t reflect.Type) *fieldMap {
	if m, ok := fieldMaps.Load(t); ok {
		return m.(*fieldMap)
	}
	m := &fieldMap{index: map[string][]int{}}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name := f.Tag.Get("ch")
		if name == "-" {
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m.names = append(m.names, name)
		m.index[name] = f.Index
	}
	fieldMaps.Store(t, m)
	return m
}

// rowSink appends scanned rows to the slice dest points to.
type rowSink struct {
	slice    reflect.Value // the slice itself (settable)
	elem     reflect.Type
	isStruct bool
	fields   [][]int // per result column, the struct field index path
}

// newRowSink checks dest (a pointer to a slice) against the result's columns.
func newRowSink(dest any, columns []string) (*rowSink, error) {
	if err := checkSliceDest(dest); err != nil {
		return nil, err
	}
	rv := reflect.ValueOf(dest)
	s := &rowSink{slice: rv.Elem(), elem: rv.Elem().Type().Elem()}
	if s.elem.Kind() == reflect.Struct && s.elem.String() != "time.Time" {
		s.isStruct = true
		m := fieldsOf(s.elem)
		for _, c := range columns {
			idx, ok := m.index[c]
			if !ok {
				return nil, fmt.Errorf("store: result column %q has no field in %s (name the column with AS)", shorten(c), s.elem)
			}
			s.fields = append(s.fields, idx)
		}
		return s, nil
	}
	if len(columns) != 1 {
		return nil, fmt.Errorf("store: scanning %d columns into []%s needs a struct element", len(columns), s.elem)
	}
	return s, nil
}

// next appends a zero element and returns pointers to its destinations, one per column.
func (s *rowSink) next(ptrs []any) []any {
	s.slice.Set(reflect.Append(s.slice, reflect.Zero(s.elem)))
	v := s.slice.Index(s.slice.Len() - 1)
	ptrs = ptrs[:0]
	if !s.isStruct {
		return append(ptrs, v.Addr().Interface())
	}
	for _, idx := range s.fields {
		ptrs = append(ptrs, v.FieldByIndex(idx).Addr().Interface())
	}
	return ptrs
}

// rowSource reads rows, a slice of structs, for an insert.
type rowSource struct {
	rows    reflect.Value
	columns []string
	fields  [][]int
}

func newRowSource(rows any) (*rowSource, error) {
	rv := reflect.ValueOf(rows)
	if rv.Kind() == reflect.Pointer {
		rv = rv.Elem()
	}
	if rv.Kind() != reflect.Slice || rv.Type().Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("store: insert rows must be a slice of structs, got %T", rows)
	}
	m := fieldsOf(rv.Type().Elem())
	src := &rowSource{rows: rv, columns: m.names}
	for _, c := range m.names {
		src.fields = append(src.fields, m.index[c])
	}
	return src, nil
}

func (s *rowSource) len() int { return s.rows.Len() }

// values returns row i's field values in column order.
func (s *rowSource) values(i int, out []any) []any {
	out = out[:0]
	v := s.rows.Index(i)
	for _, idx := range s.fields {
		out = append(out, v.FieldByIndex(idx).Interface())
	}
	return out
}

// shorten cuts a column name for an error message: an unnamed expression's name is its whole
// text, parameters included.
func shorten(s string) string {
	if len(s) <= 80 {
		return s
	}
	return s[:77] + "..."
}
