package scripter_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/mssqldump/mssqldump/internal/testenv"
	"github.com/mssqldump/mssqldump/scripter"
)

// TestIntegrationDataOnlyLoadsExactPeriodsIntoVersionedTables: a
// --no-create-info script restores a system-versioned table and its history
// into an existing schema where SYSTEM_VERSIONING is on (which refuses both
// the period columns' values and history rows), and leaves the table
// versioned again, with the same rows, history and schema as the source.
func TestIntegrationDataOnlyLoadsExactPeriodsIntoVersionedTables(t *testing.T) {
	s := openServer(t)
	testenv.SkipOnBabelfish(t, s.master, "no system-versioned (temporal) tables")
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

// TestIntegrationSchemaThenDataInTwoScriptsRebuildsTheDatabase: the common
// two-file workflow, --no-data then --no-create-info into one fresh
// database. The torture database has cyclic and self-referencing FKs that
// no row order satisfies, an untrusted FK and CHECK, a disabled one of
// each, and an AFTER INSERT trigger that would rewrite a column: the rows,
// the trust flags and the trigger states must all end as in the source.
func TestIntegrationSchemaThenDataInTwoScriptsRebuildsTheDatabase(t *testing.T) {
	s := openServer(t)
	testenv.SkipOnBabelfish(t, s.master, "a foreign key cannot be switched off (ALTER TABLE ... NOCHECK CONSTRAINT is refused, and PostgreSQL checks every row), so rows that reference each other cannot load after their schema")
	src, srcName := tortureDatabase(t, s)
	schema, _ := dumpDB(t, src, scripter.Options{NoData: true})
	dataOnly, _ := dumpDB(t, src, scripter.Options{NoCreateInfo: true})

	dst, dstName := s.createDatabase(t, "mssqldump_twofiles", true)
	restore(t, dst, bytes.NewReader(schema))
	restore(t, dst, bytes.NewReader(dataOnly))

	want, got := tableChecks(t, src), tableChecks(t, dst)
	if len(want) == 0 {
		t.Fatal("the torture database has no tables")
	}
	for table, w := range want {
		if got[table] != w {
			t.Errorf("%s: source %s, restored %s", table, w, got[table])
		}
	}
	// The full dump scripts each constraint's WITH CHECK / NOCHECK and each
	// trigger's DISABLE, so equal dumps mean equal trust and states.
	a, _ := dumpDB(t, src, scripter.Options{})
	b, _ := dumpDB(t, dst, scripter.Options{})
	sameModuloName(t, "dump after schema then data", a, srcName, b, dstName)
}
