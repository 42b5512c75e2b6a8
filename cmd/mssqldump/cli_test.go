package main

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestHelpListsEveryExitCode(t *testing.T) {
	for _, flag := range []string{"--help", "-?"} {
		r := mssqldump(t, nil, flag)
		wantCode(t, r, 0)
		for _, want := range []string{"EXIT CODES", "\n   0 ", "\n   1 ", "\n   2 ", "\n   3 ", "\n   4 ", "\n   5 ", "\n   6 ", "\n   130 ",
			"--result-file", "--broker", "--blob", "MSSQLDUMP_PASSWORD", "SQLCMDPASSWORD", "--no-data",
			"--encrypt", `(default: "mandatory")`, "--trust-server-certificate", "--host-name-in-certificate",
			"--authentication", "ActiveDirectoryManagedIdentity"} {
			if !strings.Contains(r.stdout, want) {
				t.Errorf("%s output lacks %q", flag, want)
			}
		}
		if strings.Contains(r.stdout, "--source") {
			t.Errorf("%s shows the hidden --source flag", flag)
		}
	}
}

func TestVersionFlagPrintsTheVersion(t *testing.T) {
	for _, flag := range []string{"-V", "--version"} {
		r := mssqldump(t, nil, flag)
		wantCode(t, r, 0)
		if !strings.HasPrefix(r.stdout, "mssqldump version ") {
			t.Errorf("%s printed %q", flag, r.stdout)
		}
	}
}

func TestUsageErrorsExit2AndWriteNothingToStdout(t *testing.T) {
	for _, tc := range []struct {
		name string
		env  []string
		args []string
		want string
	}{
		{"missing database", nil, nil, "missing DATABASE"},
		{"unknown flag", nil, []string{"--no-such-flag", "db"}, "no-such-flag"},
		{"bad compress", nil, []string{"--compress", "lz4", "db"}, "lz4"},
		{"too many jobs", nil, []string{"--jobs", "65", "db"}, "--jobs 65"},
		{"bad compress from env", []string{"MSSQLDUMP_COMPRESS=lz4"}, []string{"db"}, "lz4"},
		{"bad format", nil, []string{"--format", "tar", "db"}, "tar"},
		{"bad consistency", nil, []string{"--consistency", "maybe", "db"}, "maybe"},
		{"rows per insert", nil, []string{"--rows-per-insert", "5000", "db"}, "rows-per-insert"},
		{"contradiction", nil, []string{"--routines", "--skip-routines", "db"}, "contradict"},
		{"broker without blob", nil, []string{"--broker", "nats://127.0.0.1:4222", "db"}, "--blob"},
		{"unknown broker scheme", nil, []string{"--broker", "kafka://x", "--blob", "file:///tmp", "db"}, "kafka"},
		{"ignore-table of another db", nil, []string{"--ignore-table", "other.dbo.t", "db"}, "other"},
		{"bad dsn", nil, []string{"--dsn", "mysql://x", "db"}, "sqlserver://"},
		{"password prompt without terminal", nil, []string{"-p", "db"}, "terminal"},
		{"wait without job id", nil, []string{"wait"}, "JOBID"},
		{"bad job id", nil, []string{"fetch", "../../etc"}, "job id"},
		{"bad source", nil, []string{"--source", "random:1", "db"}, "synthetic"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := mssqldump(t, tc.env, tc.args...)
			wantCode(t, r, 2)
			if r.stdout != "" {
				t.Errorf("stdout is not empty: %q", r.stdout)
			}
			if !strings.Contains(r.stderr, tc.want) {
				t.Errorf("stderr does not name %q:\n%s", tc.want, r.stderr)
			}
		})
	}
}

func TestStdoutCarriesOnlyTheDump(t *testing.T) {
	const size = 3<<20 + 17
	want := synthetic(t, size)
	for _, compress := range []string{"zstd", "gzip", "none"} {
		t.Run(compress, func(t *testing.T) {
			r := mssqldump(t, nil, "-v", "-v", "--compress", compress, "--source", fmt.Sprintf("synthetic:%d", size), "db")
			wantCode(t, r, 0)
			sameBytes(t, []byte(r.stdout), want)
			if !strings.Contains(r.stderr, "level=") {
				t.Errorf("-v -v logged nothing on stderr")
			}
		})
	}
}

