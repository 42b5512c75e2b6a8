package main

import (
	"context"
	"io"
	"reflect"
	"sync"
	"testing"

	"github.com/mssqldump/mssqldump/agent"
	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/scripter"
)

// recordingSource keeps the jobs it is given and writes a tiny script.
type recordingSource struct {
	mu   sync.Mutex
	jobs []*protocol.Job
	user string
}

func (s *recordingSource) Dump(ctx context.Context, req *agent.DumpRequest, w io.Writer) (*scripter.Stats, error) {
	s.mu.Lock()
	s.jobs = append(s.jobs, req.Job)
	s.user = req.User
	s.mu.Unlock()
	return agent.NewSyntheticSource(10).Dump(ctx, req, w)
}

func (s *recordingSource) last(t *testing.T) (*protocol.Job, string) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.jobs) == 0 {
		t.Fatal("the agent received no job")
	}
	return s.jobs[len(s.jobs)-1], s.user
}

func TestScriptFlagsTravelVerbatimInTheJob(t *testing.T) {
	f := newFleet(t)
	src := &recordingSource{}
	f.startAgent(t, src, nil)
	r := mssqldump(t, nil, f.flags(
		"--host", `sql1\INST`, "-u", "backup", "-pS3cret!",
		"--no-data", "--where", "id > 1, or id < 0", "--tables", "dbo.a",
		"--ignore-table", "shop.dbo.audit", "--ignore-table", "shop.log",
		"--include-schema", "dbo", "--exclude-schema", "/^tmp_/", "--include-type", "table", "--exclude-type", "trigger",
		"--include-object", "dbo.a", "--exclude-object", "/x{1,3}/",
		"--add-drop-table", "--if-not-exists", "--rows-per-insert", "250",
		"--skip-routines", "--skip-triggers", "--skip-extended-properties", "--permissions",
		"--format", "zip", "--consistency", "snapshot", "--dump-date", "--compress", "gzip",
		"--jobs", "3", "--chunk-rows", "5000", "--fleet",
		"shop", "dbo.b", "sales.c")...)
	wantCode(t, r, 0)
	job, user := src.last(t)
	want := scripter.Options{
		NoData: true, Where: "id > 1, or id < 0", Tables: []string{"dbo.a", "dbo.b", "sales.c"},
		IgnoreTables:   []string{"dbo.audit", "log"},
		IncludeSchemas: []string{"dbo"}, ExcludeSchemas: []string{"/^tmp_/"},
		IncludeTypes: []string{"table"}, ExcludeTypes: []string{"trigger"},
		IncludeObjects: []string{"dbo.a"}, ExcludeObjects: []string{"/x{1,3}/"},
		AddDropTable: true, IfNotExists: true, RowsPerInsert: 250,
		SkipRoutines: true, SkipTriggers: true, SkipExtendedProperties: true, Permissions: true,
		Format: "zip", Consistency: "snapshot", DumpDate: true, Jobs: 3, ChunkRows: 5000,
	}
	if !reflect.DeepEqual(job.Options.Scripter(), want) {
		t.Errorf("options in the job:\n got %+v\nwant %+v", job.Options, want)
	}
	if job.Database != "shop" || job.Server.Host != "sql1" || job.Server.Instance != "INST" || job.Compress != "gzip" || !job.FleetParts {
		t.Errorf("job: database %q, server %+v, compress %q", job.Database, job.Server, job.Compress)
	}
	if len(job.Credentials.Sealed) == 0 || job.Credentials.Ref != "" || user != "backup" {
		t.Errorf("credentials: %+v, the agent opened user %q", job.Credentials, user)
	}
	// The zip object is written as it was stored, byte for byte.
	if r.stdout != string(synthetic(t, 10)) {
		t.Errorf("stdout %q", r.stdout)
	}
}

func TestScriptFlagsReadTheirEnvironmentVariables(t *testing.T) {
	f := newFleet(t)
	src := &recordingSource{}
	f.startAgent(t, src, nil)
	t.Setenv("MSSQLDUMP_DB_SHOP", "envuser:S3cret!") // the agent's own environment
	r := mssqldump(t, []string{
		"MSSQLDUMP_BROKER=" + f.brokerURL, "MSSQLDUMP_BLOB=" + f.blobURL,
		"MSSQLDUMP_HOST=envhost", "MSSQLDUMP_PORT=14330", "MSSQLDUMP_CREDENTIALS_REF=env:MSSQLDUMP_DB_SHOP",
		"MSSQLDUMP_NO_CREATE_INFO=true", "MSSQLDUMP_WHERE=1=1", "MSSQLDUMP_ROWS_PER_INSERT=10",
		"MSSQLDUMP_SKIP_TRIGGERS=true", "MSSQLDUMP_FORMAT=sql", "MSSQLDUMP_CONSISTENCY=none",
		"MSSQLDUMP_IGNORE_TABLE=dbo.t", "MSSQLDUMP_TIMEOUT=1m",
	}, "shop")
	wantCode(t, r, 0)
	job, user := src.last(t)
	o := job.Options
	if !o.NoCreateInfo || o.Where != "1=1" || o.RowsPerInsert != 10 || !o.SkipTriggers || o.Consistency != "none" ||
		!reflect.DeepEqual(o.IgnoreTables, []string{"dbo.t"}) {
		t.Errorf("options from the environment: %+v", o)
	}
	if job.Server.Host != "envhost" || job.Server.Port != 14330 || job.Credentials.Ref != "env:MSSQLDUMP_DB_SHOP" || user != "envuser" {
		t.Errorf("server %+v, credentials %+v", job.Server, job.Credentials)
	}
	if d := job.Deadline.Sub(job.Created); d != 60e9 {
		t.Errorf("deadline is %v after creation, want 1m (MSSQLDUMP_TIMEOUT)", d)
	}
}

func TestDSNSuppliesTheConnection(t *testing.T) {
	f := newFleet(t)
	src := &recordingSource{}
	f.startAgent(t, src, nil)
	r := mssqldump(t, nil, f.flags("--dsn", "sqlserver://dsnuser:S3cret!@dbhost:1444?database=shop&encrypt=true")...)
	wantCode(t, r, 0)
	job, user := src.last(t)
	if job.Database != "shop" || job.Server.Host != "dbhost" || job.Server.Port != 1444 ||
		job.Server.Encrypt != "mandatory" || user != "dsnuser" || len(job.Server.Params) != 0 {
		t.Errorf("job from --dsn: database %q, server %+v, user %q", job.Database, job.Server, user)
	}
}
