package blob_test

import (
	"context"
	"errors"
	"io/fs"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/blob/fileblob"
)

func TestValidateKeyAcceptsPortableKeys(t *testing.T) {
	for _, k := range []string{"a", "jobs/42/attempt-1/dump.sql.zst", "fleet/public-key", "odd dir/ünï 'q\"/x", ".hidden", "a/.b/c", "100%"} {
		if err := blob.ValidateKey(k); err != nil {
			t.Errorf("ValidateKey(%q) = %v; want nil", k, err)
		}
	}
}

func TestValidateKeyRejectsUnportableKeys(t *testing.T) {
	for _, k := range []string{"", "/a", "a/", "a//b", "..", "../a", "a/..", "a/../b", ".", "./a", "a\x00b", "tab\tkey", "del\x7f", "\xff\xfe", strings.Repeat("x", blob.MaxKeyLen+1)} {
		err := blob.ValidateKey(k)
		if !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("ValidateKey(%q) = %v; want ErrInvalidKey", k, err)
		}
	}
}

func newRegistry() *blob.Registry {
	r := blob.NewRegistry()
	r.Register(fileblob.Scheme, fileblob.URLOpener{})
	return r
}

func TestOpenBucketByFileURL(t *testing.T) {
	dir := t.TempDir()
	b, err := blob.OpenBucket(t.Context(), newRegistry(), "file://"+dir+"/sub?create_dir=true")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := b.WriteAll(t.Context(), "k", []byte("v"), nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); !errors.Is(err, blob.ErrClosed) {
		t.Errorf("second Close = %v; want ErrClosed", err)
	}
	if _, err := b.Stat(t.Context(), "k"); !errors.Is(err, blob.ErrClosed) {
		t.Errorf("Stat after Close = %v; want ErrClosed", err)
	}
}

func TestOpenBucketErrorsNameTheProblem(t *testing.T) {
	reg := newRegistry()
	cases := map[string]string{
		"gs://bucket":                     `unknown bucket URL scheme "gs"`,
		"/no/scheme":                      "has no scheme",
		"file:///tmp?create-dir=1&x=2":    "create-dir, x",
		"file:///does/not/exist/anywhere": "no such file",
		"file://remotehost/x":             "remotehost",
		"file:///tmp?create_dir=perhaps":  "create_dir",
	}
	for u, want := range cases {
		_, err := blob.OpenBucket(t.Context(), reg, u)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("OpenBucket(%q) = %v; want an error containing %q", u, err, want)
		}
	}
}

func TestRegistryIsExplicit(t *testing.T) {
	if s := blob.NewRegistry().Schemes(); len(s) != 0 {
		t.Fatalf("a new registry has schemes %v; drivers must not register themselves", s)
	}
	r := newRegistry()
	defer func() {
		if recover() == nil {
			t.Error("registering a scheme twice did not panic")
		}
	}()
	r.Register("FILE", fileblob.URLOpener{})
}

func TestErrorsWrapDriverErrorsAndMatchSentinels(t *testing.T) {
	d, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	b := blob.NewBucket(d)
	_, err = b.NewReader(t.Context(), "missing/key")
	var be *blob.Error
	if !errors.As(err, &be) || be.Op != "NewReader" || be.Key != "missing/key" || be.Code != driver.NotFound {
		t.Fatalf("error %#v; want *blob.Error{Op: NewReader, Key: missing/key, Code: NotFound}", err)
	}
	if !errors.Is(err, blob.ErrNotFound) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("error %v should match both ErrNotFound and the raw fs.ErrNotExist", err)
	}
	if errors.Is(err, blob.ErrExists) || errors.Is(err, blob.ErrUnavailable) {
		t.Errorf("error %v matches an unrelated sentinel", err)
	}
	if !strings.Contains(err.Error(), `"missing/key"`) {
		t.Errorf("message %q does not name the key", err)
	}
}

func TestMetadataKeysMustBePortable(t *testing.T) {
	d, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	b := blob.NewBucket(d)
	for _, md := range []map[string]string{{"Upper": "x"}, {"under_score": "x"}, {"": "x"}, {"k": "new\nline"}} {
		if err := b.WriteAll(t.Context(), "k", nil, &blob.WriterOptions{Metadata: md}); err == nil {
			t.Errorf("metadata %q accepted; want an error", md)
		}
	}
}

func TestNewWriterOnCanceledContextFails(t *testing.T) {
	d, err := fileblob.OpenBucket(t.TempDir(), nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := blob.NewBucket(d).NewWriter(ctx, "k", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("NewWriter = %v; want context.Canceled", err)
	}
}