func TestTheEmbeddedDefaultStoresItsScriptUncompressedUnlessCompressIsGiven(t *testing.T) {
	for _, tc := range []struct {
		args   []string
		object string
	}{
		{nil, "/dump.sql "},
		{[]string{"--compress", "zstd"}, "/dump.sql.zst "},
	} {
		args := append(append([]string{"-v", "-v", "--source", "synthetic:100KiB"}, tc.args...), "db")
		r := mssqldump(t, nil, args...)
		wantCode(t, r, 0)
		sameBytes(t, []byte(r.stdout), synthetic(t, 100<<10))
		if !strings.Contains(r.stderr, tc.object) {
			t.Errorf("%v: the agent did not store %s:\n%s", tc.args, tc.object, r.stderr)
		}
	}
}

func TestEveryFlagReadsItsEnvironmentVariable(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "env.sql")
	r := mssqldump(t, []string{
		"MSSQLDUMP_SOURCE=synthetic:100KiB",
		"MSSQLDUMP_RESULT_FILE=" + out,
		"MSSQLDUMP_COMPRESS=gzip",
		"MSSQLDUMP_DATABASE=fromenv",
		"MSSQLDUMP_VERBOSE=true",
	})
	wantCode(t, r, 0)
	if r.stdout != "" {
		t.Errorf("stdout is not empty with MSSQLDUMP_RESULT_FILE set")
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	sameBytes(t, got, synthetic(t, 100<<10))
	if !strings.Contains(r.stderr, "database=fromenv") {
		t.Errorf("MSSQLDUMP_DATABASE was not used:\n%s", r.stderr)
	}
}

func TestResultFileAppearsOnlyWhenComplete(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "db.sql")
	r := mssqldump(t, nil, "--source", "synthetic:1MiB", "-r", out, "db")
	wantCode(t, r, 0)
	if names := dirEntries(t, dir); !slices.Equal(names, []string{"db.sql"}) {
		t.Fatalf("after success the directory holds %v, want exactly [db.sql]", names)
	}
	got, _ := os.ReadFile(out)
	sameBytes(t, got, synthetic(t, 1<<20))
	if r.stdout != "" {
		t.Errorf("stdout is not empty with -r")
	}
}

func TestFailedDumpLeavesNoResultFile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "db.sql")
	port := closedPort(t)
	r := mssqldump(t, nil, "-h", "127.0.0.1", "-P", fmt.Sprint(port), "-r", out, "db")
	wantCode(t, r, 3)
	if names := dirEntries(t, dir); len(names) != 0 {
		t.Fatalf("after a failure the directory holds %v, want nothing", names)
	}

	// An existing file is replaced only on success.
	if err := os.WriteFile(out, []byte("yesterday's dump"), 0o640); err != nil {
		t.Fatal(err)
	}
	r = mssqldump(t, nil, "-h", "127.0.0.1", "-P", fmt.Sprint(port), "-r", out, "db")
	wantCode(t, r, 3)
	if got, _ := os.ReadFile(out); string(got) != "yesterday's dump" {
		t.Fatalf("a failed dump changed the existing result file to %q", got)
	}
	if names := dirEntries(t, dir); !slices.Equal(names, []string{"db.sql"}) {
		t.Fatalf("after a failure the directory holds %v", names)
	}
	r = mssqldump(t, nil, "--source", "synthetic:64KiB", "-r", out, "db")
	wantCode(t, r, 0)
	fi, err := os.Stat(out)
	if err != nil || fi.Size() != 64<<10 || fi.Mode().Perm() != 0o640 {
		t.Fatalf("replaced file: %v, %v (want 64 KiB, mode 0640 kept)", fi, err)
	}
}

func TestUnreachableSQLServerExits3NamingTheHost(t *testing.T) {
	port := closedPort(t)
	r := mssqldump(t, nil, "-h", "127.0.0.1", "-P", fmt.Sprint(port), "-u", "backup", "-pS3cret!", "db")
	wantCode(t, r, 3)
	if want := fmt.Sprintf("127.0.0.1:%d", port); !strings.Contains(r.stderr, want) {
		t.Errorf("stderr does not name %s:\n%s", want, r.stderr)
	}
	if strings.Contains(r.stderr, "S3cret!") {
		t.Errorf("the password appears on stderr:\n%s", r.stderr)
	}
	if r.stdout != "" {
		t.Errorf("stdout is not empty: %q", r.stdout)
	}
}

