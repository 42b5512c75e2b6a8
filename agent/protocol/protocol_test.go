package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

var (
	created  = time.Date(2026, 11, 25, 22, 0, 0, 0, time.UTC)
	deadline = created.Add(2 * time.Hour)
)

func sampleJob() *Job {
	return &Job{
		ID:       "01JD5Z8Q3V6W7X8Y9Z0ABCDEF",
		Created:  created,
		Deadline: deadline,
		ReplyTo:  "_INBOX.mssqldump.abc123",
		Server: Server{Host: "db.example.com", Port: 1433, Instance: "SQLEXPRESS",
			Params: map[string]string{"encrypt": "true", "TrustServerCertificate": "false"}},
		Database:    "Sales",
		Credentials: Credentials{Sealed: []byte{1, 2, 3, 4, 5, 6, 7, 8}, KeyID: "0123456789abcdef"},
		Options: Options{Tables: []string{"dbo.Orders"}, AddDropTable: true,
			RowsPerInsert: 500, Consistency: "snapshot"},
		Compress: CompressZstd,
	}
}

func sampleManifest() *Manifest {
	return &Manifest{
		JobID: "01JD5Z8Q3V6W7X8Y9Z0ABCDEF", Attempt: 2, AgentID: "agent-7",
		Object:    ObjectKey("01JD5Z8Q3V6W7X8Y9Z0ABCDEF", 2, "agent-7-0a1b2c3d-w0", "sql", CompressZstd),
		SHA256:    strings.Repeat("ab", 32),
		JobSHA256: strings.Repeat("cd", 32),
		Size:      123456, StoredSize: 23456, Compress: CompressZstd, Format: "sql",
		Finished: created.Add(3 * time.Minute),
		Stats: Stats{Objects: 12, Tables: 3, Rows: map[string]int64{"dbo.Orders": 100, "dbo.Customers": 7},
			Bytes: 123456, Warnings: []Warning{{Code: "snapshot_unavailable", Message: "read committed used"}}},
	}
}

// golden compares the encoding of v with testdata/name, and decodes the
// golden file back into a value equal to v: the wire format is fixed in
// both directions.
func golden(t *testing.T, name string, v any, decode func([]byte) (any, error)) {
	t.Helper()
	b, err := Encode(v)
	if err != nil {
		t.Fatal(err)
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, b, "", "  "); err != nil {
		t.Fatal(err)
	}
	pretty.WriteByte('\n')
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, pretty.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(pretty.Bytes(), want) {
		t.Errorf("%s changed; the wire format is a contract between CLI and agents.\ngot:\n%s\nwant:\n%s", name, pretty.Bytes(), want)
	}
	got, err := decode(want)
	if err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	if !reflect.DeepEqual(got, v) {
		t.Errorf("decode %s:\ngot  %+v\nwant %+v", name, got, v)
	}
}

func TestJobEnvelopeMatchesGoldenFile(t *testing.T) {
	golden(t, "job.json", sampleJob(), func(b []byte) (any, error) { return DecodeJob(b) })
}

func TestJobWithCredentialRefMatchesGoldenFile(t *testing.T) {
	j := sampleJob()
	j.Credentials = Credentials{Ref: "secretsmanager:arn:aws:secretsmanager:eu-west-1:123456789012:secret:mssqldump/sales"}
	j.Deadline = time.Time{}
	j.Server = Server{Host: "10.0.0.5"}
	j.Options = Options{}
	golden(t, "job-ref.json", j, func(b []byte) (any, error) { return DecodeJob(b) })
}

func TestProgressEnvelopeMatchesGoldenFile(t *testing.T) {
	p := &Progress{JobID: "01JD5Z8Q3V6W7X8Y9Z0ABCDEF", Attempt: 1,
		Counts: Counts{Objects: 4, Tables: 2, Rows: 1000, Bytes: 65536, Object: "dbo.Orders"}}
	golden(t, "progress.json", p, func(b []byte) (any, error) { return DecodeProgress(b) })
}

func TestOKReplyMatchesGoldenFile(t *testing.T) {
	r := &Reply{JobID: "01JD5Z8Q3V6W7X8Y9Z0ABCDEF", Attempt: 2, Status: StatusOK, Result: sampleManifest()}
	r.Result.V, r.Result.Kind = Version, KindManifest
	golden(t, "reply-ok.json", r, func(b []byte) (any, error) { return DecodeReply(b) })
}

func TestFailedReplyMatchesGoldenFile(t *testing.T) {
	r := &Reply{JobID: "01JD5Z8Q3V6W7X8Y9Z0ABCDEF", Attempt: 1, Status: StatusFailed,
		Error: &Error{Code: ErrCodeUnreachable, Message: "cannot reach SQL Server at db.example.com:1433: connection refused"}}
	golden(t, "reply-failed.json", r, func(b []byte) (any, error) { return DecodeReply(b) })
}

func TestManifestMatchesGoldenFile(t *testing.T) {
	golden(t, "manifest.json", sampleManifest(), func(b []byte) (any, error) { return DecodeManifest(b) })
}

