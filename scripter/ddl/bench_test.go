package ddl

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// generatedCatalog builds a catalog of n objects shaped like a large
// line-of-business database: 40% tables (8 columns, a clustered key, an
// index, a UNIQUE constraint, a CHECK, defaults, an FK to the previous table
// and, every 50 tables, one back to a later table to form cycles), and 20%
// each of functions, views and procedures in dependency chains.
func generatedCatalog(n int) *model.Database {
	nt, nf, nv := n*4/10, n*2/10, n*2/10
	np := n - nt - nf - nv
	db := &model.Database{Name: "generated", Collation: "SQL_Latin1_General_CP1_CI_AS"}
	for s := 0; s < 5; s++ {
		db.Schemas = append(db.Schemas, &model.Schema{Name: fmt.Sprintf("s%d", s), Owner: "dbo"})
	}
	tq := func(i int) model.QName {
		return model.QName{Schema: fmt.Sprintf("s%d", i%5), Name: fmt.Sprintf("T%04d", i)}
	}
	fq := func(i int) model.QName {
		return model.QName{Schema: fmt.Sprintf("s%d", i%5), Name: fmt.Sprintf("F%04d", i)}
	}
	vq := func(i int) model.QName {
		return model.QName{Schema: fmt.Sprintf("s%d", i%5), Name: fmt.Sprintf("V%04d", i)}
	}
	pq := func(i int) model.QName {
		return model.QName{Schema: fmt.Sprintf("s%d", i%5), Name: fmt.Sprintf("P%04d", i)}
	}
	str := func(s string) *string { return &s }
	for i := 0; i < nt; i++ {
		q := tq(i)
		t := &model.Table{
			QName: q,
			Columns: []*model.Column{
				{Name: "Id", Type: model.Type{Name: "int"}, Identity: &model.Identity{Seed: "1", Increment: "1", LastValue: "1000"}},
				{Name: "ParentId", Type: model.Type{Name: "int"}, Nullable: true},
				{Name: "Code", Type: model.Type{Name: "varchar", MaxLength: 20}},
				{Name: "Name", Type: model.Type{Name: "nvarchar", MaxLength: 200}, Nullable: true},
				{Name: "Amount", Type: model.Type{Name: "decimal", Precision: 18, Scale: 2}, Default: &model.Default{Name: "DF_" + q.Name + "_Amount", Definition: "((0))"}},
				{Name: "Created", Type: model.Type{Name: "datetime2", Scale: 7}, Default: &model.Default{Name: "DF_" + q.Name + "_Created", Definition: "(sysutcdatetime())"}},
				{Name: "Flag", Type: model.Type{Name: "bit"}},
				{Name: "Notes", Type: model.Type{Name: "nvarchar", MaxLength: -1}, Nullable: true},
			},
			PrimaryKey:  &model.Index{Name: "PK_" + q.Name, Kind: "CLUSTERED", IsPrimaryKey: true, IsUnique: true, Columns: []model.IndexColumn{{Name: "Id"}}},
			Uniques:     []*model.Index{{Name: "UQ_" + q.Name + "_Code", Kind: "NONCLUSTERED", IsUniqueConstraint: true, IsUnique: true, Columns: []model.IndexColumn{{Name: "Code"}}}},
			Indexes:     []*model.Index{{Name: "IX_" + q.Name + "_Parent", Kind: "NONCLUSTERED", Columns: []model.IndexColumn{{Name: "ParentId"}, {Name: "Created", Descending: true}}, Included: []string{"Name"}, Filter: "([ParentId] IS NOT NULL)"}},
			Checks:      []*model.Check{{Name: "CK_" + q.Name + "_Amount", Definition: "([Amount]>=(0))"}},
			HasIdentity: true,
		}
		if i > 0 {
			t.ForeignKeys = append(t.ForeignKeys, &model.ForeignKey{Name: "FK_" + q.Name + "_Parent", Columns: []string{"ParentId"}, References: tq(i - 1), RefColumns: []string{"Id"}})
		}
		if i%50 == 0 && i+10 < nt {
			t.ForeignKeys = append(t.ForeignKeys, &model.ForeignKey{Name: "FK_" + q.Name + "_Later", Columns: []string{"ParentId"}, References: tq(i + 10), RefColumns: []string{"Id"}})
		}
		db.Tables = append(db.Tables, t)
		db.ExtendedProperties = append(db.ExtendedProperties, &model.ExtendedProperty{Name: "MS_Description", Value: "Table " + q.Name, Level0Type: "SCHEMA", Level0Name: q.Schema, Level1Type: "TABLE", Level1Name: q.Name})
	}
	body := strings.Repeat("\t-- business logic line\n", 10)
	for i := 0; i < nf; i++ {
		q, t := fq(i), tq(i%nt)
		def := fmt.Sprintf("CREATE FUNCTION [%s].[%s] (@id int)\nRETURNS TABLE\nAS\nRETURN\n%sSELECT Id, Code, Amount FROM [%s].[%s] WHERE ParentId = @id", q.Schema, q.Name, body, t.Schema, t.Name)
		db.Modules = append(db.Modules, &model.Module{QName: q, Kind: model.KindFunction, TypeCode: "IF", Definition: str(def), UsesAnsiNulls: true, UsesQuotedIdentifier: true})
		db.Dependencies = append(db.Dependencies, model.Dependency{Referencing: q, Referenced: t})
		if i > 0 {
			db.Dependencies = append(db.Dependencies, model.Dependency{Referencing: q, Referenced: fq(i - 1)})
		}
	}
	for i := 0; i < nv; i++ {
		q, t, f := vq(i), tq((i*7)%nt), fq(i%nf)
		def := fmt.Sprintf("CREATE VIEW [%s].[%s]\nAS\n%sSELECT t.Id, t.Code, f.Amount\nFROM [%s].[%s] AS t\nCROSS APPLY [%s].[%s](t.Id) AS f", q.Schema, q.Name, body, t.Schema, t.Name, f.Schema, f.Name)
		db.Modules = append(db.Modules, &model.Module{QName: q, Kind: model.KindView, TypeCode: "V", Definition: str(def), UsesAnsiNulls: true, UsesQuotedIdentifier: true})
		db.Dependencies = append(db.Dependencies, model.Dependency{Referencing: q, Referenced: t}, model.Dependency{Referencing: q, Referenced: f})
		if i > 0 {
			db.Dependencies = append(db.Dependencies, model.Dependency{Referencing: q, Referenced: vq(i - 1)})
		}
	}
	for i := 0; i < np; i++ {
		q, v := pq(i), vq(i%nv)
		def := fmt.Sprintf("CREATE PROCEDURE [%s].[%s] @id int\nAS\nSET NOCOUNT ON;\n%sSELECT * FROM [%s].[%s] WHERE Id = @id;", q.Schema, q.Name, body, v.Schema, v.Name)
		db.Modules = append(db.Modules, &model.Module{QName: q, Kind: model.KindProcedure, TypeCode: "P", Definition: str(def), UsesAnsiNulls: true, UsesQuotedIdentifier: true})
		db.Dependencies = append(db.Dependencies, model.Dependency{Referencing: q, Referenced: v})
	}
	return db
}

