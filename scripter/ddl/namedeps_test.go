package ddl

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

func textModule(kind string, q model.QName, def string) *model.Module {
	return &model.Module{QName: q, Kind: kind, Definition: &def, UsesAnsiNulls: true, UsesQuotedIdentifier: true}
}

func view(schema, name, def string) *model.Module {
	return textModule(model.KindView, model.QName{Schema: schema, Name: name}, def)
}

func table(schema, name string) *model.Table {
	return &model.Table{QName: model.QName{Schema: schema, Name: name}, Columns: []*model.Column{{Name: "id", Type: model.Type{Name: "int"}}}}
}

// preDataOrder is the order of the tables, synonyms and modules Build
// creates, as schema.name, checked to be the same for shuffled copies of db.
func preDataOrder(t *testing.T, db func() *model.Database) []string {
	t.Helper()
	order := func(d *model.Database) []string {
		var out []string
		for _, o := range Build(d, Options{}).Objects {
			switch o.Type {
			case TypeTable, TypeSynonym, TypeView, TypeFunction, TypeProcedure:
				out = append(out, o.QName.Schema+"."+o.QName.Name)
			}
		}
		return out
	}
	want := order(db())
	for seed := uint64(1); seed <= 10; seed++ {
		d := db()
		shuffle(d, rand.New(rand.NewPCG(seed, seed*31)))
		if got := order(d); !reflect.DeepEqual(got, want) {
			t.Fatalf("seed %d: order %v, unshuffled %v", seed, got, want)
		}
	}
	return want
}

func expectOrder(t *testing.T, db func() *model.Database, want ...string) {
	t.Helper()
	if got := preDataOrder(t, db); !reflect.DeepEqual(got, want) {
		t.Errorf("order %v\nwant  %v", got, want)
	}
}

func TestOrder_ViewReferencingLaterViewByBracketedName(t *testing.T) {
	expectOrder(t, func() *model.Database {
		return &model.Database{Modules: []*model.Module{
			view("dbo", "a", "CREATE VIEW dbo.a AS SELECT x FROM [dbo].[z Later]]view]"),
			view("dbo", "z Later]view", "CREATE VIEW [dbo].[z Later]]view] AS SELECT 1 AS x"),
		}}
	}, "dbo.z Later]view", "dbo.a")
}

func TestOrder_ViewReferencingAnotherSchemaByTwoPartName(t *testing.T) {
	expectOrder(t, func() *model.Database {
		return &model.Database{Modules: []*model.Module{
			view("dbo", "a", "CREATE VIEW dbo.a AS SELECT x FROM sales.b"),
			view("sales", "b", "CREATE VIEW sales.b AS SELECT 1 AS x"),
		}}
	}, "sales.b", "dbo.a")
}

func TestOrder_ThreePartNameCountsOnlyForTheDumpedDatabase(t *testing.T) {
	db := func(ref string) func() *model.Database {
		return func() *model.Database {
			return &model.Database{Name: "Shop", Modules: []*model.Module{
				view("dbo", "a", "CREATE VIEW dbo.a AS SELECT x FROM "+ref),
				view("dbo", "b", "CREATE VIEW dbo.b AS SELECT 1 AS x"),
			}}
		}
	}
	expectOrder(t, db("shop.dbo.b"), "dbo.b", "dbo.a")
	expectOrder(t, db("Shop..b"), "dbo.b", "dbo.a")
	expectOrder(t, db("Archive.dbo.b"), "dbo.a", "dbo.b")
	expectOrder(t, db("srv.Shop.dbo.b"), "dbo.a", "dbo.b")
}

func TestOrder_QuotedIdentifiersAreNamesOnlyUnderQuotedIdentifierOn(t *testing.T) {
	db := func(qi bool) func() *model.Database {
		return func() *model.Database {
			a := view("dbo", "a", `CREATE VIEW dbo.a AS SELECT x FROM "dbo"."b"`)
			a.UsesQuotedIdentifier = qi
			return &model.Database{Modules: []*model.Module{a, view("dbo", "b", "CREATE VIEW dbo.b AS SELECT 1 AS x")}}
		}
	}
	expectOrder(t, db(true), "dbo.b", "dbo.a")
	expectOrder(t, db(false), "dbo.a", "dbo.b")
}

func TestOrder_NamesInCommentsAndStringsAreIgnored(t *testing.T) {
	expectOrder(t, func() *model.Database {
		return &model.Database{Modules: []*model.Module{
			view("dbo", "a", "CREATE VIEW dbo.a /* reads dbo.b /* nested dbo.c */ */ AS\n-- not dbo.b\nSELECT N'dbo.b' AS x, 'c' AS y"),
			view("dbo", "b", "CREATE VIEW dbo.b AS SELECT 1 AS x"),
			view("dbo", "c", "CREATE VIEW dbo.c AS SELECT 1 AS x"),
		}}
	}, "dbo.a", "dbo.b", "dbo.c")
}

