package assistant

import (
	"context"
	"strings"
	"testing"
)

// TestEvalHoldout runs the hold-out question sets and reports their accuracy (the files say
// why they exist); they hold a lower floor than the main set.
func TestEvalHoldout(t *testing.T) {
	a := newTestAssistant(t, seededDB(t))
	for _, file := range []string{"testdata/nlq_holdout.yaml", "testdata/nlq_holdout2.yaml"} {
		t.Run(file, func(t *testing.T) {
			set, err := ReadEvalFile(file)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := a.Eval(context.Background(), set)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			if err := rep.Write(&out, false); err != nil {
				t.Fatal(err)
			}
			t.Log("\n" + out.String())
			if in := rep.InLayer(); in.Share < 0.80 {
				t.Errorf("hold-out in-layer accuracy %d/%d = %.1f%%, want >= 80%%", in.Correct, in.Total, 100*in.Share)
			}
			if c := rep.Clarifications(); c.Correct != c.Total {
				t.Errorf("clarifications %d/%d", c.Correct, c.Total)
			}
		})
	}
}
