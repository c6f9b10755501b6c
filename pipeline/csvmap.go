package pipeline

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/govpulse/govpulse/models"
)

// Mapping adapts a source that does not speak the ingest contract: a hotline's CSV export with
// Vietnamese headers, an NDJSON feed with its own keys. It renames columns (or keys) to contract
// fields, drops columns, sets constant fields, translates values ("Đã xử lý" → resolved) and reads
// times in other layouts and a time zone. docs/mapping.md documents the YAML with an example.
// A Mapping is read-only after LoadMapping and safe for concurrent use.
type Mapping struct {
	// Stream, when set, is the only stream the mapping may be used for; LoadMapping then checks
	// every field name against that stream's contract.
	Stream Stream
	// Delimiter of a CSV file (',', ';', '\t' or '|'); 0: detected from the header.
	Delimiter rune
	// Columns maps a source column or key to a contract field.
	Columns map[string]string
	// Skip lists source columns to ignore even when their name is a contract field.
	Skip []string
	// Constants sets fields to a fixed value on every line (overriding the input).
	Constants map[string]string
	// Values translates values per field: field → source value → contract value. Source values
	// match exactly, else ignoring case and diacritics; other values pass through unchanged.
	Values map[string]map[string]string
	// Times gives the layouts of time fields: field (or "*" for every time field) → layouts,
	// tried in order. A layout is a Go layout ("02/01/2006 15:04"), a pattern ("dd/MM/yyyy
	// HH:mm"), or one of rfc3339, unix, unix_ms. RFC 3339 is always accepted too.
	Times map[string][]string
	// TimeZone is the zone of times written without an offset; default Asia/Ho_Chi_Minh.
	TimeZone string

	loc   *time.Location
	lines map[string]int // "section.key" → YAML line, for errors found when compiling
}

// LoadMapping reads a mapping from YAML. Errors are *models.FieldError values whose Line is the
// YAML line and whose Field names the key at fault ("columns.Ngày tiếp nhận", "values.status").
func LoadMapping(r io.Reader) (*Mapping, error) {
	data, err := io.ReadAll(io.LimitReader(r, 1<<20+1))
	if err != nil {
		return nil, fmt.Errorf("pipeline: read mapping: %w", err)
	}
	if len(data) > 1<<20 {
		return nil, &models.FieldError{Message: "mapping file is larger than 1 MiB"}
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, yamlError(err)
	}
	m := &Mapping{lines: map[string]int{}}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &models.FieldError{Message: "mapping is empty"}
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return nil, mapErr(root, "", "the mapping must be a YAML mapping of keys (stream, columns, …)")
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		key := k.Value
		if seen[key] {
			return nil, mapErr(k, key, "is given twice")
		}
		seen[key] = true
		var err error
		switch key {
		case "stream":
			err = m.loadStream(v)
		case "delimiter":
			err = m.loadDelimiter(v)
		case "time_zone":
			err = m.loadTimeZone(v)
		case "columns":
			m.Columns, err = loadStringMap(v, "columns", m.lines)
		case "skip":
			m.Skip, err = loadStringList(v, "skip")
		case "constants":
			m.Constants, err = loadStringMap(v, "constants", m.lines)
		case "values":
			err = m.loadValues(v)
		case "times":
			err = m.loadTimes(v)
		default:
			return nil, mapErr(k, key, "unknown key; want stream, delimiter, time_zone, columns, skip, constants, values or times")
		}
		if err != nil {
			return nil, err
		}
	}
	if m.loc == nil {
		m.loc = models.Location
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	return m, nil
}

// yamlError turns a YAML syntax error into a FieldError carrying its line.
func yamlError(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		return &models.FieldError{Message: "mapping: " + strings.Join(te.Errors, "; ")}
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		if n, after, ok := strings.Cut(rest, ":"); ok {
			if l, err := strconv.Atoi(n); err == nil {
				line, msg = l, strings.TrimSpace(after)
			}
		}
	}
	return &models.FieldError{Line: line, Message: "invalid YAML: " + msg}
}

func mapErr(n *yaml.Node, key, format string, args ...any) error {
	return &models.FieldError{Line: n.Line, Field: key, Message: fmt.Sprintf(format, args...)}
}

func yamlScalar(n *yaml.Node, key string) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", mapErr(n, key, "must be a single value")
	}
	if n.Tag == "!!null" {
		return "", mapErr(n, key, "needs a value")
	}
	return n.Value, nil
}

