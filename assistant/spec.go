package assistant

// Spec is a question compiled to the semantic layer: what to measure, broken down how, for
// which places and period, compared with what, ordered how and how many rows. The offline
// parser and the LLM (through a tool whose JSON schema is derived from this type and the layer)
// both produce a Spec; the SQL compiler turns a valid Spec into SQL over allow-listed tables.
// Every name in a Spec is a key of the semantic layer (metric, dimension and filter keys, value
// codes), never free SQL.
type Spec struct {
	Metrics    []string   `json:"metrics"`              // metric keys, at least one
	Dimensions []string   `json:"dimensions,omitempty"` // group-by dimension keys
	Filters    []Filter   `json:"filters,omitempty"`    // dimension = one of Values (codes)
	Period     SpecPeriod `json:"period"`
	// Compare adds the same metrics for another period beside each row: "" (none),
	// "previous" (the period before) or "last_year" (the same period a year earlier).
	Compare string `json:"compare,omitempty"`
	OrderBy string `json:"order_by,omitempty"` // a metric key of Metrics, or a dimension key
	Desc    bool   `json:"desc,omitempty"`
	Limit   int    `json:"limit,omitempty"` // top-N; 0 means the layer's default
}

// Filter keeps rows whose dimension value is one of Values (codes from the layer's value
// dictionaries, e.g. ward codes).
type Filter struct {
	Dimension string   `json:"dimension"`
	Values    []string `json:"values"`
}

// SpecPeriod is the period of a question: Text as models.ParsePeriod reads it ("2025-10",
// "2025-Q3", "2025-10-01..2025-10-31"), and Words, the words of the question it came from
// ("tháng 10", "last month"), kept for the interpretation shown to the user.
type SpecPeriod struct {
	Text  string `json:"text"`
	Words string `json:"words,omitempty"`
}
