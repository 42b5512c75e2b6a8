package testenv

import (
	"database/sql"
	"testing"
)

// IsBabelfish reports whether db is Babelfish for PostgreSQL
// (SERVERPROPERTY('Babelfish') = 1) rather than SQL Server.
func IsBabelfish(t testing.TB, db *sql.DB) bool {
	t.Helper()
	var bbf int
	if err := db.QueryRow("SELECT CONVERT(int, ISNULL(SERVERPROPERTY('Babelfish'), 0))").Scan(&bbf); err != nil {
		t.Fatalf("which engine: %v", err)
	}
	return bbf == 1
}

// SkipOnBabelfish skips a test of something Babelfish for PostgreSQL does
// not have; why names it (docs/engines.md lists them). It is an engine
// difference, not a missing service, so MSSQLDUMP_TEST_DISALLOW_SKIP does
// not turn it into a failure.
func SkipOnBabelfish(t testing.TB, db *sql.DB, why string) {
	t.Helper()
	if IsBabelfish(t, db) {
		t.Skip("Babelfish for PostgreSQL: " + why)
	}
}