func loadStringMap(n *yaml.Node, section string, lines map[string]int) (map[string]string, error) {
	if n.Kind != yaml.MappingNode {
		return nil, mapErr(n, section, "must be a mapping of key: value")
	}
	out := map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := section + "." + k.Value
		if _, dup := out[k.Value]; dup {
			return nil, mapErr(k, path, "is given twice")
		}
		s, err := yamlScalar(v, path)
		if err != nil {
			return nil, err
		}
		out[k.Value] = strings.TrimSpace(s)
		lines[path] = k.Line
	}
	return out, nil
}

func loadStringList(n *yaml.Node, key string) ([]string, error) {
	if n.Kind == yaml.ScalarNode {
		s, err := yamlScalar(n, key)
		return []string{s}, err
	}
	if n.Kind != yaml.SequenceNode {
		return nil, mapErr(n, key, "must be a list")
	}
	var out []string
	for _, c := range n.Content {
		s, err := yamlScalar(c, key)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func (m *Mapping) loadStream(n *yaml.Node) error {
	s, err := yamlScalar(n, "stream")
	if err != nil {
		return err
	}
	if !Stream(s).Valid() {
		return mapErr(n, "stream", "unknown stream %s; want dossiers, petitions or posts", quoteValue(s))
	}
	m.Stream = Stream(s)
	return nil
}

func (m *Mapping) loadDelimiter(n *yaml.Node) error {
	s, err := yamlScalar(n, "delimiter")
	if err != nil {
		return err
	}
	switch s {
	case ",", ";", "|":
		m.Delimiter = rune(s[0])
	case "\t", `\t`, "tab":
		m.Delimiter = '\t'
	default:
		return mapErr(n, "delimiter", "must be one of , ; | or tab, got %s", quoteValue(s))
	}
	return nil
}

func (m *Mapping) loadTimeZone(n *yaml.Node) error {
	s, err := yamlScalar(n, "time_zone")
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(s)
	if err != nil || s == "" || s == "Local" {
		return mapErr(n, "time_zone", "unknown time zone %s; use an IANA name such as Asia/Ho_Chi_Minh", quoteValue(s))
	}
	m.TimeZone, m.loc = s, loc
	return nil
}

func (m *Mapping) loadValues(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return mapErr(n, "values", "must map fields to value translations")
	}
	m.Values = map[string]map[string]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := "values." + k.Value
		if _, dup := m.Values[k.Value]; dup {
			return mapErr(k, path, "is given twice")
		}
		vals, err := loadStringMap(v, path, m.lines)
		if err != nil {
			return err
		}
		m.Values[k.Value] = vals
		m.lines[path] = k.Line
	}
	return nil
}

func (m *Mapping) loadTimes(n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return mapErr(n, "times", "must map time fields to layouts")
	}
	m.Times = map[string][]string{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		path := "times." + k.Value
		if _, dup := m.Times[k.Value]; dup {
			return mapErr(k, path, "is given twice")
		}
		layouts, err := loadStringList(v, path)
		if err != nil {
			return err
		}
		if len(layouts) == 0 {
			return mapErr(v, path, "needs at least one layout")
		}
		for j, l := range layouts {
			tl, err := compileLayout(l)
			if err != "" {
				return mapErr(v, path, "%s", err)
			}
			layouts[j] = tl
		}
		m.Times[k.Value] = layouts
		m.lines[path] = k.Line
	}
	return nil
}

// Named layouts besides Go layouts and patterns.
const (
	layoutRFC3339 = "rfc3339"
	layoutUnix    = "unix"
	layoutUnixMS  = "unix_ms"
)

// patternTokens translate the dd/MM/yyyy style that spreadsheets use into Go layout elements,
// longest first.
var patternTokens = []struct{ from, to string }{
	{"yyyy", "2006"}, {"yy", "06"}, {"MM", "01"}, {"dd", "02"}, {"HH", "15"}, {"mm", "04"}, {"ss", "05"},
}

