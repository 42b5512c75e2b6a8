package ddl

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/filter"
	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/sqlbatch"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

var fixtures = []string{"pubs", "northwind", "torture"}

// batches splits a script the way the restore does.
func batches(t *testing.T, script []byte) []string {
	t.Helper()
	sp := sqlbatch.NewSplitter(bytes.NewReader(script))
	var out []string
	for {
		b, err := sp.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Variables) > 0 {
			t.Errorf("batch at line %d has sqlcmd variable references %v:\n%s", b.StartLine, b.Variables, b.Text)
		}
		out = append(out, b.Text)
	}
}

// definitionIn returns the module text a batch creates: the batch itself
// when written verbatim, or the decoded value of @definition.
func definitionIn(t *testing.T, batch string) string {
	const declare = "DECLARE @definition nvarchar(max) = N'';\n"
	if !strings.HasPrefix(batch, declare) {
		return batch
	}
	typ, err := tsql.ParseTypeName("nvarchar(max)")
	if err != nil {
		t.Fatal(err)
	}
	var def strings.Builder
	for _, line := range strings.Split(strings.TrimPrefix(batch, declare), "\n") {
		expr, ok := strings.CutPrefix(line, "SET @definition += ")
		if !ok {
			continue
		}
		v, err := tsql.ParseLiteral(strings.TrimSuffix(expr, ";"), typ)
		if err != nil {
			t.Fatalf("decoding %q: %v", expr, err)
		}
		s, ok := v.(string)
		if !ok {
			t.Fatalf("decoded %T, want string", v)
		}
		def.WriteString(s)
	}
	return def.String()
}

func allModules(db *model.Database) []*model.Module {
	mods := append([]*model.Module(nil), db.Modules...)
	mods = append(mods, db.Defaults...)
	mods = append(mods, db.Rules...)
	for _, tb := range db.Tables {
		mods = append(mods, tb.Triggers...)
	}
	return mods
}

// Every module definition must reach the server byte for byte, whether it
// is written verbatim or through sp_executesql, with and without
// IfNotExists.
func TestModuleDefinitionsSurviveTheBatchSplitterExactly(t *testing.T) {
	for _, name := range fixtures {
		for _, opts := range []Options{{}, {IfNotExists: true}} {
			db := loadFixture(t, name)
			var buf bytes.Buffer
			if err := Build(db, opts).Write(&buf); err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, b := range batches(t, buf.Bytes()) {
				got[definitionIn(t, b)] = true
			}
			for _, m := range allModules(db) {
				if m.Definition == nil {
					continue
				}
				if !got[*m.Definition] {
					t.Errorf("%s %+v: definition not restored exactly", name, m.QName)
				}
			}
		}
	}
}