func TestGeneratedCatalogHasTheBenchmarkSize(t *testing.T) {
	db := generatedCatalog(2600)
	if n := len(db.Tables) + len(db.Modules); n != 2600 {
		t.Fatalf("generated %d objects, want 2600", n)
	}
	objs, warns := Objects(db, Options{})
	if len(warns) != 0 {
		t.Errorf("warnings: %v", warns[:min(3, len(warns))])
	}
	counts := map[string]int{}
	for _, o := range objs {
		counts[o.Type]++
	}
	if counts[TypeTable] != 1040 || counts[TypeView] != 520 || counts[TypeProcedure] != 520 || counts[TypeFunction] != 520 {
		t.Errorf("object counts %v", counts)
	}
}

// BenchmarkScriptSchema2600 scripts the whole schema (pre-data and
// post-data) of a 2,600-object catalog. Goal: well under 10 s per op.
func BenchmarkScriptSchema2600(b *testing.B) {
	db := generatedCatalog(2600)
	var bytes int64
	for b.Loop() {
		cw := &countingWriter{}
		if err := Build(db, Options{}).Write(cw); err != nil {
			b.Fatal(err)
		}
		bytes = cw.n
	}
	b.SetBytes(bytes)
	b.ReportMetric(float64(bytes), "script-bytes")
}

type countingWriter struct{ n int64 }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += int64(len(p)); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)
