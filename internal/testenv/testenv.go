// Package testenv decides whether a test that needs an outside service runs,
// skips, or fails.
//
// A test that needs MinIO, an SQS emulator or SQL Server reads the service's
// endpoint from an environment variable. When the variable is unset the test
// skips, so `go test ./...` works on a laptop with nothing running. CI starts
// the services and sets MSSQLDUMP_TEST_DISALLOW_SKIP=1: there a missing
// endpoint is a broken CI script, and the test must fail instead of silently
// skipping (restic's internal/test SkipDisallowed has the same purpose).
package testenv

import (
	"os"
	"testing"
)

// Endpoint variables read by the service-backed tests.
const (
	S3EndpointVar   = "MSSQLDUMP_TEST_S3_ENDPOINT"
	SQSEndpointVar  = "MSSQLDUMP_TEST_SQS_ENDPOINT"
	MSSQLDSNVar     = "MSSQLDUMP_TEST_MSSQL_DSN"
	DisallowSkipVar = "MSSQLDUMP_TEST_DISALLOW_SKIP"
)

// SkipDisallowed reports whether CI forbids skipping service-backed tests.
func SkipDisallowed() bool { return os.Getenv(DisallowSkipVar) == "1" }

// Require returns the value of the endpoint variable name. When it is unset
// the test skips, or fails when skipping is disallowed.
func Require(t testing.TB, name string) string {
	t.Helper()
	v := os.Getenv(name)
	if v != "" {
		return v
	}
	Skip(t, name+" is not set")
	return ""
}

// Skip skips the test with reason, or fails it when skipping is disallowed.
func Skip(t testing.TB, reason string) {
	t.Helper()
	if SkipDisallowed() {
		t.Fatalf("%s, and %s=1 forbids skipping", reason, DisallowSkipVar)
	}
	t.Skip(reason)
}

// RequireMSSQL returns the SQL Server DSN for integration tests, or skips.
// No CI machine can run SQL Server, so CI never starts one and this skip is
// allowed even under MSSQLDUMP_TEST_DISALLOW_SKIP=1; wherever a server is
// given, the tests run in full.
func RequireMSSQL(t testing.TB) string {
	t.Helper()
	v := os.Getenv(MSSQLDSNVar)
	if v == "" {
		t.Skip(MSSQLDSNVar + " is not set (no SQL Server here)")
	}
	return v
}