// compileLayout checks one layout and returns it as a Go layout (or a named one).
func compileLayout(l string) (string, string) {
	l = strings.TrimSpace(l)
	switch strings.ToLower(l) {
	case layoutRFC3339, layoutUnix, layoutUnixMS:
		return strings.ToLower(l), ""
	case "":
		return "", "layout is empty"
	}
	if strings.Contains(l, "yyyy") || strings.Contains(l, "dd") {
		var b strings.Builder
		for i := 0; i < len(l); {
			matched := false
			for _, t := range patternTokens {
				if strings.HasPrefix(l[i:], t.from) {
					b.WriteString(t.to)
					i += len(t.from)
					matched = true
					break
				}
			}
			if !matched {
				b.WriteByte(l[i])
				i++
			}
		}
		l = b.String()
	}
	// A layout must at least carry a year, a month and a day: format a reference time with it and
	// read it back.
	ref := time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)
	t, err := time.Parse(l, ref.Format(l))
	if err != nil || t.Year() != 2025 || t.Month() != 3 || t.Day() != 14 {
		return "", fmt.Sprintf("layout %s does not read a date (write it as Go's reference time, e.g. 02/01/2006 15:04, or as dd/MM/yyyy HH:mm)", quoteValue(l))
	}
	return l, ""
}

// allFieldNames lists the fields of every stream, for a mapping without a stream.
func allFieldNames() map[string]bool {
	out := map[string]bool{}
	for _, s := range streamSpecs {
		for _, f := range s.fields {
			out[f.name] = true
		}
	}
	return out
}

// check validates field names (against Stream, or against every stream) and values.
func (m *Mapping) check() error {
	var known map[string]bool
	var spec *streamSpec
	if m.Stream != "" {
		spec = streamSpecs[m.Stream]
		known = map[string]bool{}
		for _, f := range spec.fields {
			known[f.name] = true
		}
	} else {
		known = allFieldNames()
	}
	where := "any stream"
	if m.Stream != "" {
		where = string(m.Stream)
	}
	unknown := func(path, field string) error {
		return &models.FieldError{Line: m.lines[path], Field: path,
			Message: fmt.Sprintf("unknown field %s for %s", quoteValue(field), where)}
	}
	targets := map[string]string{}
	for _, src := range sortedKeys(m.Columns) {
		field := m.Columns[src]
		path := "columns." + src
		if !known[field] {
			return unknown(path, field)
		}
		if other, dup := targets[field]; dup {
			return &models.FieldError{Line: m.lines[path], Field: path,
				Message: fmt.Sprintf("maps to %s, as column %s does", field, quoteValue(other))}
		}
		targets[field] = src
	}
	for _, field := range sortedKeys(m.Constants) {
		path := "constants." + field
		if !known[field] {
			return unknown(path, field)
		}
		if src, dup := targets[field]; dup {
			return &models.FieldError{Line: m.lines[path], Field: path,
				Message: fmt.Sprintf("is also given by column %s; keep one", quoteValue(src))}
		}
		if spec != nil {
			if err := checkEnumValue(spec, field, m.Constants[field]); err != "" {
				return &models.FieldError{Line: m.lines[path], Field: path, Message: err}
			}
		}
	}
	for _, field := range sortedKeys(m.Values) {
		path := "values." + field
		if !known[field] {
			return unknown(path, field)
		}
		if spec != nil {
			for _, from := range sortedKeys(m.Values[field]) {
				if err := checkEnumValue(spec, field, m.Values[field][from]); err != "" {
					p := path + "." + from
					return &models.FieldError{Line: m.lines[p], Field: p, Message: err}
				}
			}
		}
	}
	for _, field := range sortedKeys(m.Times) {
		path := "times." + field
		if field == "*" {
			continue
		}
		if !known[field] {
			return unknown(path, field)
		}
		if spec != nil && spec.fields[spec.index(field)].kind != kTime {
			return &models.FieldError{Line: m.lines[path], Field: path, Message: fmt.Sprintf("%s is not a time field", field)}
		}
	}
	return nil
}

// checkEnumValue returns a message when an enum field of spec gets a value outside its
// vocabulary.
func checkEnumValue(spec *streamSpec, field, value string) string {
	i := spec.index(field)
	if i < 0 || spec.fields[i].kind != kEnum {
		return ""
	}
	vocab := enumVocab(spec, field)
	if len(vocab) == 0 || slices.Contains(vocab, strings.ToLower(value)) {
		return ""
	}
	return fmt.Sprintf("%s is not a %s value; want one of %s", quoteValue(value), field, strings.Join(vocab, ", "))
}

