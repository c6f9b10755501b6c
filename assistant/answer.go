package assistant

// Answer is the reply to one question, whichever mode produced it. It always shows how the
// question was understood (Interpretation, Spec) and the SQL that ran, so a reader can check it.
// When the question cannot be answered as asked, Clarify is set and the result fields are empty.
type Answer struct {
	Question string `json:"question"`
	// Mode is "offline" (rule-based parser) or "llm".
	Mode string `json:"mode"`
	// Notice tells the user something about how the answer was made (a fall-back to offline
	// mode, a limit applied); "" when there is nothing to say.
	Notice string `json:"notice,omitempty"`
	Spec   *Spec  `json:"spec,omitempty"`
	// Interpretation is the spec in words, in the answer's language.
	Interpretation string `json:"interpretation,omitempty"`
	SQL            string `json:"sql,omitempty"`
	// Params are the values bound to the SQL's {name:Type} placeholders.
	Params  map[string]any `json:"params,omitempty"`
	Columns []AnswerColumn `json:"columns,omitempty"`
	Rows    [][]any        `json:"rows,omitempty"`
	Chart   *Chart         `json:"chart,omitempty"`
	// Text is the one-sentence answer written from the result (numbers formatted for the
	// language: 1.234,5 in Vietnamese, 1,234.5 in English).
	Text    string   `json:"answer,omitempty"`
	Clarify *Clarify `json:"clarify,omitempty"`
}

// AnswerColumn is one column of an Answer's table: Key is the metric or dimension key (a
// comparison column is "<metric>_compare", a dimension's display name "<dimension>_name"),
// Label its heading in the answer's language, Unit the metric's unit ("" for dimensions).
type AnswerColumn struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	Unit  string `json:"unit,omitempty"`
}

// Chart suggests how to draw the result: Type "bar" (a ranking), "line" (a time series),
// "number" (one value) or "table"; X and Y are column keys.
type Chart struct {
	Type string   `json:"type"`
	X    string   `json:"x,omitempty"`
	Y    []string `json:"y,omitempty"`
}

// Clarify asks the user to choose: Question explains what was unclear; each Option is a full
// question the user can click to ask instead.
type Clarify struct {
	Question string          `json:"question"`
	Options  []ClarifyOption `json:"options"`
}

// ClarifyOption is one interpretation offered: Label to show, Question to ask when chosen.
type ClarifyOption struct {
	Label    string `json:"label"`
	Question string `json:"question"`
}