// shuffle permutes every order-free slice of the model (column and
// index-key order are meaningful and stay).
func shuffle(db *model.Database, r *rand.Rand) {
	sh := func(n int, swap func(i, j int)) { r.Shuffle(n, swap) }
	sh(len(db.Schemas), func(i, j int) { db.Schemas[i], db.Schemas[j] = db.Schemas[j], db.Schemas[i] })
	sh(len(db.Types), func(i, j int) { db.Types[i], db.Types[j] = db.Types[j], db.Types[i] })
	sh(len(db.TableTypes), func(i, j int) { db.TableTypes[i], db.TableTypes[j] = db.TableTypes[j], db.TableTypes[i] })
	sh(len(db.XMLSchemaCollections), func(i, j int) {
		db.XMLSchemaCollections[i], db.XMLSchemaCollections[j] = db.XMLSchemaCollections[j], db.XMLSchemaCollections[i]
	})
	sh(len(db.Sequences), func(i, j int) { db.Sequences[i], db.Sequences[j] = db.Sequences[j], db.Sequences[i] })
	sh(len(db.Synonyms), func(i, j int) { db.Synonyms[i], db.Synonyms[j] = db.Synonyms[j], db.Synonyms[i] })
	sh(len(db.Tables), func(i, j int) { db.Tables[i], db.Tables[j] = db.Tables[j], db.Tables[i] })
	sh(len(db.Modules), func(i, j int) { db.Modules[i], db.Modules[j] = db.Modules[j], db.Modules[i] })
	sh(len(db.Principals), func(i, j int) { db.Principals[i], db.Principals[j] = db.Principals[j], db.Principals[i] })
	sh(len(db.RoleMembers), func(i, j int) { db.RoleMembers[i], db.RoleMembers[j] = db.RoleMembers[j], db.RoleMembers[i] })
	sh(len(db.Permissions), func(i, j int) { db.Permissions[i], db.Permissions[j] = db.Permissions[j], db.Permissions[i] })
	sh(len(db.ExtendedProperties), func(i, j int) {
		db.ExtendedProperties[i], db.ExtendedProperties[j] = db.ExtendedProperties[j], db.ExtendedProperties[i]
	})
	sh(len(db.Dependencies), func(i, j int) { db.Dependencies[i], db.Dependencies[j] = db.Dependencies[j], db.Dependencies[i] })
	tables := db.Tables
	for _, tt := range db.TableTypes {
		tables = append(tables, tt.Table)
	}
	for _, t := range tables {
		sh(len(t.Uniques), func(i, j int) { t.Uniques[i], t.Uniques[j] = t.Uniques[j], t.Uniques[i] })
		sh(len(t.Indexes), func(i, j int) { t.Indexes[i], t.Indexes[j] = t.Indexes[j], t.Indexes[i] })
		sh(len(t.ForeignKeys), func(i, j int) { t.ForeignKeys[i], t.ForeignKeys[j] = t.ForeignKeys[j], t.ForeignKeys[i] })
		sh(len(t.Checks), func(i, j int) { t.Checks[i], t.Checks[j] = t.Checks[j], t.Checks[i] })
		sh(len(t.Triggers), func(i, j int) { t.Triggers[i], t.Triggers[j] = t.Triggers[j], t.Triggers[i] })
		for _, tr := range t.Triggers {
			sh(len(tr.TriggerOrder), func(i, j int) { tr.TriggerOrder[i], tr.TriggerOrder[j] = tr.TriggerOrder[j], tr.TriggerOrder[i] })
		}
	}
	for _, m := range db.Modules {
		sh(len(m.Indexes), func(i, j int) { m.Indexes[i], m.Indexes[j] = m.Indexes[j], m.Indexes[i] })
	}
}

func TestShuffledModelGivesTheSameBytes(t *testing.T) {
	all := Options{AddDropTable: true, IfNotExists: true, Permissions: true}
	for _, name := range append(fixtures, "generated") {
		for _, opts := range []Options{{}, all} {
			load := func() *model.Database {
				if name == "generated" {
					return generatedCatalog(300)
				}
				return loadFixture(t, name)
			}
			want := script(t, load(), opts)
			for seed := uint64(1); seed <= 20; seed++ {
				db := load()
				shuffle(db, rand.New(rand.NewPCG(seed, seed*7919)))
				if got := script(t, db, opts); !bytes.Equal(got, want) {
					t.Fatalf("%s seed %d: shuffled model scripts differently\n%s", name, seed, firstDiff(got, want))
				}
			}
		}
	}
}

// position indexes the objects a script creates.
func positions(objs []Object) map[model.QName]int {
	pos := map[model.QName]int{}
	for i, o := range objs {
		if o.Parent != (model.QName{}) {
			continue
		}
		if _, dup := pos[o.QName]; !dup {
			pos[o.QName] = i
		}
	}
	return pos
}

