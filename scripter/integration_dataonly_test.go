package scripter_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/mssqldump/mssqldump/scripter"
)

// TestIntegrationDataOnlyLoadsExactPeriodsIntoVersionedTables: a
// --no-create-info script restores a system-versioned table and its history
// into an existing schema where SYSTEM_VERSIONING is on (which refuses both
// the period columns' values and history rows), and leaves the table
// versioned again, with the same rows, history and schema as the source.
func TestIntegrationDataOnlyLoadsExactPeriodsIntoVersionedTables(t *testing.T) {
	s := openServer(t)
	src, srcName := tortureDatabase(t, s)
	tables := []string{"dbo.Account", "dbo.AccountHistory"}

	schema, _ := dumpDB(t, src, scripter.Options{NoData: true, Tables: tables})
	dataOnly, _ := dumpDB(t, src, scripter.Options{NoCreateInfo: true, Tables: tables})
	if !bytes.Contains(dataOnly, []byte("SET (SYSTEM_VERSIONING = OFF)")) {
		t.Fatal("the data-only script does not switch versioning off")
	}

	dst, dstName := s.createDatabase(t, "mssqldump_dataonly", true)
	restore(t, dst, bytes.NewReader(schema))
	var temporal int
	if err := dst.QueryRowContext(context.Background(),
		"SELECT CONVERT(int, OBJECTPROPERTY(OBJECT_ID(N'dbo.Account'), 'TableTemporalType'))").Scan(&temporal); err != nil {
		t.Fatal(err)
	}
	if temporal != 2 {
		t.Fatalf("the schema-only restore left dbo.Account with TableTemporalType %d, want 2", temporal)
	}
	restore(t, dst, bytes.NewReader(dataOnly))
	if err := dst.QueryRowContext(context.Background(),
		"SELECT CONVERT(int, OBJECTPROPERTY(OBJECT_ID(N'dbo.Account'), 'TableTemporalType'))").Scan(&temporal); err != nil {
		t.Fatal(err)
	}
	if temporal != 2 {
		t.Errorf("after the data-only load dbo.Account has TableTemporalType %d, want 2", temporal)
	}

	want, got := tableChecks(t, src), tableChecks(t, dst)
	for _, table := range tables {
		if got[table] != want[table] {
			t.Errorf("%s: source %s, restored %s", table, want[table], got[table])
		}
	}
	full := scripter.Options{Tables: tables}
	a, _ := dumpDB(t, src, full)
	b, _ := dumpDB(t, dst, full)
	sameModuloName(t, "dump after the data-only load", a, srcName, b, dstName)
}