func TestOrder_UnqualifiedNameResolvesInTheModuleSchemaThenDbo(t *testing.T) {
	expectOrder(t, func() *model.Database {
		return &model.Database{Modules: []*model.Module{
			view("sales", "a", "CREATE VIEW sales.a AS SELECT x FROM z JOIN y ON 1 = 1"),
			view("sales", "z", "CREATE VIEW sales.z AS SELECT 1 AS x"),
			view("dbo", "z", "CREATE VIEW dbo.z AS SELECT 1 AS x"),
			view("dbo", "y", "CREATE VIEW dbo.y AS SELECT 1 AS x"),
		}}
	}, "dbo.y", "dbo.z", "sales.z", "sales.a")
}

func TestOrder_NamesMatchCaseInsensitivelyWithTheExactSpellingFirst(t *testing.T) {
	expectOrder(t, func() *model.Database {
		return &model.Database{Modules: []*model.Module{
			view("dbo", "a", "CREATE VIEW dbo.a AS SELECT x FROM DBO.LATER"),
			view("dbo", "later", "CREATE VIEW dbo.later AS SELECT x FROM dbo.Zed"),
			view("dbo", "zed", "CREATE VIEW dbo.zed AS SELECT 1 AS x"),
			view("dbo", "Zed", "CREATE VIEW dbo.Zed AS SELECT 1 AS x"),
		}}
	}, "dbo.Zed", "dbo.later", "dbo.a", "dbo.zed")
}

func TestOrder_ViewReadingThroughASynonymOfALaterView(t *testing.T) {
	expectOrder(t, func() *model.Database {
		return &model.Database{
			Synonyms: []*model.Synonym{{QName: dbo("s"), Target: "[dbo].[z]"}},
			Modules: []*model.Module{
				view("dbo", "a", "CREATE VIEW dbo.a AS SELECT x FROM s"),
				view("dbo", "z", "CREATE VIEW dbo.z AS SELECT 1 AS x"),
			},
		}
	}, "dbo.z", "dbo.s", "dbo.a")
}

func TestOrder_TableWaitsForTheFunctionItsColumnsCall(t *testing.T) {
	expectOrder(t, func() *model.Database {
		tb := table("dbo", "t")
		tb.Columns = append(tb.Columns,
			&model.Column{Name: "d", Type: model.Type{Name: "int"}, Default: &model.Default{Name: "df", Definition: "([dbo].[fnSeed]())"}},
			&model.Column{Name: "c", Type: model.Type{Name: "int"}, Computed: &model.Computed{Definition: "([zDouble]([id]))"}}) // one part: not a call SQL Server accepts
		return &model.Database{
			Tables: []*model.Table{tb, table("dbo", "u")},
			Modules: []*model.Module{
				textModule(model.KindFunction, dbo("fnSeed"), "CREATE FUNCTION dbo.fnSeed() RETURNS int AS BEGIN RETURN 1 END"),
				textModule(model.KindFunction, dbo("zDouble"), "CREATE FUNCTION dbo.zDouble(@x int) RETURNS int AS BEGIN RETURN @x * 2 END"),
			},
		}
	}, "dbo.u", "dbo.fnSeed", "dbo.t", "dbo.zDouble")
}

func TestOrder_CycleOfNameReferencesIsBrokenDeterministically(t *testing.T) {
	expectOrder(t, func() *model.Database {
		return &model.Database{Modules: []*model.Module{
			view("dbo", "b", "CREATE VIEW dbo.b AS SELECT c AS x FROM dbo.c"),
			view("dbo", "c", "CREATE VIEW dbo.c AS SELECT b AS x FROM dbo.b"),
		}}
	}, "dbo.b", "dbo.c")
}

// A catalog dependency is true; a name in text may be a column or an alias.
// When they disagree, the catalog wins.
func TestOrder_CatalogDependencyWinsOverANameInText(t *testing.T) {
	expectOrder(t, func() *model.Database {
		return &model.Database{
			Modules: []*model.Module{
				view("dbo", "a", "CREATE VIEW dbo.a AS SELECT 1 AS b"), // b is a column here
				view("dbo", "b", "CREATE VIEW dbo.b AS SELECT b FROM dbo.a"),
			},
			Dependencies: []model.Dependency{{Referencing: dbo("b"), Referenced: dbo("a")}},
		}
	}, "dbo.a", "dbo.b")
}

