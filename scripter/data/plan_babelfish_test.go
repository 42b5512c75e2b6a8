package data

import (
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// On Babelfish CAST(nvarchar AS varbinary) goes through the varchar code
// page, so Unicode columns are read as text there; other columns, and the
// plan ForBabelfish was called on, are left alone.
func TestForBabelfishReadsUnicodeColumnsAsText(t *testing.T) {
	tb := &model.Table{QName: model.QName{Schema: "dbo", Name: "t"}, Columns: []*model.Column{
		{Name: "n", Type: model.Type{Name: "nvarchar", MaxLength: 40}},
		{Name: "v", Type: model.Type{Name: "varchar", MaxLength: 20}},
	}}
	p := NewPlan(tb, "", "")
	if !p.Columns[0].UTF16 || p.Columns[0].Select != "CAST([n] AS varbinary(40))" {
		t.Fatalf("SQL Server plan reads n as %q (UTF16 %v)", p.Columns[0].Select, p.Columns[0].UTF16)
	}
	b := p.ForBabelfish()
	if b.Columns[0].UTF16 || b.Columns[0].Select != "[n]" {
		t.Errorf("Babelfish plan reads n as %q (UTF16 %v), want [n] as text", b.Columns[0].Select, b.Columns[0].UTF16)
	}
	if b.Columns[1].Select != p.Columns[1].Select {
		t.Errorf("varchar read as %q on Babelfish, %q elsewhere", b.Columns[1].Select, p.Columns[1].Select)
	}
	if !p.Columns[0].UTF16 {
		t.Error("ForBabelfish changed the plan it was called on")
	}
}
