package govpulse_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/govpulse/govpulse"

// allowed lists, for each package of ours, the packages of ours it may import directly
// (DESIGN.md §1: models <- store <- analytics <- assistant <- dashboard <- cmd; pipeline depends on
// models; sql and prompts are leaves).
var allowed = map[string][]string{
	"":                {},
	"models":          {},
	"sql":             {},
	"prompts":         {},
	"store":           {"models", "sql"},
	"store/storetest": {"store"},
	"pipeline":        {"models"},
	"analytics":       {"models", "store", "sql"},
	"assistant":       {"models", "store", "analytics", "sql", "prompts"},
	"dashboard":       {"models", "store", "analytics", "assistant", "pipeline", "sql", "prompts"},
	"cmd/govpulse":    {"*"},
	"bench":           {"models", "store", "analytics", "sql"},
	"bench/load":      {"store"}, // the soak test counts what was stored (read-only) at the end
}

// thirdParty pins each driver to the one package allowed to import it.
var thirdParty = map[string][]string{
	"github.com/ClickHouse/clickhouse-go": {"store"},
	"github.com/ClickHouse/ch-go":         {"store"},
	"github.com/ebitengine/purego":        {"store"},
	"github.com/sashabaranov/go-openai":   {"assistant"},
	"github.com/pkoukk/tiktoken-go":       {"assistant"},
	"github.com/gin-gonic/gin":            {"dashboard"},
	"github.com/go-echarts/go-echarts":    {"dashboard"},
}

type pkg struct {
	ImportPath string
	Imports    []string
}

func listPackages(t *testing.T) []pkg {
	t.Helper()
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestDependencyRules(t *testing.T) {
	pkgs := listPackages(t)
	if len(pkgs) < len(allowed)-1 {
		t.Fatalf("go list found %d packages, want at least %d", len(pkgs), len(allowed)-1)
	}
	for _, p := range pkgs {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		rules, ok := allowed[rel]
		if !ok {
			t.Errorf("package %s has no dependency rule; add it to deps_test.go", p.ImportPath)
			continue
		}
		for _, imp := range p.Imports {
			if strings.HasPrefix(imp, module+"/") {
				target := strings.TrimPrefix(imp, module+"/")
				if !contains(rules, "*") && !contains(rules, target) {
					t.Errorf("%s imports %s: not allowed (may import %v)", rel, target, rules)
				}
				continue
			}
			for prefix, owners := range thirdParty {
				if strings.HasPrefix(imp, prefix) && !contains(owners, rel) {
					t.Errorf("%s imports %s: only %v may", rel, imp, owners)
				}
			}
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