// Every object must come after everything it depends on: expression
// dependencies, a table's alias and table types and XML collections, an
// FK's referenced table (and its keys), an index's or trigger's parent.
func TestRestoreOrderPutsDependenciesFirst(t *testing.T) {
	for _, name := range append(fixtures, "generated") {
		var db *model.Database
		if name == "generated" {
			db = generatedCatalog(300)
		} else {
			db = loadFixture(t, name)
		}
		objs, _ := Objects(db, Options{})
		pos := positions(objs)
		before := func(what string, dep model.QName, at int) {
			p, ok := pos[dep]
			if !ok {
				return // not scripted (missing target)
			}
			if p >= at {
				t.Errorf("%s: %s: %+v (object %d) is not before object %d (%s %+v)", name, what, dep, p, at, objs[at].Type, objs[at].QName)
			}
		}
		for _, d := range db.Dependencies {
			at, ok := pos[d.Referencing]
			if !ok {
				continue
			}
			if o := objs[at]; o.Type == TypeProcedure {
				continue // deferred name resolution; still ordered, but not required
			}
			before("dependency", d.Referenced, at)
		}
		for i, o := range objs {
			if o.Parent != (model.QName{}) {
				before("parent", o.Parent, i)
			}
			if o.Type == TypeForeignKey {
				for _, tb := range db.Tables {
					for _, fk := range tb.ForeignKeys {
						if tb.QName == o.Parent && fk.Name == o.QName.Name {
							before("referenced table", fk.References, i)
							for j, p := range objs {
								if p.Parent == fk.References && (p.Type == TypeUnique || p.Type == TypeIndex) && j > i {
									t.Errorf("%s: key %+v of %+v created after FK %s", name, p.QName, fk.References, fk.Name)
								}
							}
						}
					}
				}
			}
			if o.Type == TypeTable {
				for _, tb := range db.Tables {
					if tb.QName != o.QName {
						continue
					}
					for _, c := range tb.Columns {
						if c.Type.UserDefined {
							before("column type", model.QName{Schema: c.Type.Schema, Name: c.Type.Name}, i)
						}
						if c.Type.XMLCollection != nil {
							before("xml collection", *c.Type.XMLCollection, i)
						}
					}
					if tb.Temporal != nil {
						before("history table", tb.Temporal.History, i)
					}
				}
			}
		}
		// Sections: every pre-data object precedes every post-data one.
		seenPost := false
		for _, o := range objs {
			if o.Section == PostData {
				seenPost = true
			} else if seenPost {
				t.Errorf("%s: pre-data %s %+v after post-data", name, o.Type, o.QName)
			}
		}
	}
}

// Foreign keys form cycles (a table referencing itself, two tables
// referencing each other): tables are still all created, parents first
// where possible, and the FKs come after the data.
func TestForeignKeyCyclesStillGiveEveryTableOnce(t *testing.T) {
	db := loadFixture(t, "torture")
	s := Build(db, Options{})
	seen := map[model.QName]int{}
	for _, tb := range s.Tables {
		seen[tb.QName]++
	}
	for _, tb := range db.Tables {
		if seen[tb.QName] != 1 {
			t.Errorf("table %+v appears %d times in data order", tb.QName, seen[tb.QName])
		}
	}
	idx := map[model.QName]int{}
	for i, tb := range s.Tables {
		idx[tb.QName] = i
	}
	// Legacy references Parent and Child (outside their cycle): after both.
	if idx[dbo("Legacy")] < idx[dbo("Parent")] || idx[dbo("Legacy")] < idx[dbo("Child")] {
		t.Errorf("Legacy loads before the tables it references: %v", idx)
	}
}

func dbo(name string) model.QName { return model.QName{Schema: "dbo", Name: name} }