// A view that reads a cycle must come after it, not be picked to break it
// because its name sorts first. Inside the cycle, a one-part name (here the
// alias b) gives way before a schema-qualified one.
func TestOrder_ObjectWaitingOnACycleIsNotReleasedBeforeIt(t *testing.T) {
	expectOrder(t, func() *model.Database {
		return &model.Database{Modules: []*model.Module{
			view("dbo", "a", "CREATE VIEW dbo.a AS SELECT x FROM dbo.b"),
			view("dbo", "b", "CREATE VIEW dbo.b AS SELECT x FROM dbo.c"),
			view("dbo", "c", "CREATE VIEW dbo.c AS SELECT b.x FROM dbo.d AS b"),
			view("dbo", "d", "CREATE VIEW dbo.d AS SELECT 1 AS x"),
		}}
	}, "dbo.d", "dbo.c", "dbo.b", "dbo.a")
	expectOrder(t, func() *model.Database {
		return &model.Database{Modules: []*model.Module{
			view("dbo", "a", "CREATE VIEW dbo.a AS SELECT x FROM dbo.b"),
			view("dbo", "b", "CREATE VIEW dbo.b AS SELECT x FROM dbo.c"),
			view("dbo", "c", "CREATE VIEW dbo.c AS SELECT x FROM dbo.b"),
		}}
	}, "dbo.b", "dbo.a", "dbo.c")
}

func TestOrder_ViewsAndFunctionsNeverWaitForProcedures(t *testing.T) {
	expectOrder(t, func() *model.Database {
		return &model.Database{Modules: []*model.Module{
			view("dbo", "v", "CREATE VIEW dbo.v AS SELECT 1 AS p"),
			textModule(model.KindProcedure, dbo("p"), "CREATE PROCEDURE dbo.p AS SELECT p FROM dbo.v"),
			textModule(model.KindProcedure, dbo("a"), "CREATE PROCEDURE dbo.a AS EXEC dbo.p"),
		}}
	}, "dbo.v", "dbo.p", "dbo.a")
}

// Babelfish returns no rows from sys.sql_expression_dependencies: the names
// in the modules' text alone must order every module after what it reads.
func TestOrder_WithoutCatalogDependenciesTheFixturesStillRestoreInOrder(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			full := loadFixture(t, name)
			order := preDataOrder(t, func() *model.Database {
				db := loadFixture(t, name)
				db.Dependencies = nil
				return db
			})
			pos := map[string]int{}
			for i, q := range order {
				pos[q] = i
			}
			checked := 0
			for _, d := range full.Dependencies {
				from, okFrom := pos[d.Referencing.Schema+"."+d.Referencing.Name]
				to, okTo := pos[d.Referenced.Schema+"."+d.Referenced.Name]
				if !okFrom || !okTo {
					continue // a trigger or an object outside the dump
				}
				checked++
				if to >= from {
					t.Errorf("%+v is created before %+v, which it reads", d.Referencing, d.Referenced)
				}
			}
			if checked == 0 {
				t.Fatalf("%s: no dependency checked", name)
			}
		})
	}
}

// A module's CREATE statement names the module, in any case, and a
// recursive procedure calls itself: neither is a dependency.
func TestNameDependencies_AModuleNeverDependsOnItself(t *testing.T) {
	db := &model.Database{Modules: []*model.Module{
		textModule(model.KindProcedure, dbo("Walk"), "CREATE PROCEDURE DBO.WALK @n int AS IF @n > 0 EXEC [dbo].[walk] @n - 1; SELECT * FROM dbo.Tree"),
		view("dbo", "Tree", "CREATE VIEW [DBO].[TREE] AS SELECT 1 AS walk"),
	}}
	b := &builder{db: db}
	g := newGraph()
	g.add(dbo("Walk"), rankProcedure, db.Modules[0])
	g.add(dbo("Tree"), rankView, db.Modules[1])
	deps := dependencies{}
	b.nameDependencies(g, newNameIndex(g), deps)
	want := dependencies{{from: dbo("Walk"), to: dbo("Tree")}: soft}
	if !reflect.DeepEqual(deps, want) {
		t.Errorf("dependencies %v, want %v", deps, want)
	}
}

func TestOrder_SynonymWithAThreePartTargetInTheDumpedDatabase(t *testing.T) {
	db := func(target string) func() *model.Database {
		return func() *model.Database {
			return &model.Database{
				Name:     "Shop",
				Synonyms: []*model.Synonym{{QName: dbo("s"), Target: target}},
				Modules:  []*model.Module{view("dbo", "z", "CREATE VIEW dbo.z AS SELECT 1 AS x")},
			}
		}
	}
	expectOrder(t, db("[Shop].[dbo].[z]"), "dbo.z", "dbo.s")
	expectOrder(t, db("[dbo].[Z]"), "dbo.z", "dbo.s")
	expectOrder(t, db("[Archive].[dbo].[z]"), "dbo.s", "dbo.z")
	expectOrder(t, db("[srv].[Shop].[dbo].[z]"), "dbo.s", "dbo.z")
}
