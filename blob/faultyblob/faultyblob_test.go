package faultyblob_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/blob/drivertest"
	"github.com/mssqldump/mssqldump/blob/faultyblob"
	"github.com/mssqldump/mssqldump/blob/fileblob"
)

var errDisk = errors.New("disk on fire")

func newFileBucket(t testing.TB) (string, *fileblob.Bucket) {
	dir := t.TempDir()
	d, err := fileblob.OpenBucket(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	return dir, d
}

// Without faults the decorator is transparent: it passes the suite.
func TestConformanceWithoutFaults(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.Harness{
		NewBucket: func(t testing.TB) driver.Bucket {
			_, d := newFileBucket(t)
			return faultyblob.New(d)
		},
	})
}

// listFiles returns every file under dir, hidden temporaries included.
func listFiles(t testing.TB, dir string) []string {
	var out []string
	filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err == nil && !e.IsDir() {
			out = append(out, strings.TrimPrefix(p, dir+"/"))
		}
		return nil
	})
	return out
}

func TestFailedWriteLeavesNoPartialObject(t *testing.T) {
	dir, d := newFileBucket(t)
	b := blob.NewBucket(faultyblob.New(d, faultyblob.Fault{Op: faultyblob.OpWrite, After: 2, Err: errDisk}))
	ctx := t.Context()
	w, err := b.NewWriter(ctx, "jobs/1/dump.sql", nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, err := w.Write([]byte("chunk ")); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
	_, err = w.Write([]byte("third"))
	if !errors.Is(err, errDisk) {
		t.Fatalf("third Write = %v; want the injected error", err)
	}
	if !strings.Contains(err.Error(), "jobs/1/dump.sql") {
		t.Errorf("error does not name the key: %v", err)
	}
	if _, err := w.Write([]byte("more")); !errors.Is(err, errDisk) {
		t.Fatalf("Write after failure = %v; want the same (sticky) error", err)
	}
	if err := w.Close(); !errors.Is(err, errDisk) {
		t.Fatalf("Close = %v; want the injected error", err)
	}
	if ok, _ := b.Exists(ctx, "jobs/1/dump.sql"); ok {
		t.Fatal("object exists after a failed write")
	}
	if files := listFiles(t, dir); len(files) != 0 {
		t.Fatalf("files left behind: %v", files)
	}
}

func TestFailedCloseKeepsPreviousObject(t *testing.T) {
	dir, d := newFileBucket(t)
	f := faultyblob.New(d)
	b := blob.NewBucket(f)
	ctx := t.Context()
	if err := b.WriteAll(ctx, "m.json", []byte("v1"), nil); err != nil {
		t.Fatal(err)
	}
	f.AddFault(faultyblob.Fault{Op: faultyblob.OpClose, Key: "m.json", Err: errDisk})
	if err := b.WriteAll(ctx, "m.json", []byte("v2"), nil); !errors.Is(err, errDisk) {
		t.Fatalf("WriteAll = %v; want the injected error", err)
	}
	got, err := b.ReadAll(ctx, "m.json")
	if err != nil || string(got) != "v1" {
		t.Fatalf("after failed overwrite: %q, %v; want v1", got, err)
	}
	if files := listFiles(t, dir); len(files) != 1 {
		t.Fatalf("files: %v; want only m.json", files)
	}
	// The fault fired once (Times 0): the next write goes through.
	if err := b.WriteAll(ctx, "m.json", []byte("v3"), nil); err != nil {
		t.Fatal(err)
	}
	if f.Calls(faultyblob.OpClose) != 3 {
		t.Errorf("Close calls = %d, want 3", f.Calls(faultyblob.OpClose))
	}
}

func TestInjectedCodeMapsToSentinel(t *testing.T) {
	_, d := newFileBucket(t)
	b := blob.NewBucket(faultyblob.New(d,
		faultyblob.Fault{Op: faultyblob.OpAttributes, Err: errDisk, Code: driver.Unavailable},
		faultyblob.Fault{Op: faultyblob.OpNewReader, Err: syscall.ECONNREFUSED},
		faultyblob.Fault{Op: faultyblob.OpDelete, Err: os.ErrPermission},
	))
	ctx := t.Context()
	if _, err := b.Stat(ctx, "k"); !errors.Is(err, blob.ErrUnavailable) || !errors.Is(err, errDisk) {
		t.Errorf("Stat = %v; want ErrUnavailable wrapping the injected error", err)
	}
	if _, err := b.NewReader(ctx, "k"); !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("NewReader = %v; want ECONNREFUSED", err)
	}
	if err := b.Delete(ctx, "k"); !errors.Is(err, blob.ErrPermission) {
		t.Errorf("Delete = %v; want ErrPermission (classified by the wrapped driver)", err)
	}
}

func TestReadFaultFiresAfterSomeBytes(t *testing.T) {
	_, d := newFileBucket(t)
	f := faultyblob.New(d)
	b := blob.NewBucket(f)
	ctx := context.Background()
	if err := b.WriteAll(ctx, "k", make([]byte, 10_000), nil); err != nil {
		t.Fatal(err)
	}
	f.AddFault(faultyblob.Fault{Op: faultyblob.OpRead, After: 1, Times: -1, Err: io.ErrUnexpectedEOF})
	r, err := b.NewReader(ctx, "k")
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	buf := make([]byte, 1000)
	if _, err := r.Read(buf); err != nil {
		t.Fatalf("first Read: %v", err)
	}
	for range 2 {
		if _, err := r.Read(buf); !errors.Is(err, io.ErrUnexpectedEOF) {
			t.Fatalf("later Read = %v; want the injected error every time (Times -1)", err)
		}
	}
}
