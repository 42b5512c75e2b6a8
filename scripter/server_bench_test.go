package scripter

import (
	"context"
	"database/sql"
	"io"
	"net/url"
	"os"
	"strconv"
	"testing"
)

// BenchmarkDumpFromServer dumps the data of one table of a real server to
// io.Discard: the client's side of scripts/bench-wire.sh without the
// agent, the blob store or the CLI, so that -cpuprofile shows where the
// client's CPU goes. The server is MSSQLDUMP_TEST_MSSQL_DSN; the table is
// MSSQLDUMP_BENCH_TABLE (default dbo.wide) of MSSQLDUMP_BENCH_DB (default
// speedbench, as bench-wire.sh with KEEP=1 leaves it); MSSQLDUMP_BENCH_JOBS
// is --jobs (default 1). Like the agent, it asks for 32,767-byte packets.
func BenchmarkDumpFromServer(b *testing.B) {
	dsn := os.Getenv("MSSQLDUMP_TEST_MSSQL_DSN")
	if dsn == "" {
		b.Skip("MSSQLDUMP_TEST_MSSQL_DSN is not set")
	}
	u, err := url.Parse(dsn)
	if err != nil {
		b.Fatal(err)
	}
	q := u.Query()
	q.Set("database", envOr("MSSQLDUMP_BENCH_DB", "speedbench"))
	q.Set("packet size", "32767")
	u.RawQuery = q.Encode()
	db, err := sql.Open("sqlserver", u.String())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	jobs, _ := strconv.Atoi(envOr("MSSQLDUMP_BENCH_JOBS", "1"))
	opts := Options{NoCreateInfo: true, Tables: []string{envOr("MSSQLDUMP_BENCH_TABLE", "dbo.wide")}, Jobs: jobs}
	for range b.N {
		st, err := Dump(context.Background(), db, io.Discard, opts)
		if err != nil {
			b.Fatal(err)
		}
		b.SetBytes(st.Bytes)
	}
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}