// Dependency cycles between modules, edges to objects that do not exist,
// self-references and duplicate names must neither panic nor drop objects.
func TestCyclesAndMissingTargetsAreHandled(t *testing.T) {
	def := func(s string) *string { return &s }
	db := &model.Database{
		Modules: []*model.Module{
			{QName: dbo("a"), Kind: model.KindView, Definition: def("CREATE VIEW a AS SELECT 1 AS x")},
			{QName: dbo("b"), Kind: model.KindView, Definition: def("CREATE VIEW b AS SELECT 1 AS x")},
			{QName: dbo("c"), Kind: model.KindView, Definition: def("CREATE VIEW c AS SELECT 1 AS x")},
			{QName: dbo("c"), Kind: model.KindView, Definition: def("CREATE VIEW c AS SELECT 2 AS x")},
		},
		Tables: []*model.Table{{QName: dbo("t"), Columns: []*model.Column{{Name: "id", Type: model.Type{Name: "int"}}},
			ForeignKeys: []*model.ForeignKey{{Name: "fk", Columns: []string{"id"}, References: dbo("gone"), RefColumns: []string{"id"}}}}},
		Dependencies: []model.Dependency{
			{Referencing: dbo("a"), Referenced: dbo("b")},
			{Referencing: dbo("b"), Referenced: dbo("c")},
			{Referencing: dbo("c"), Referenced: dbo("a")},
			{Referencing: dbo("a"), Referenced: dbo("a")},
			{Referencing: dbo("a"), Referenced: dbo("nowhere")},
			{Referencing: dbo("nowhere"), Referenced: dbo("a")},
		},
	}
	s := Build(db, Options{})
	var views []string
	for _, o := range s.Objects {
		if o.Type == TypeView {
			views = append(views, o.QName.Name)
		}
	}
	if want := []string{"a", "c", "b"}; !reflect.DeepEqual(views, want) {
		// a (smallest) breaks the cycle; then c (a's dependent) then b.
		t.Errorf("views in order %v, want %v", views, want)
	}
	var fkWarned bool
	for _, w := range s.Warnings {
		fkWarned = fkWarned || w.Code == WarnFKTargetNotDumped
	}
	if !fkWarned {
		t.Errorf("no %s warning for an FK to a table outside the dump: %+v", WarnFKTargetNotDumped, s.Warnings)
	}
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "IF OBJECT_ID(N'[dbo].[gone]', N'U') IS NOT NULL\nALTER TABLE [dbo].[t] ADD CONSTRAINT [fk]") {
		t.Errorf("FK to a missing table is not guarded:\n%s", buf.String())
	}
}

func TestEncryptedModuleBecomesACommentAndAWarning(t *testing.T) {
	db := &model.Database{Modules: []*model.Module{{QName: dbo("secret"), Kind: model.KindProcedure, TypeCode: "P", Encrypted: true}}}
	s := Build(db, Options{})
	if len(s.Warnings) != 1 || s.Warnings[0].Code != WarnEncryptedModule || s.Warnings[0].Object != "dbo.secret" {
		t.Fatalf("warnings = %+v", s.Warnings)
	}
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "CREATE PROCEDURE") || !strings.Contains(buf.String(), "-- [dbo].[secret] is encrypted") {
		t.Errorf("script:\n%s", buf.String())
	}
}

