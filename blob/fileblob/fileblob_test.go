package fileblob_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/blob"

	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/blob/drivertest"
	"github.com/mssqldump/mssqldump/blob/fileblob"
)

func harness() drivertest.Harness {
	return drivertest.Harness{
		NewBucket: func(t testing.TB) driver.Bucket {
			b, err := fileblob.OpenBucket(t.TempDir(), nil)
			if err != nil {
				t.Fatal(err)
			}
			return b
		},
	}
}

func TestConformance(t *testing.T) {
	drivertest.RunConformanceTests(t, harness())
}

func BenchmarkFileblob(b *testing.B) {
	drivertest.RunBenchmarks(b, func(tb testing.TB) driver.Bucket {
		d, err := fileblob.OpenBucket(tb.TempDir(), nil)
		if err != nil {
			tb.Fatal(err)
		}
		return d
	})
}

func TestKeysMapToReadablePathsAndHiddenFilesStayOutOfKeySpace(t *testing.T) {
	dir := t.TempDir()
	d, err := fileblob.OpenBucket(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := blob.NewBucket(d)
	ctx := t.Context()
	for key, path := range map[string]string{
		"jobs/42/dump sql ü.zst": "jobs/42/dump sql ü.zst",
		".attrs.x":               "%2Eattrs.x",
		"d/.tmp-123":             "d/%2Etmp-123",
		"50%/x":                  "50%25/x",
	} {
		if err := b.WriteAll(ctx, key, []byte(key), &blob.WriterOptions{ContentType: "text/plain"}); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, path))
		if err != nil || string(got) != key {
			t.Errorf("key %q: file %s = %q, %v", key, path, got, err)
		}
	}
}

func TestFailedAndCanceledWritesLeaveNoTemporaryFiles(t *testing.T) {
	dir := t.TempDir()
	d, err := fileblob.OpenBucket(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := blob.NewBucket(d)
	ctx, cancel := context.WithCancel(t.Context())
	w, err := b.NewWriter(ctx, "a/b", nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("partial"))
	cancel()
	w.Close()
	if err := b.WriteAll(t.Context(), "a/b", []byte("x"), nil); err != nil {
		t.Fatal(err)
	}
	if err := b.WriteAll(t.Context(), "a/b", []byte("y"), &blob.WriterOptions{IfNotExists: true}); !errors.Is(err, blob.ErrExists) {
		t.Fatalf("create-if-absent = %v; want ErrExists", err)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "a"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) != 1 || names[0] != "b" {
		t.Fatalf("directory holds %v; want only b", names)
	}
}

func TestURLOpenerRejectsUnknownParameters(t *testing.T) {
	u, _ := url.Parse("file://" + t.TempDir() + "?create_dir=true&fsync=false")
	_, err := fileblob.URLOpener{}.OpenBucketURL(t.Context(), u)
	if err == nil || !strings.Contains(err.Error(), "fsync") {
		t.Fatalf("error = %v; want one naming fsync", err)
	}
}

func TestKeyUnderAnObjectIsAClearError(t *testing.T) {
	d, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	b := blob.NewBucket(d)
	if err := b.WriteAll(t.Context(), "a", []byte("x"), nil); err != nil {
		t.Fatal(err)
	}
	err = b.WriteAll(t.Context(), "a/b", []byte("y"), nil)
	if err == nil || errors.Is(err, blob.ErrNotFound) || !strings.Contains(err.Error(), "already an object") {
		t.Fatalf("WriteAll(a/b) with object a = %v; want a clear layout error", err)
	}
}

func TestABucketOpenedWithoutSyncPassesTheConformanceSuite(t *testing.T) {
	drivertest.RunConformanceTests(t, drivertest.Harness{
		NewBucket: func(t testing.TB) driver.Bucket {
			b, err := fileblob.OpenBucket(t.TempDir(), &fileblob.Options{NoSync: true})
			if err != nil {
				t.Fatal(err)
			}
			return b
		},
	})
}

func TestSyncInTheURLIsABoolean(t *testing.T) {
	for _, tc := range []struct {
		query string
		ok    bool
	}{{"sync=false", true}, {"sync=true", true}, {"sync=0", true}, {"sync=later", false}} {
		u, _ := url.Parse("file://" + t.TempDir() + "?" + tc.query)
		_, err := fileblob.URLOpener{}.OpenBucketURL(t.Context(), u)
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v", tc.query, err)
		}
		if err != nil && !strings.Contains(err.Error(), "sync") {
			t.Errorf("%s: error %q does not name the parameter", tc.query, err)
		}
	}
}

func TestSyncTreeSyncsEveryObjectAndFailsOnAMissingDirectory(t *testing.T) {
	dir := t.TempDir()
	b, err := fileblob.OpenBucket(dir, &fileblob.Options{NoSync: true})
	if err != nil {
		t.Fatal(err)
	}
	bucket := blob.NewBucket(b)
	for _, key := range []string{"jobs/1/dump.sql", "jobs/1/manifest.json", "fleet/public-key"} {
		if err := bucket.WriteAll(t.Context(), key, []byte(key), nil); err != nil {
			t.Fatal(err)
		}
	}
	if err := fileblob.SyncTree(dir); err != nil {
		t.Fatalf("SyncTree: %v", err)
	}
	if err := fileblob.SyncTree(filepath.Join(dir, "gone")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("SyncTree of a missing directory: %v, want not exist", err)
	}
}
