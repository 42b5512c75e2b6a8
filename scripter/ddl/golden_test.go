package ddl

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/filter"
	"github.com/mssqldump/mssqldump/scripter/model"
)

var update = flag.Bool("update", false, "rewrite testdata/golden/*.sql from the current output")

func loadFixture(t testing.TB, name string) *model.Database {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "fixtures", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var db model.Database
	if err := json.Unmarshal(b, &db); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &db
}

// script renders the whole schema script plus the warnings as trailing
// comments, the form the golden files hold.
func script(t testing.TB, db *model.Database, opts Options) []byte {
	t.Helper()
	s := Build(db, opts)
	var buf bytes.Buffer
	if err := s.WritePreData(&buf); err != nil {
		t.Fatal(err)
	}
	buf.WriteString("-- (data section)\n\n")
	if err := s.WritePostData(&buf); err != nil {
		t.Fatal(err)
	}
	for _, w := range s.Warnings {
		buf.WriteString("-- warning " + w.Code + " " + comment(w.Object) + ": " + comment(w.Message) + "\n")
	}
	return buf.Bytes()
}

// goldenCase is one fixture scripted with one set of options.
type goldenCase struct {
	name, fixture string
	opts          Options
	// spec selects objects before Build, as scripter does.
	spec filter.Spec
}

var goldenCases = []goldenCase{
	{"pubs", "pubs", Options{}, filter.Spec{}},
	{"northwind", "northwind", Options{}, filter.Spec{}},
	{"torture", "torture", Options{}, filter.Spec{}},
	{"torture_all_options", "torture", Options{AddDropTable: true, IfNotExists: true, Permissions: true}, filter.Spec{}},
	{"torture_skip", "torture", Options{}, filter.Spec{SkipRoutines: true, SkipTriggers: true, SkipExtendedProperties: true}},
}

func TestGoldenScripts(t *testing.T) {
	for _, c := range goldenCases {
		t.Run(c.name, func(t *testing.T) {
			got := script(t, selected(t, loadFixture(t, c.fixture), c.spec), c.opts)
			path := filepath.Join("..", "testdata", "golden", c.name+".sql")
			if *update {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./scripter/ddl -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("script differs from %s (run with -update after checking the diff)\n%s", path, firstDiff(got, want))
			}
		})
	}
}

// selected is db pruned by spec.
func selected(t testing.TB, db *model.Database, spec filter.Spec) *model.Database {
	t.Helper()
	f, err := filter.Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Apply(db); err != nil {
		t.Fatal(err)
	}
	return db
}

// firstDiff shows the first differing line.
func firstDiff(got, want []byte) string {
	g, w := bytes.Split(got, []byte("\n")), bytes.Split(want, []byte("\n"))
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl []byte
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if !bytes.Equal(gl, wl) {
			return "line " + itoa(i+1) + ":\n got: " + string(gl) + "\nwant: " + string(wl)
		}
	}
	return "(no line differs)"
}