func TestDecodeDispatchesOnKind(t *testing.T) {
	for name, want := range map[string]reflect.Type{
		"job.json": reflect.TypeOf(&Job{}), "progress.json": reflect.TypeOf(&Progress{}),
		"reply-ok.json": reflect.TypeOf(&Reply{}), "manifest.json": reflect.TypeOf(&Manifest{}),
	} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		v, err := Decode(b)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if reflect.TypeOf(v) != want {
			t.Fatalf("%s decoded to %T", name, v)
		}
	}
}

func TestOtherVersionsAreRejected(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "job-v2.json"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := DecodeJob(b); !errors.Is(err, ErrUnsupportedVersion) {
		t.Fatalf("DecodeJob(v2) = %v, want ErrUnsupportedVersion", err)
	}
	if _, err := Decode(b); !errors.Is(err, ErrUnsupportedVersion) {
		t.Fatalf("Decode(v2) = %v, want ErrUnsupportedVersion", err)
	}
	if _, err := DecodeReply([]byte(`{"v":0,"kind":"reply","job_id":"x","status":"ok"}`)); !errors.Is(err, ErrUnsupportedVersion) {
		t.Fatalf("v0: %v", err)
	}
}

func TestGarbageIsMalformed(t *testing.T) {
	for _, in := range []string{"", "not json", "{}", `{"v":1}`, `[1,2]`, `{"v":1,"kind":"job","id":5}`, `{"v":1,"kind":"nope"}`} {
		_, err := Decode([]byte(in))
		if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrInvalid) {
			t.Errorf("Decode(%q) = %v, want ErrMalformed or ErrInvalid", in, err)
		}
	}
	b, _ := Encode(sampleJob())
	if _, err := DecodeReply(b); !errors.Is(err, ErrMalformed) {
		t.Errorf("job decoded as reply: %v", err)
	}
}

func TestInvalidJobsNameTheProblem(t *testing.T) {
	cases := map[string]func(*Job){
		"empty job id":             func(j *Job) { j.ID = "" },
		"only ASCII letters":       func(j *Job) { j.ID = "a/../../etc" },
		"starts with '.'":          func(j *Job) { j.ID = ".hidden" },
		"at most 128":              func(j *Job) { j.ID = strings.Repeat("a", 129) },
		"server.host is empty":     func(j *Job) { j.Server.Host = " " },
		"server.port":              func(j *Job) { j.Server.Port = 70000 },
		"database is empty":        func(j *Job) { j.Database = "" },
		"may not carry a password": func(j *Job) { j.Server.Params = map[string]string{"Password": "x"} },
		"both ref and sealed":      func(j *Job) { j.Credentials.Ref = "env:X" },
		"without key_id":           func(j *Job) { j.Credentials.KeyID = "" },
		`compress "lz4"`:           func(j *Job) { j.Compress = "lz4" },
		`format "xml"`:             func(j *Job) { j.Options.Format = "xml" },
		"deadline is before":       func(j *Job) { j.Deadline = j.Created.Add(-time.Second) },
	}
	for want, mutate := range cases {
		j := sampleJob()
		j.V, j.Kind = Version, KindJob
		mutate(j)
		err := j.Validate()
		if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Validate = %v", want, err)
		}
	}
	j := sampleJob()
	j.V, j.Kind = Version, KindJob
	j.Compress = ""
	if err := j.Validate(); err != nil || j.CompressOrDefault() != CompressZstd {
		t.Fatalf("empty compress: %v, %q", err, j.CompressOrDefault())
	}
}

func TestInvalidRepliesAndManifestsAreRejected(t *testing.T) {
	r := &Reply{V: Version, Kind: KindReply, JobID: "j", Status: StatusOK}
	if err := r.Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("ok without result: %v", err)
	}
	r = &Reply{V: Version, Kind: KindReply, JobID: "j", Status: StatusFailed}
	if err := r.Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("failed without error: %v", err)
	}
	r = &Reply{V: Version, Kind: KindReply, JobID: "j", Status: "done"}
	if err := r.Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("unknown status: %v", err)
	}
	m := sampleManifest()
	m.V, m.Kind = Version, KindManifest
	m.SHA256 = "XYZ"
	if err := m.Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad digest: %v", err)
	}
}

func TestObjectKeysAreScopedToAttemptAndWriter(t *testing.T) {
	for _, c := range []struct {
		attempt          int
		writer           string
		format, compress string
		want             string
	}{
		{1, "a-0a1b2c3d-w0", "sql", CompressZstd, "jobs/J/attempt-1-a-0a1b2c3d-w0/dump.sql.zst"},
		{2, "b-00000000-w1", "", CompressGzip, "jobs/J/attempt-2-b-00000000-w1/dump.sql.gz"},
		{3, "c-ffffffff-w0", "zip", CompressNone, "jobs/J/attempt-3-c-ffffffff-w0/dump.zip"},
	} {
		if got := ObjectKey("J", c.attempt, c.writer, c.format, c.compress); got != c.want {
			t.Errorf("ObjectKey = %q, want %q", got, c.want)
		}
	}
	a, b := WriterToken("host-1/pid 7"), WriterToken("host-1/pid 7")
	if a == b || !strings.HasPrefix(a, "host-1_pid_7-") || ValidateJobID(a) != nil {
		t.Errorf("writer tokens %q and %q: want distinct, key-safe, starting with the agent id", a, b)
	}
	if ManifestKey("J") != "jobs/J/manifest.json" || CancelKey("J") != "jobs/J/cancel" {
		t.Error("manifest or cancel key changed")
	}
}
