package main

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter"
	"github.com/mssqldump/mssqldump/scripter/sqlbatch"
)

// archiveOf writes a zip of name/text pairs, in order.
func archiveOf(t *testing.T, files ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i < len(files); i += 2 {
		w, err := zw.Create(files[i])
		if err != nil {
			t.Fatal(err)
		}
		io.WriteString(w, files[i+1])
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// dumpArchive is a --format zip archive: two files and restore-order.txt
// listing them in the opposite of their archive order.
func dumpArchive(t *testing.T) []byte {
	return archiveOf(t,
		"data/dbo.t.sql", "INSERT INTO dbo.t VALUES (1);\nGO\n",
		"tables/dbo.t.sql", "CREATE TABLE dbo.t (id int);\nGO\n",
		scripter.RestoreOrderFile, "# order\ntables/dbo.t.sql\ndata/dbo.t.sql\n")
}

const dumpArchiveScript = "CREATE TABLE dbo.t (id int);\nGO\nGO\nINSERT INTO dbo.t VALUES (1);\nGO\nGO\n"

// stdinFile makes a file to stand for stdin, holding b.
func stdinFile(t *testing.T, b []byte) *os.File {
	t.Helper()
	f, err := os.CreateTemp(t.TempDir(), "stdin")
	if err != nil {
		t.Fatal(err)
	}
	f.Write(b)
	f.Seek(0, io.SeekStart)
	t.Cleanup(func() { f.Close() })
	return f
}

func gzipped(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

func TestRestoreTakesAZipArchiveFromAFileFromStdinAndInsideGzip(t *testing.T) {
	archive := dumpArchive(t)
	path := filepath.Join(t.TempDir(), "db.zip")
	if err := os.WriteFile(path, archive, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		stdin []byte
		path  string
	}{
		{"file", nil, path},
		{"stdin", archive, ""},
		{"gzip on stdin", gzipped(t, archive), "-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("TMPDIR", t.TempDir())
			e := &cliEnv{stdin: stdinFile(t, tc.stdin)}
			in, err := e.openRestoreInput(tc.path)
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(in.script)
			in.Close()
			if err != nil || string(got) != dumpArchiveScript || in.archive == nil {
				t.Fatalf("script %q, %v; want %q from the archive", got, err, dumpArchiveScript)
			}
			if left := dirEntries(t, os.Getenv("TMPDIR")); len(left) != 0 {
				t.Errorf("spooled files left behind: %v", left)
			}
		})
	}
}

func TestPlainScriptsAreNotMistakenForArchives(t *testing.T) {
	const script = "SELECT N'PK\x03\x04';\nGO\n"
	for _, b := range [][]byte{[]byte(script), gzipped(t, []byte(script))} {
		e := &cliEnv{stdin: stdinFile(t, b)}
		in, err := e.openRestoreInput("")
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(in.script)
		in.Close()
		if string(got) != script || in.archive != nil {
			t.Errorf("got %q (archive %v), want the script itself", got, in.archive != nil)
		}
	}
}

func TestStdinArchivesAreSpooledReadableOnlyByTheUserAndRemoved(t *testing.T) {
	t.Setenv("TMPDIR", t.TempDir())
	f, size, remove, err := spoolToTemp(strings.NewReader("PK\x03\x04 archive bytes"))
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(f.Name())
	if err != nil || st.Mode().Perm() != 0o600 || size != int64(len("PK\x03\x04 archive bytes")) {
		t.Fatalf("spool %s: mode %v, size %d, %v", f.Name(), st.Mode().Perm(), size, err)
	}
	remove()
	if _, err := os.Stat(f.Name()); !os.IsNotExist(err) {
		t.Errorf("the spool file is still there: %v", err)
	}
}

func TestRestoreOfABadArchiveExitsWithItsDocumentedCodeBeforeConnecting(t *testing.T) {
	port := closedPort(t) // nothing listens: reaching the server would exit 3
	path := filepath.Join(t.TempDir(), "db.zip")
	for _, tc := range []struct {
		name    string
		archive []byte
		code    int
		want    string
	}{
		{"no restore-order.txt", archiveOf(t, "tables/dbo.t.sql", "CREATE TABLE dbo.t (id int);\nGO\n"), 2, scripter.RestoreOrderFile},
		{"a listed file is missing", archiveOf(t, scripter.RestoreOrderFile, "tables/dbo.t.sql\n"), 5, "tables/dbo.t.sql"},
	} {
		for _, viaStdin := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s stdin=%v", tc.name, viaStdin), func(t *testing.T) {
				tmp := t.TempDir()
				args := []string{"restore", "-h", "127.0.0.1", "-P", fmt.Sprint(port), "-u", "sa", "-pS3cret!", "scratch"}
				if !viaStdin {
					if err := os.WriteFile(path, tc.archive, 0o600); err != nil {
						t.Fatal(err)
					}
					args = append(args, path)
				}
				cmd := command(t, []string{"TMPDIR=" + tmp}, args...)
				cmd.Stdin = bytes.NewReader(tc.archive)
				var stderr strings.Builder
				cmd.Stderr = &stderr
				err := cmd.Run()
				if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != tc.code {
					t.Fatalf("exit: %v, want code %d\n%s", err, tc.code, stderr.String())
				}
				if !strings.Contains(stderr.String(), tc.want) {
					t.Errorf("stderr does not name %q:\n%s", tc.want, stderr.String())
				}
				if left := dirEntries(t, tmp); len(left) != 0 {
					t.Errorf("spooled files left behind: %v", left)
				}
			})
		}
	}
}

func TestRestoreOfAGoodArchiveFromStdinGoesOnToTheServer(t *testing.T) {
	port := closedPort(t)
	tmp := t.TempDir()
	cmd := command(t, []string{"TMPDIR=" + tmp}, "restore", "-h", "127.0.0.1", "-P", fmt.Sprint(port), "-u", "sa", "-pS3cret!", "scratch")
	cmd.Stdin = bytes.NewReader(dumpArchive(t))
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 {
		t.Fatalf("exit: %v, want 3 (the archive accepted, the server unreachable)\n%s", err, stderr.String())
	}
	if left := dirEntries(t, tmp); len(left) != 0 {
		t.Errorf("spooled files left behind: %v", left)
	}
}

func TestAFailedBatchOfAnArchiveNamesItsFileAndLine(t *testing.T) {
	e := &cliEnv{stdin: stdinFile(t, dumpArchive(t))}
	in, err := e.openRestoreInput("")
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	if _, err := io.ReadAll(in.script); err != nil {
		t.Fatal(err)
	}
	// Script line 4 is the INSERT: line 1 of data/dbo.t.sql.
	if got := in.where(&sqlbatch.BatchError{Line: 4}); got != " (archive file data/dbo.t.sql, line 1)" {
		t.Errorf("where = %q", got)
	}
	if got := (&restoreInput{}).where(&sqlbatch.BatchError{Line: 4}); got != "" {
		t.Errorf("a plain script's batch is located in an archive: %q", got)
	}
}
