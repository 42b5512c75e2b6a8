package scripter_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/mssqldump/mssqldump/scripter"
)

// dbFleet stands for the other agents of a fleet dump: it reads every part
// it is asked for with DumpPartDB on a connection of its own, as an agent's
// SQL Server source does, and leaves the last part to the dump.
type dbFleet struct {
	db   *sql.DB
	opts scripter.Options
	plan *scripter.FleetPlan

	mu   sync.Mutex
	read int // parts read with DumpPartDB
}

func (f *dbFleet) Share(_ context.Context, plan *scripter.FleetPlan) (bool, error) {
	f.plan = plan
	return true, nil
}

func (f *dbFleet) Take(_ context.Context, i int) (bool, error) { return i == len(f.plan.Parts)-1, nil }

func (f *dbFleet) Records(ctx context.Context, i int) (*os.File, int64, error) {
	file, err := os.CreateTemp("", "fleet-part-*")
	if err != nil {
		return nil, 0, err
	}
	st, err := scripter.DumpPartDB(ctx, f.db, file, f.opts, f.plan.Parts[i], f.plan.Collation)
	if err != nil {
		file.Close()
		os.Remove(file.Name())
		return nil, 0, err
	}
	f.mu.Lock()
	f.read++
	f.mu.Unlock()
	return file, st.Rows, nil
}

func TestIntegrationAFleetDumpReadsPartsWithDumpPartDBAndWritesTheBytesOfOneJob(t *testing.T) {
	s := openServer(t)
	db, _ := tortureDatabase(t, s)
	restore(t, db, strings.NewReader(`CREATE TABLE dbo.big (id bigint PRIMARY KEY, v nvarchar(40), c varchar(20), d decimal(18,4));
GO
WITH n AS (SELECT TOP (20000) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS i FROM sys.all_objects a CROSS JOIN sys.all_objects b)
INSERT dbo.big SELECT i * 3 - 30000, N'välue ' + CONVERT(nvarchar(20), i), 'c' + CONVERT(varchar(12), i % 97), i / 7.0 FROM n;
GO
`))
	one, _ := dumpDB(t, db, scripter.Options{})
	for _, jobs := range []int{1, 2} {
		fleet := &dbFleet{db: db}
		got, st := dumpDB(t, db, scripter.Options{Jobs: jobs, ChunkRows: 3000, Consistency: scripter.ConsistencyNone, Fleet: fleet})
		if !bytes.Equal(got, one) {
			t.Fatalf("--jobs %d with a fleet: the script differs from --jobs 1 (%d vs %d bytes)", jobs, len(got), len(one))
		}
		if fleet.read == 0 || fleet.read == len(fleet.plan.Parts) {
			t.Errorf("--jobs %d: the fleet read %d of %d parts; want some, not all", jobs, fleet.read, len(fleet.plan.Parts))
		}
		if st.Rows["dbo.big"] != 20000 {
			t.Errorf("--jobs %d: %d rows of dbo.big", jobs, st.Rows["dbo.big"])
		}
	}
}
