package scripter_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/mssqldump/mssqldump/scripter"
)

// TestIntegrationAddDropTableScriptRunsTwiceOverItsOwnDatabase: re-running
// an --add-drop-table script over the copy it made is what the option is
// for. The torture database has cyclic FKs (Parent <-> Child) and a
// self-reference, and the target gets a table outside the dump with an FK
// into a dumped one, so every kind of FK blocks some DROP TABLE.
func TestIntegrationAddDropTableScriptRunsTwiceOverItsOwnDatabase(t *testing.T) {
	s := openServer(t)
	src, srcName := tortureDatabase(t, s)
	script, _ := dumpDB(t, src, scripter.Options{AddDropTable: true})

	dst, dstName := s.createDatabase(t, "mssqldump_adddrop", true)
	restore(t, dst, bytes.NewReader(script))
	if _, err := dst.ExecContext(context.Background(),
		"CREATE TABLE [dbo].[Outsider] ([Id] int NOT NULL PRIMARY KEY, [ParentId] int NULL CONSTRAINT [FK_Outsider_Parent] REFERENCES [dbo].[Parent] ([Id]));"); err != nil {
		t.Fatal(err)
	}
	restore(t, dst, bytes.NewReader(script))

	var outsiderFKs int
	if err := dst.QueryRowContext(context.Background(),
		"SELECT COUNT(*) FROM sys.foreign_keys WHERE parent_object_id = OBJECT_ID(N'[dbo].[Outsider]')").Scan(&outsiderFKs); err != nil {
		t.Fatal(err)
	}
	if outsiderFKs != 0 {
		t.Errorf("the FK from a table outside the dump survived the drop section")
	}
	if _, err := dst.ExecContext(context.Background(), "DROP TABLE [dbo].[Outsider];"); err != nil {
		t.Fatal(err)
	}

	want, got := tableChecks(t, src), tableChecks(t, dst)
	for table, w := range want {
		if got[table] != w {
			t.Errorf("%s: source %s, after the second run %s", table, w, got[table])
		}
	}
	a, _ := dumpDB(t, src, scripter.Options{})
	b, _ := dumpDB(t, dst, scripter.Options{})
	sameModuloName(t, "dump after the second run", a, srcName, b, dstName)
}
