package scripter_test

import (
	"bytes"
	"database/sql"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/mssqldump/mssqldump/internal/testenv"
	"github.com/mssqldump/mssqldump/scripter"
)

// SamplesDirVar names a directory holding Microsoft's sample database
// scripts instpubs.sql and instnwnd.sql (microsoft/sql-server-samples,
// samples/databases/northwind-pubs). They are not in this repository; the
// sample tests skip without them.
const SamplesDirVar = "MSSQLDUMP_TEST_SAMPLES_DIR"

// samples are the sample scripts and where the part that creates objects
// in the current database starts: instpubs.sql first creates and switches
// to a database of its own, which the test makes itself.
var samples = []struct {
	name, file, startAt, endAt string
}{
	{"pubs", "instpubs.sql", "execute sp_addtype id", "\nUSE master"},
	{"northwind", "instnwnd.sql", "", ""},
}

// addTypeRE matches instpubs.sql's sp_addtype calls.
var addTypeRE = regexp.MustCompile(`(?m)^execute sp_addtype (\w+)\s*,'([^']+)'\s*,'([^']+)'`)

// TestIntegrationSampleDatabasesRoundTrip: pubs and Northwind, created from
// Microsoft's own scripts, go dump → restore into a fresh database → dump,
// and the two dumps are the same script, with the same rows in every table.
func TestIntegrationSampleDatabasesRoundTrip(t *testing.T) {
	s := openServer(t)
	dir := os.Getenv(SamplesDirVar)
	if dir == "" {
		testenv.Skip(t, SamplesDirVar+" is not set (Microsoft's sample scripts are not in this repository)")
	}
	for _, sample := range samples {
		t.Run(sample.name, func(t *testing.T) {
			script, err := os.ReadFile(filepath.Join(dir, sample.file))
			if err != nil {
				t.Fatal(err)
			}
			if sample.startAt != "" {
				i := bytes.Index(script, []byte(sample.startAt))
				if i < 0 {
					t.Fatalf("%s has no %q", sample.file, sample.startAt)
				}
				script = append([]byte("SET QUOTED_IDENTIFIER ON\nGO\nSET DATEFORMAT mdy\nGO\n"), script[i:]...)
			}
			if sample.endAt != "" {
				if i := bytes.LastIndex(script, []byte(sample.endAt)); i >= 0 {
					script = script[:i+1]
				}
			}
			if s.babelfish {
				// Babelfish's sp_addtype makes types that reject their own
				// base type's values; CREATE TYPE is the same type done right.
				script = addTypeRE.ReplaceAll(script, []byte("CREATE TYPE $1 FROM $2 $3"))
			}
			src, srcName := s.createDatabase(t, "mssqldump_"+sample.name, true)
			s.restoreWhatTheEngineTakes(t, src, script)
			roundTrip(t, s, src, srcName, scripter.Options{})
		})
	}
}

// roundTrip dumps src, restores the dump into a fresh database with
// mssqldump's own restore (no batch may fail), dumps that, and compares:
// the same script but for the database name, and per table the same row
// count and checksum.
func roundTrip(t *testing.T, s *server, src *sql.DB, srcName string, opts scripter.Options) {
	t.Helper()
	first, st := dumpDB(t, src, opts)
	for _, w := range st.Warnings {
		t.Logf("warning %s %s: %s", w.Code, w.Object, w.Message)
	}
	again, _ := dumpDB(t, src, opts)
	if !bytes.Equal(first, again) {
		sameModuloName(t, "two dumps of one database", first, srcName, again, srcName)
	}
	dst, dstName := s.createDatabase(t, "mssqldump_restored", true)
	restore(t, dst, bytes.NewReader(first))
	second, _ := dumpDB(t, dst, opts)
	sameModuloName(t, "dump of the restore", first, srcName, second, dstName)

	want, got := tableChecks(t, src), tableChecks(t, dst)
	if len(want) == 0 {
		t.Fatal("the source database has no tables")
	}
	for table, w := range want {
		if got[table] != w {
			t.Errorf("%s: source %s, restored %s", table, w, got[table])
		}
	}
	for table := range got {
		if _, ok := want[table]; !ok {
			t.Errorf("%s exists only in the restore", table)
		}
	}
	t.Logf("%d tables, %d bytes of script, identical after the round trip", len(want), len(first))
}