func TestOptionsLeaveOutWhatTheyNameAndGuardEveryCreate(t *testing.T) {
	db := loadFixture(t, "torture")
	skipped := selected(t, loadFixture(t, "torture"), filter.Spec{SkipRoutines: true, SkipTriggers: true, SkipExtendedProperties: true})
	var buf bytes.Buffer
	if err := Build(skipped, Options{}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"CREATE PROCEDURE", "CREATE FUNCTION", "CREATE TRIGGER", "sp_addextendedproperty", "CREATE USER", "GRANT "} {
		if strings.Contains(buf.String(), bad) {
			t.Errorf("skip options left %q in the script", bad)
		}
	}
	if !strings.Contains(buf.String(), "CREATE VIEW") {
		t.Error("SkipRoutines dropped views too")
	}

	buf.Reset()
	if err := Build(db, Options{IfNotExists: true, AddDropTable: true, Permissions: true}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, b := range batches(t, buf.Bytes()) {
		first := strings.SplitN(b, "\n", 2)[0]
		if strings.HasPrefix(first, "CREATE ") || strings.HasPrefix(first, "ALTER TABLE") && strings.Contains(first, " ADD CONSTRAINT") {
			t.Errorf("unguarded batch with IfNotExists: %q", first)
		}
	}
	s := buf.String()
	for _, want := range []string{"DROP TABLE IF EXISTS [dbo].[AllTypes];", "DROP VIEW IF EXISTS [dbo].[vSyn];", "CREATE USER [app_user] WITHOUT LOGIN WITH DEFAULT_SCHEMA = [sales];",
		"ALTER ROLE [app_readers] ADD MEMBER [app_user];", "GRANT EXECUTE ON OBJECT::[dbo].[uspAddChild] TO [app_readers] WITH GRANT OPTION;",
		"DENY DELETE ON OBJECT::[dbo].[AllTypes] TO [app_user];", "CREATE SCHEMA [we]]ird ''sch'' ü] AUTHORIZATION [app_user]"} {
		if !strings.Contains(s, want) {
			t.Errorf("script lacks %q", want)
		}
	}
	// Drops come in reverse restore order: views before the tables they read.
	if strings.Index(s, "DROP VIEW IF EXISTS [dbo].[vChildCount]") > strings.Index(s, "DROP TABLE IF EXISTS [dbo].[Child]") {
		t.Error("a view is dropped after the table it depends on")
	}
}

func TestTypesRenderAsDeclared(t *testing.T) {
	cases := []struct {
		t    model.Type
		want string
	}{
		{model.Type{Name: "nvarchar", MaxLength: 100}, "nvarchar(50)"},
		{model.Type{Name: "nvarchar", MaxLength: -1}, "nvarchar(max)"},
		{model.Type{Name: "varbinary", MaxLength: -1}, "varbinary(max)"},
		{model.Type{Name: "char", MaxLength: 10}, "char(10)"},
		{model.Type{Name: "nchar", MaxLength: 2}, "nchar(1)"},
		{model.Type{Name: "decimal", Precision: 38, Scale: 10}, "decimal(38, 10)"},
		{model.Type{Name: "numeric", Precision: 5}, "numeric(5, 0)"},
		{model.Type{Name: "datetime2", Scale: 0}, "datetime2(0)"},
		{model.Type{Name: "time", Scale: 3}, "time(3)"},
		{model.Type{Name: "datetimeoffset", Scale: 7}, "datetimeoffset(7)"},
		{model.Type{Name: "float", Precision: 53}, "float"},
		{model.Type{Name: "real", Precision: 24}, "real"},
		{model.Type{Name: "xml", XMLCollection: &model.QName{Schema: "s", Name: "c]"}, XMLDocument: true}, "xml(DOCUMENT [s].[c]]])"},
		{model.Type{Schema: "dbo", Name: "Phone", UserDefined: true}, "[dbo].[Phone]"},
		{model.Type{Name: "sysname", MaxLength: 256}, "sysname"},
		{model.Type{Name: "hierarchyid", Schema: "sys"}, "hierarchyid"},
	}
	for _, c := range cases {
		if got := typeSQL(c.t); got != c.want {
			t.Errorf("typeSQL(%+v) = %q, want %q", c.t, got, c.want)
		}
	}
}

func TestDefinitionsSqlcmdWouldAlterGoThroughALiteral(t *testing.T) {
	cases := map[string]bool{
		"CREATE VIEW v AS SELECT 1 AS x":              false,
		"CREATE VIEW v AS SELECT 1 AS x\n":            true, // trailing line break
		"\nCREATE VIEW v AS SELECT 1 AS x":            true, // leading blank line
		"CREATE VIEW v\r\nAS SELECT 1 AS x":           true, // CRLF
		"CREATE VIEW v\n\nAS SELECT 1 AS x":           true, // blank line
		"CREATE VIEW v AS SELECT '$(x)' AS x":         true,
		"CREATE VIEW v AS\n/*\ngo\n*/ SELECT 1 AS x":  true,
		"CREATE VIEW v AS\n/*\n:r file\n*/ SELECT 1":  true,
		"CREATE VIEW v AS\n/*\nexit\n*/ SELECT 1":     true,
		"CREATE VIEW v AS SELECT 'C:\\' AS p":         true,
		"CREATE VIEW v AS SELECT N'a\x00b' AS p":      true,
		"CREATE VIEW v AS\ngoal AS (SELECT 1) SELECT": false,
	}
	for def, want := range cases {
		if got := needsDynamic(def); got != want {
			t.Errorf("needsDynamic(%q) = %v, want %v", def, got, want)
		}
	}
}

func TestSequencesRestartWhereTheSourceStopped(t *testing.T) {
	db := loadFixture(t, "torture")
	var buf bytes.Buffer
	if err := Build(db, Options{}).WritePreData(&buf); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.Contains(s, "ALTER SEQUENCE [dbo].[OrderNumbers] RESTART WITH 1002;\nDECLARE @consumed sql_variant;\nSET @consumed = NEXT VALUE FOR [dbo].[OrderNumbers];") {
		t.Error("used sequence not restarted at its current value")
	}
	if strings.Contains(s, "ALTER SEQUENCE [dbo].[Ticket]") {
		t.Error("never-used sequence restarted")
	}
}

func TestReseedPutsTheNextIdentityWhereTheSourceHadIt(t *testing.T) {
	tb := &model.Table{QName: dbo("t"), Columns: []*model.Column{{Name: "id", Identity: &model.Identity{Seed: "1", Increment: "-5", LastValue: "-9223372036854775800"}}}}
	got := ReseedStatements(tb)
	want := "IF EXISTS (SELECT 1 FROM sys.identity_columns WHERE object_id = OBJECT_ID(N'[dbo].[t]') AND last_value IS NOT NULL)\n" +
		"\tDBCC CHECKIDENT ('[dbo].[t]', RESEED, -9223372036854775800) WITH NO_INFOMSGS;\nELSE\n" +
		"\tDBCC CHECKIDENT ('[dbo].[t]', RESEED, -9223372036854775805) WITH NO_INFOMSGS;\nGO\n"
	if got != want {
		t.Errorf("ReseedStatements =\n%s\nwant\n%s", got, want)
	}
	tb.Columns[0].Identity.LastValue = ""
	if got := ReseedStatements(tb); got != "" {
		t.Errorf("unused identity reseeded: %q", got)
	}
	if got := ReseedStatements(&model.Table{QName: dbo("u")}); got != "" {
		t.Errorf("table without identity reseeded: %q", got)
	}
}

func TestDataColumnsLoadPeriodColumnsButNeverComputedOnes(t *testing.T) {
	db := loadFixture(t, "torture")
	names := func(tb *model.Table) []string {
		var out []string
		for _, c := range DataColumns(tb) {
			out = append(out, c.Name)
		}
		return out
	}
	for _, tb := range db.Tables {
		switch tb.QName {
		case dbo("Account"):
			if got, want := names(tb), []string{"AccountId", "Balance", "ValidFrom", "ValidTo"}; !reflect.DeepEqual(got, want) {
				t.Errorf("Account data columns %v, want %v", got, want)
			}
		case dbo("AllTypes"):
			for _, n := range names(tb) {
				if n == "c_rowversion" || n == "c_computed" || n == "c_upper" || n == "c_doubled" {
					t.Errorf("AllTypes inserts %s", n)
				}
			}
			if !slices.ContainsFunc(DataColumns(tb), func(c *model.Column) bool { return c.Identity != nil }) {
				t.Error("AllTypes needs IDENTITY_INSERT")
			}
		}
	}
}

// A disabled clustered index (or key) would make the table unreadable
// while its rows load: it is created enabled and disabled after the FKs.
func TestDisabledClusteredIndexIsDisabledOnlyAfterTheData(t *testing.T) {
	cix := &model.Index{Name: "CIX", Kind: "CLUSTERED", Columns: []model.IndexColumn{{Name: "a"}}, Disabled: true}
	pkx := &model.Index{Name: "PK", Kind: "NONCLUSTERED", IsPrimaryKey: true, Columns: []model.IndexColumn{{Name: "a"}}, Disabled: true}
	nix := &model.Index{Name: "NIX", Kind: "NONCLUSTERED", Columns: []model.IndexColumn{{Name: "a"}}, Disabled: true}
	db := &model.Database{Tables: []*model.Table{{QName: dbo("t"), Columns: []*model.Column{{Name: "a", Type: model.Type{Name: "int"}}},
		PrimaryKey: pkx, Indexes: []*model.Index{cix, nix}}}}
	s := Build(db, Options{})
	var pre, post bytes.Buffer
	if err := s.WritePreData(&pre); err != nil {
		t.Fatal(err)
	}
	if err := s.WritePostData(&post); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(pre.String(), "DISABLE") {
		t.Errorf("pre-data disables an index:\n%s", pre.String())
	}
	for _, want := range []string{"ALTER INDEX [CIX] ON [dbo].[t] DISABLE;", "ALTER INDEX [PK] ON [dbo].[t] DISABLE;", "ALTER INDEX [NIX] ON [dbo].[t] DISABLE;"} {
		if strings.Count(post.String(), want) != 1 {
			t.Errorf("post-data should contain %q once:\n%s", want, post.String())
		}
	}
}

func TestCLRModulesAreReportedAsCLRNotEncrypted(t *testing.T) {
	db := &model.Database{Modules: []*model.Module{{QName: dbo("clr"), Kind: model.KindFunction, TypeCode: "FS"}}}
	s := Build(db, Options{})
	if len(s.Warnings) != 1 || s.Warnings[0].Code != WarnCLRModule {
		t.Fatalf("warnings = %+v", s.Warnings)
	}
}

func TestChangeTrackingIsReenabledWhereTheDatabaseHasIt(t *testing.T) {
	var buf bytes.Buffer
	if err := Build(loadFixture(t, "torture"), Options{}).WritePostData(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "ALTER TABLE [dbo].[Facts] ENABLE CHANGE_TRACKING;") {
		t.Error("change tracking not scripted for dbo.Facts")
	}
}

func TestReseedNamesANonASCIITableWithAnNvarcharLiteral(t *testing.T) {
	tb := &model.Table{QName: dbo("Bücher"), Columns: []*model.Column{{Name: "id", Identity: &model.Identity{Seed: "1", Increment: "1", LastValue: "7"}}}}
	if got := ReseedStatements(tb); !strings.Contains(got, "DBCC CHECKIDENT (N'[dbo].[Bücher]', RESEED, 7)") {
		t.Errorf("ReseedStatements =\n%s", got)
	}
}

// AddDropTable drops no schema, so its script creates each schema only
// where it is missing: the second run over the same database must not fail.
func TestAddDropTableCreatesASchemaOnlyWhereItIsMissing(t *testing.T) {
	db := loadFixture(t, "torture")
	var buf bytes.Buffer
	if err := Build(db, Options{AddDropTable: true}).WritePreData(&buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "IF SCHEMA_ID(N'sales') IS NULL\n\tEXEC sys.sp_executesql N'CREATE SCHEMA [sales]';") {
		t.Error("the schema is not guarded")
	}
	if strings.Contains(buf.String(), "\nCREATE SCHEMA [sales];") {
		t.Error("an unguarded CREATE SCHEMA is left")
	}
}

// Nor does it drop users and roles: with --permissions they too are
// created only where missing.
func TestAddDropTableCreatesAPrincipalOnlyWhereItIsMissing(t *testing.T) {
	db := loadFixture(t, "torture")
	var buf bytes.Buffer
	if err := Build(db, Options{AddDropTable: true, Permissions: true}).WritePreData(&buf); err != nil {
		t.Fatal(err)
	}
	s := buf.String()
	if !strings.Contains(s, "IF DATABASE_PRINCIPAL_ID(N'app_user') IS NULL\nCREATE USER [app_user]") ||
		!strings.Contains(s, "IF DATABASE_PRINCIPAL_ID(N'app_readers') IS NULL\nCREATE ROLE [app_readers];") {
		t.Errorf("principals are not guarded:\n%s", s[:min(len(s), 3000)])
	}
}
