package assistant

import (
	"context"
	"strings"
	"testing"
)

// TestEvalHoldout runs the second question set and reports its accuracy (nlq_holdout.yaml says
// why it exists); it holds a lower floor than the main set.
func TestEvalHoldout(t *testing.T) {
	set, err := ReadEvalFile("testdata/nlq_holdout.yaml")
	if err != nil {
		t.Fatal(err)
	}
	a := newTestAssistant(t, seededDB(t))
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
}
