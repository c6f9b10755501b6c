package sql

import (
	"strings"
	"testing"
)

func TestMigrationsAreContiguousAndRender(t *testing.T) {
	ms := Migrations()
	if len(ms) == 0 {
		t.Fatal("no migrations embedded")
	}
	for _, m := range ms {
		for _, cluster := range []string{"", "c1"} {
			stmts, err := Render(m, RenderOptions{Cluster: cluster})
			if err != nil {
				t.Errorf("%s (cluster %q): %v", m.Name, cluster, err)
			}
			for _, s := range stmts {
				if strings.Contains(s.SQL, StatementBreak) || strings.Contains(s.SQL, "{{") {
					t.Errorf("%s #%d not fully rendered: %.60s", m.Name, s.Index, s.SQL)
				}
			}
		}
	}
}

func TestRender(t *testing.T) {
	m := Migration{Version: 1, Name: "0001_x.sql", Source: `-- header comment
CREATE TABLE IF NOT EXISTS {{local "t"}} {{onCluster}} (id UInt64)
ENGINE = {{engine "ReplacingMergeTree(version)"}} ORDER BY id;
-- statement-break
{{distributed "t" "cityHash64(id)"}}
-- statement-break
-- only a comment here
-- statement-break
INSERT INTO t VALUES (1)`}
	cases := []struct {
		name, cluster string
		want          []string
		lines         []int
	}{
		{"single", "", []string{
			"CREATE TABLE IF NOT EXISTS t  (id UInt64)\nENGINE = ReplacingMergeTree(version) ORDER BY id",
			"INSERT INTO t VALUES (1)",
		}, []int{1, 9}},
		{"cluster", "c1", []string{
			"CREATE TABLE IF NOT EXISTS t_local ON CLUSTER c1 (id UInt64)\nENGINE = ReplicatedReplacingMergeTree('/clickhouse/tables/{shard}/{database}/{table}', '{replica}', version) ORDER BY id",
			"CREATE TABLE IF NOT EXISTS t ON CLUSTER c1 AS t_local\nENGINE = Distributed(c1, currentDatabase(), t_local, cityHash64(id))",
			"INSERT INTO t VALUES (1)",
		}, []int{1, 5, 9}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			stmts, err := Render(m, RenderOptions{Cluster: c.cluster})
			if err != nil {
				t.Fatal(err)
			}
			if len(stmts) != len(c.want) {
				t.Fatalf("got %d statements %+v, want %d", len(stmts), stmts, len(c.want))
			}
			for i, s := range stmts {
				if s.SQL != c.want[i] || s.Line != c.lines[i] {
					t.Errorf("statement %d (line %d):\n%s\nwant (line %d):\n%s", i+1, s.Line, s.SQL, c.lines[i], c.want[i])
				}
			}
		})
	}
}

func TestRenderRejects(t *testing.T) {
	cases := []struct {
		name, src, cluster, want string
	}{
		{"bad cluster name", "SELECT 1", "c1; DROP", "invalid cluster name"},
		{"non-MergeTree engine", `CREATE TABLE x (a UInt8) ENGINE = {{engine "Memory"}}`, "", "not a MergeTree engine"},
		{"unknown function", `SELECT {{nope}}`, "", "nope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Render(Migration{Version: 1, Name: "0001_x.sql", Source: c.src}, RenderOptions{Cluster: c.cluster})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}