func TestRedirectedStdoutIsTruncatedOnFailure(t *testing.T) {
	f, err := os.Create(filepath.Join(t.TempDir(), "redirect.sql"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := command(t, nil, "-h", "127.0.0.1", "-P", fmt.Sprint(closedPort(t)), "db")
	cmd.Stdout = f
	_ = cmd.Run()
	if cmd.ProcessState.ExitCode() != 3 {
		t.Fatalf("exit code %d, want 3", cmd.ProcessState.ExitCode())
	}
	if fi, _ := f.Stat(); fi.Size() != 0 {
		t.Fatalf("redirected stdout holds %d bytes after a failure", fi.Size())
	}
}

func TestPasswordForms(t *testing.T) {
	// -pSECRET and --password=SECRET carry the password; "-p DATABASE"
	// would prompt (tested as a usage error without a terminal) and never
	// take DATABASE as the password.
	for _, args := range [][]string{
		{"-u", "sa", "-pS3cret!", "db"},
		{"-u", "sa", "--password=S3cret!", "db"},
		{"db", "-u", "sa", "-pS3cret!"}, // options after DATABASE
	} {
		r := mssqldump(t, nil, append([]string{"-v", "-v", "--source", "synthetic:10KiB"}, args...)...)
		wantCode(t, r, 0)
		if strings.Contains(r.stderr, "S3cret!") {
			t.Errorf("%v: the password appears on stderr", args)
		}
		if !strings.Contains(r.stderr, "database=db") {
			t.Errorf("%v: the database is not db:\n%s", args, r.stderr)
		}
	}
	for _, v := range []string{"MSSQLDUMP_PASSWORD=S3cret!", "SQLCMDPASSWORD=S3cret!"} {
		r := mssqldump(t, []string{v}, "-v", "--source", "synthetic:10KiB", "-u", "sa", "db")
		wantCode(t, r, 0)
	}
}

func TestDatabaseNamedLikeACommand(t *testing.T) {
	r := mssqldump(t, nil, "-v", "--source", "synthetic:1KiB", "--", "wait")
	wantCode(t, r, 0)
	if !strings.Contains(r.stderr, "database=wait") {
		t.Errorf("'-- wait' did not dump a database named wait:\n%s", r.stderr)
	}
	for _, name := range []string{"help", "h"} { // no help command shadows these
		r = mssqldump(t, nil, "-v", "--source", "synthetic:1KiB", name)
		wantCode(t, r, 0)
		if !strings.Contains(r.stderr, "database="+name+" ") {
			t.Errorf("%q did not dump a database of that name:\n%s", name, r.stderr)
		}
	}
	r = mssqldump(t, nil, "-v", "--source", "synthetic:1KiB", "--database", "fetch", "t1")
	wantCode(t, r, 0)
	if !strings.Contains(r.stderr, "database=fetch") {
		t.Errorf("--database fetch did not dump a database named fetch:\n%s", r.stderr)
	}
}

func TestEmbeddedRunsLeaveNoState(t *testing.T) {
	state := t.TempDir()
	r := mssqldump(t, []string{"MSSQLDUMP_STATE_DIR=" + state}, "--source", "synthetic:10KiB", "db")
	wantCode(t, r, 0)
	r = mssqldump(t, []string{"MSSQLDUMP_STATE_DIR=" + state}, "-h", "127.0.0.1", "-P", fmt.Sprint(closedPort(t)), "db")
	wantCode(t, r, 3)
	if names := dirEntries(t, filepath.Join(state, "jobs")); len(names) != 0 {
		t.Errorf("runs left %v behind in the state directory", names)
	}
}

func TestConcurrentEmbeddedRunsDoNotCollide(t *testing.T) {
	state := t.TempDir()
	const n = 3
	results := make(chan result, n)
	for i := range n {
		go func() {
			results <- mssqldump(t, []string{"MSSQLDUMP_STATE_DIR=" + state}, "--source", fmt.Sprintf("synthetic:%d", 200<<10+i), "-u", "sa", "-px", "db")
		}()
	}
	for range n {
		r := <-results
		wantCode(t, r, 0)
	}
	if names := dirEntries(t, filepath.Join(state, "jobs")); len(names) != 0 {
		t.Errorf("runs left %v behind", names)
	}
}

func TestStaleEmbeddedJobDirectoriesAreSwept(t *testing.T) {
	state := t.TempDir()
	stale := filepath.Join(state, "jobs", "00000000-0000-4000-8000-000000000001")
	fresh := filepath.Join(state, "jobs", "00000000-0000-4000-8000-000000000002")
	for _, d := range []string{stale, fresh} {
		if err := os.MkdirAll(filepath.Join(d, "blob"), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-8 * 24 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	r := mssqldump(t, []string{"MSSQLDUMP_STATE_DIR=" + state}, "--source", "synthetic:1KiB", "db")
	wantCode(t, r, 0)
	if names := dirEntries(t, filepath.Join(state, "jobs")); !slices.Equal(names, []string{filepath.Base(fresh)}) {
		t.Errorf("after a run the jobs directory holds %v, want only the fresh one", names)
	}
}
