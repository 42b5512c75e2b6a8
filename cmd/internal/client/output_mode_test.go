//go:build unix

package client

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

func TestTheTemporaryResultFileIsPrivateUntilCommitGivesTheUmaskMode(t *testing.T) {
	for _, c := range []struct {
		umask int
		want  os.FileMode
	}{{0o077, 0o600}, {0o022, 0o644}} {
		old := syscall.Umask(c.umask)
		path := filepath.Join(t.TempDir(), "db.sql")
		f, err := NewFileOutput(path)
		syscall.Umask(old)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(f.TempPath())
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("umask %03o: temporary file mode %v, %v; want 0600", c.umask, fi.Mode().Perm(), err)
		}
		if _, err := f.Write([]byte("SELECT 1;\n")); err != nil {
			t.Fatal(err)
		}
		if err := f.Commit(); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != c.want {
			t.Fatalf("umask %03o: result file mode %v, %v; want %v", c.umask, fi.Mode().Perm(), err, c.want)
		}
	}
}
