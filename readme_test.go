package govpulse_test

import (
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
)

// TestReadmeConfigurationTable checks that README's configuration table names exactly the
// environment variables the binary reads (as printed by each command's -h).
func TestReadmeConfigurationTable(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	envRe := regexp.MustCompile("`(GOVPULSE_[A-Z_]+)`")
	documented := map[string]bool{}
	for _, m := range envRe.FindAllStringSubmatch(string(readme), -1) {
		documented[m[1]] = true
	}
	read := map[string]bool{}
	for _, cmd := range []string{"serve", "migrate", "healthcheck"} {
		out, _ := exec.Command("go", "run", "./cmd/govpulse", cmd, "-h").CombinedOutput()
		for _, m := range regexp.MustCompile(`env (GOVPULSE_[A-Z_]+)`).FindAllStringSubmatch(string(out), -1) {
			read[m[1]] = true
		}
	}
	if len(read) < 10 {
		t.Fatalf("found only %d variables in -h output", len(read))
	}
	for name := range read {
		if !documented[name] {
			t.Errorf("README.md does not document %s", name)
		}
	}
	for name := range documented {
		if !read[name] && !strings.HasSuffix(name, "_FILE") && name != "GOVPULSE_CLICKHOUSE_URL" && name != "GOVPULSE_TEST_CLICKHOUSE_URL" {
			t.Errorf("README.md documents %s, which no command reads", name)
		}
	}
	for _, cmd := range []string{"make run", "make test"} {
		if !strings.Contains(string(readme), cmd) {
			t.Errorf("README.md does not show %q", cmd)
		}
	}
}
