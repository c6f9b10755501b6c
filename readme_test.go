package govpulse_test

import (
	"os"
	"os/exec"
	"path/filepath"
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
	bin := filepath.Join(t.TempDir(), "govpulse")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/govpulse").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	help, err := exec.Command(bin, "help").CombinedOutput()
	if err != nil {
		t.Fatalf("govpulse help: %v\n%s", err, help)
	}
	var cmds []string
	for _, m := range regexp.MustCompile(`(?m)^  ([a-z-]+) `).FindAllStringSubmatch(string(help), -1) {
		cmds = append(cmds, m[1])
	}
	if len(cmds) < 4 {
		t.Fatalf("found commands %v in govpulse help", cmds)
	}
	for _, cmd := range cmds {
		if !strings.Contains(string(readme), "govpulse "+cmd) {
			t.Errorf("README.md does not show the command govpulse %s", cmd)
		}
		out, _ := exec.Command(bin, cmd, "-h").CombinedOutput()
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
