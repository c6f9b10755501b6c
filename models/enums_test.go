package models

import (
	"errors"
	"strings"
	"testing"
)

// enumCase exercises one enum type through closures, so one table covers every type.
type enumCase struct {
	name   string
	values []string
	valid  func(string) bool
}

func enumCases() []enumCase {
	return []enumCase{
		{"DossierStatus", strs(DossierStatuses()), func(s string) bool { return DossierStatus(s).Valid() }},
		{"DossierChannel", strs(DossierChannels()), func(s string) bool { return DossierChannel(s).Valid() }},
		{"OnlineLevel", strs(OnlineLevels()), func(s string) bool { return OnlineLevel(s).Valid() }},
		{"DossierSatisfaction", strs(DossierSatisfactions()), func(s string) bool { return DossierSatisfaction(s).Valid() }},
		{"PetitionStatus", strs(PetitionStatuses()), func(s string) bool { return PetitionStatus(s).Valid() }},
		{"PetitionChannel", strs(PetitionChannels()), func(s string) bool { return PetitionChannel(s).Valid() }},
		{"PetitionSatisfaction", strs(PetitionSatisfactions()), func(s string) bool { return PetitionSatisfaction(s).Valid() }},
		{"Platform", strs(Platforms()), func(s string) bool { return Platform(s).Valid() }},
		{"SentimentLabel", strs(SentimentLabels()), func(s string) bool { return SentimentLabel(s).Valid() }},
		{"SentimentSource", strs(SentimentSources()), func(s string) bool { return SentimentSource(s).Valid() }},
		{"UnitType", strs(UnitTypes()), func(s string) bool { return UnitType(s).Valid() }},
		{"WardType", strs(WardTypes()), func(s string) bool { return WardType(s).Valid() }},
		{"Role", strs(Roles()), func(s string) bool { return Role(s).Valid() }},
		{"Stream", strs(Streams()), func(s string) bool { return Stream(s).Valid() }},
		{"AssistantMode", strs(AssistantModes()), func(s string) bool { return AssistantMode(s).Valid() }},
	}
}

func strs[T ~string](vs []T) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = string(v)
	}
	return out
}

func TestEnumsValid(t *testing.T) {
	for _, c := range enumCases() {
		t.Run(c.name, func(t *testing.T) {
			if len(c.values) < 2 {
				t.Fatalf("only %d values", len(c.values))
			}
			seen := map[string]bool{}
			for _, v := range c.values {
				if !c.valid(v) {
					t.Errorf("%q is listed but not Valid", v)
				}
				if seen[v] {
					t.Errorf("%q listed twice", v)
				}
				seen[v] = true
				// Values are matched exactly: the engine's Enum8 is case-sensitive.
				if up := strings.ToUpper(v); up != v && c.valid(up) {
					t.Errorf("%q is Valid; values are case-sensitive", up)
				}
			}
			for _, bad := range []string{"", " ", "unknown", c.values[0] + " "} {
				if c.valid(bad) {
					t.Errorf("%q is Valid", bad)
				}
			}
		})
	}
}

func TestEnumListsAreCopies(t *testing.T) {
	s := DossierStatuses()
	s[0] = "tampered"
	if DossierStatuses()[0] != DossierReceived {
		t.Error("DossierStatuses returns the package's own array")
	}
}

func TestStatusClasses(t *testing.T) {
	terminal := map[DossierStatus]bool{DossierCompleted: true, DossierReturned: true, DossierRejected: true, DossierWithdrawn: true}
	for _, s := range DossierStatuses() {
		if s.Terminal() != terminal[s] {
			t.Errorf("%s.Terminal() = %v", s, s.Terminal())
		}
	}
	closed := map[PetitionStatus]bool{PetitionResolved: true, PetitionRejected: true}
	for _, s := range PetitionStatuses() {
		if s.Closed() != closed[s] {
			t.Errorf("%s.Closed() = %v", s, s.Closed())
		}
	}
}

func TestFieldError(t *testing.T) {
	cases := []struct {
		name string
		err  *FieldError
		want string
	}{
		{"line and field", &FieldError{Line: 3, Field: "status", Message: "unknown value"}, "line 3: status: unknown value"},
		{"line only", &FieldError{Line: 7, Message: "not JSON"}, "line 7: not JSON"},
		{"field only", &FieldError{Field: "period", Message: "cannot read"}, "period: cannot read"},
		{"message only", &FieldError{Message: "empty body"}, "empty body"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.err.Error() != c.want {
				t.Errorf("Error() = %q, want %q", c.err.Error(), c.want)
			}
			var err error = c.err
			if !errors.Is(err, ErrInvalid) || errors.Is(err, ErrNotFound) {
				t.Error("FieldError must match ErrInvalid and only it")
			}
		})
	}
}
