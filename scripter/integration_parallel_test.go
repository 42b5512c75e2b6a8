package scripter_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter"
)

func TestIntegrationJobsWriteTheBytesOfOneJobAndLeaveNoDatabaseSnapshot(t *testing.T) {
	s := openServer(t)
	db, name := tortureDatabase(t, s)
	restore(t, db, strings.NewReader(`CREATE TABLE dbo.big (id bigint PRIMARY KEY, v nvarchar(40), d decimal(18,4));
GO
WITH n AS (SELECT TOP (20000) ROW_NUMBER() OVER (ORDER BY (SELECT NULL)) AS i FROM sys.all_objects a CROSS JOIN sys.all_objects b)
INSERT dbo.big SELECT i * 3 - 30000, N'välue ' + CONVERT(nvarchar(20), i), i / 7.0 FROM n;
GO
`))
	one, oneStats := dumpDB(t, db, scripter.Options{})
	for _, jobs := range []int{2, 4} {
		got, st := dumpDB(t, db, scripter.Options{Jobs: jobs, ChunkRows: 3000})
		if !bytes.Equal(got, one) {
			t.Fatalf("--jobs %d: the script differs from --jobs 1 (%d vs %d bytes)", jobs, len(got), len(one))
		}
		if st.Rows["dbo.big"] != 20000 || st.Rows["dbo.big"] != oneStats.Rows["dbo.big"] {
			t.Errorf("--jobs %d: %d rows of dbo.big", jobs, st.Rows["dbo.big"])
		}
		for _, w := range st.Warnings {
			if w.Code == scripter.WarnJobsNotOnePointInTime {
				t.Logf("--jobs %d without a database snapshot: %s", jobs, w.Message)
			}
		}
	}
	var left int
	if err := s.master.QueryRowContext(context.Background(),
		`SELECT COUNT(*) FROM sys.databases WHERE source_database_id = DB_ID(@p1)`, name).Scan(&left); err != nil {
		t.Logf("sys.databases.source_database_id unreadable (%v): not checking for snapshots left behind", err)
	} else if left != 0 {
		t.Errorf("%d database snapshots of %s left behind", left, name)
	}
}