// enumVocab returns the vocabulary of an enum field.
func enumVocab(spec *streamSpec, field string) []string {
	switch {
	case spec == streamSpecs[StreamDossiers]:
		switch field {
		case "channel":
			return dossierChannelNames
		case "online_level":
			return onlineLevelNames
		case "status":
			return dossierStatusNames
		case "satisfaction":
			return dossierSatisfactionNames
		}
	case spec == streamSpecs[StreamPetitions]:
		switch field {
		case "channel":
			return petitionChannelNames
		case "status":
			return petitionStatusNames
		case "satisfaction":
			return petitionSatisfactionNames
		}
	case spec == streamSpecs[StreamPosts]:
		if field == "platform" {
			return platformNames
		}
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// compiledMapping is a Mapping (or none) bound to one stream for one Parse.
type compiledMapping struct {
	spec      *streamSpec
	exact     map[string]int // source key or column → field; -1 skips it
	folded    map[string]int // the same, keys folded (case and diacritics ignored)
	mapped    bool
	src       [maxFields]string
	constants []constValue
	values    [maxFields]map[string]string // exact and folded keys
	valueOf   []int                        // fields with values
	layouts   [maxFields][]string
	loc       *time.Location
	delimiter rune
	// personalKeys are the keys that carry personal fields, redacted from dead letters.
	personalKeys []string
}

type constValue struct {
	field int
	value string
}

// foldKey is how headers, keys and values compare loosely: NFC, lower case, no diacritics,
// single spaces.
func foldKey(s string) string { return Fold(NormalizeText(s)) }

// compileMapping binds m to the stream (m may be nil: contract names only).
func compileMapping(m *Mapping, stream Stream, spec *streamSpec) (*compiledMapping, error) {
	cm := &compiledMapping{spec: spec, exact: map[string]int{}, folded: map[string]int{}, loc: models.Location}
	for i, f := range spec.fields {
		cm.exact[f.name] = i
		cm.folded[f.name] = i
		if f.personal {
			cm.personalKeys = append(cm.personalKeys, f.name)
		}
	}
	if m == nil {
		return cm, nil
	}
	if m.Stream != "" && m.Stream != stream {
		return nil, &models.FieldError{Field: "stream", Message: fmt.Sprintf("the mapping is for %s, not %s", m.Stream, stream)}
	}
	cm.mapped = true
	cm.delimiter = m.Delimiter
	switch {
	case m.loc != nil:
		cm.loc = m.loc
	case m.TimeZone != "":
		// A Mapping built in Go rather than by LoadMapping.
		loc, err := time.LoadLocation(m.TimeZone)
		if err != nil {
			return nil, &models.FieldError{Field: "time_zone", Message: fmt.Sprintf("unknown time zone %s", quoteValue(m.TimeZone))}
		}
		cm.loc = loc
	}
	errAt := func(path, msg string) error {
		return &models.FieldError{Line: m.lines[path], Field: path, Message: msg}
	}
	for _, s := range m.Skip {
		cm.exact[strings.TrimSpace(s)] = -1
		cm.folded[foldKey(s)] = -1
	}
	for _, src := range sortedKeys(m.Columns) {
		field := m.Columns[src]
		f := spec.index(field)
		if f < 0 {
			return nil, errAt("columns."+src, fmt.Sprintf("unknown field %s for %s", quoteValue(field), stream))
		}
		// A column renamed away from a contract name no longer gives that field: "status" → note.
		key := strings.TrimSpace(src)
		cm.exact[key] = f
		cm.folded[foldKey(key)] = f
		cm.src[f] = key
		if spec.fields[f].personal {
			cm.personalKeys = append(cm.personalKeys, key)
		}
	}
	for _, field := range sortedKeys(m.Constants) {
		f := spec.index(field)
		if f < 0 {
			return nil, errAt("constants."+field, fmt.Sprintf("unknown field %s for %s", quoteValue(field), stream))
		}
		if msg := checkEnumValue(spec, field, m.Constants[field]); msg != "" {
			return nil, errAt("constants."+field, msg)
		}
		cm.constants = append(cm.constants, constValue{f, m.Constants[field]})
	}
	for _, field := range sortedKeys(m.Values) {
		f := spec.index(field)
		if f < 0 {
			return nil, errAt("values."+field, fmt.Sprintf("unknown field %s for %s", quoteValue(field), stream))
		}
		vals := map[string]string{}
		for _, from := range sortedKeys(m.Values[field]) {
			to := m.Values[field][from]
			if msg := checkEnumValue(spec, field, to); msg != "" {
				return nil, errAt("values."+field+"."+from, msg)
			}
			vals["="+cleanString(from)] = to
			vals["~"+foldKey(from)] = to
		}
		cm.values[f] = vals
		cm.valueOf = append(cm.valueOf, f)
	}
	for field, raw := range m.Times {
		layouts := make([]string, len(raw))
		for i, l := range raw {
			var msg string
			if layouts[i], msg = compileLayout(l); msg != "" {
				return nil, errAt("times."+field, msg)
			}
		}
		if field == "*" {
			for i, fs := range spec.fields {
				if fs.kind == kTime && cm.layouts[i] == nil {
					cm.layouts[i] = layouts
				}
			}
			continue
		}
		f := spec.index(field)
		if f < 0 || spec.fields[f].kind != kTime {
			return nil, errAt("times."+field, fmt.Sprintf("%s is not a time field of %s", quoteValue(field), stream))
		}
		cm.layouts[f] = layouts
	}
	return cm, nil
}

// resolve maps a CSV header to a field (-1: ignored).
func (cm *compiledMapping) resolve(header string) int {
	if f, ok := cm.exact[header]; ok {
		return f
	}
	if f, ok := cm.folded[foldKey(header)]; ok {
		return f
	}
	return -1
}

// resolveKey maps an NDJSON key to a field (-1: ignored). Without a mapping only exact contract
// names count (the fast path).
func (cm *compiledMapping) resolveKey(key string) int {
	if f, ok := cm.exact[key]; ok {
		return f
	}
	if !cm.mapped {
		return -1
	}
	if f, ok := cm.folded[foldKey(key)]; ok {
		return f
	}
	return -1
}

// source names the column a field came from, when the mapping renamed it.
func (cm *compiledMapping) source(f int) string {
	if f < 0 {
		return ""
	}
	return cm.src[f]
}

func (cm *compiledMapping) hasConstant(f int) bool {
	for _, c := range cm.constants {
		if c.field == f {
			return true
		}
	}
	return false
}

// apply translates values and sets constants in a decoded record.
func (cm *compiledMapping) apply(rec *lineRecord) {
	for _, f := range cm.valueOf {
		v := &rec.vals[f]
		if v.kind != jString && v.kind != jNumber && v.kind != jBool {
			continue
		}
		vals := cm.values[f]
		if to, ok := vals["="+cleanString(v.s)]; ok {
			v.s, v.kind = to, jString
		} else if to, ok := vals["~"+foldKey(v.s)]; ok {
			v.s, v.kind = to, jString
		}
	}
	for _, c := range cm.constants {
		rec.vals[c.field] = rawVal{s: c.value, kind: jString}
	}
}

// parseTime reads a time field: the mapping's layouts (in its zone), else RFC 3339 with offset.
// It returns a message on failure.
func (cm *compiledMapping) parseTime(f int, s string, isNumber bool) (time.Time, string) {
	layouts := cm.layouts[f]
	for _, l := range layouts {
		switch l {
		case layoutUnix, layoutUnixMS:
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				continue
			}
			if l == layoutUnix {
				if n > 1e11 || n < -1e11 {
					continue
				}
				return time.Unix(n, 0), ""
			}
			if n > 1e14 || n < -1e14 {
				continue
			}
			return time.UnixMilli(n), ""
		case layoutRFC3339:
			// below
		default:
			if t, err := time.ParseInLocation(l, s, cm.loc); err == nil {
				return t, ""
			}
		}
	}
	if isNumber {
		if len(layouts) > 0 {
			return time.Time{}, fmt.Sprintf("%s does not match the time formats of the mapping", quoteValue(s))
		}
		return time.Time{}, "must be an RFC 3339 time string with offset, not a number"
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, ""
	}
	if len(s) > 10 && s[10] == ' ' {
		// "2025-08-12 08:30:00+07:00": RFC 3339 allows a space for the T.
		if t, err := time.Parse(time.RFC3339, s[:10]+"T"+s[11:]); err == nil {
			return t, ""
		}
	}
	if len(layouts) > 0 {
		return time.Time{}, fmt.Sprintf("%s does not match the time formats of the mapping (%s) or RFC 3339", quoteValue(s), strings.Join(layouts, ", "))
	}
	if _, err := time.ParseInLocation("2006-01-02T15:04:05", strings.Replace(s, " ", "T", 1), time.UTC); err == nil {
		return time.Time{}, fmt.Sprintf("%s has no UTC offset; want RFC 3339 with offset, e.g. 2025-08-12T08:30:00+07:00", quoteValue(s))
	}
	return time.Time{}, fmt.Sprintf("%s is not an RFC 3339 time with offset, e.g. 2025-08-12T08:30:00+07:00", quoteValue(s))
}
