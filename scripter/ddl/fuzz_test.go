package ddl

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// FuzzModuleDefinitionRestoresExactly: whatever a module's text is, the
// script hands it to the server byte for byte, verbatim or through
// sp_executesql, and nothing in it leaks out as an sqlcmd variable or a
// batch separator.
func FuzzModuleDefinitionRestoresExactly(f *testing.F) {
	for _, s := range []string{
		"CREATE VIEW v AS SELECT 1 AS x",
		"CREATE VIEW v AS SELECT 1 AS x\n",
		"CREATE PROCEDURE p AS\r\nSELECT N'$(x)'\r\nGO\r\n",
		"CREATE PROCEDURE p AS\n/*\nGO\n*/\nSELECT 'C:\\'",
		"CREATE PROCEDURE p AS SELECT 'unterminated",
		"CREATE PROCEDURE p AS SELECT 1 /* open comment",
		"CREATE PROCEDURE p AS\n\nSELECT 1 -- trailing comment",
		"CREATE PROCEDURE p AS SELECT N'a\x00b', N'back\\\nslash'",
		"  CREATE VIEW v AS SELECT [x\nGO\ny] = 1",
		"CREATE VIEW v AS SELECT \"q\nexit\n\" = 1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, def string) {
		if !utf8.ValidString(def) {
			t.Skip("definitions are text")
		}
		m := &model.Module{QName: model.QName{Schema: "dbo", Name: "m"}, Kind: model.KindProcedure, TypeCode: "P", Definition: &def, UsesAnsiNulls: true, UsesQuotedIdentifier: true}
		check(t, def, m)
	})
}

func check(t *testing.T, def string, m *model.Module) {
	var buf bytes.Buffer
	if err := Build(&model.Database{Modules: []*model.Module{m}}, Options{}).Write(&buf); err != nil {
		t.Fatal(err)
	}
	for _, b := range batches(t, buf.Bytes()) {
		if definitionIn(t, b) == def {
			return
		}
	}
	t.Fatalf("definition %q not restored exactly from\n%s", def, buf.String())
}
