// Package fileblob is the blob driver for a local directory, used by the
// embedded default and by tests.
//
// Every write goes to a temporary file in the object's own directory, is
// fsynced, and is renamed over the key on Close (the directory is fsynced
// too), so a crash or a canceled write never leaves a partial object.
// Create-if-absent uses link(2), which fails atomically when the name
// exists. Readers keep the file they opened, so an overwrite never shows
// them a mix of two versions.
//
// Keys map to paths: "jobs/42/dump.sql" is DIR/jobs/42/dump.sql. Spaces,
// quotes and any Unicode are kept as they are; a path segment starting with
// "." and the "%" character are percent-escaped, which keeps the driver's
// own hidden files (".tmp-*" temporaries and ".attrs.*" sidecars holding
// content type and metadata) out of the key space. Because a directory
// cannot be both a file and a directory, keys "a" and "a/b" cannot coexist
// here (they can in S3).
//
// URL form: file:///absolute/path[?create_dir=true][&sync=false]
package fileblob

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/mssqldump/mssqldump/blob/driver"
	"github.com/mssqldump/mssqldump/internal/openurl"
)

// Scheme is the URL scheme this driver is registered under.
const Scheme = "file"

const (
	tmpPrefix   = ".tmp-"
	attrsPrefix = ".attrs."
	// maxSegment leaves room for attrsPrefix within NAME_MAX (255).
	maxSegment = 255 - len(attrsPrefix)
)

var (
	errObjectExists   = errors.New("fileblob: object exists")
	errNotImplemented = errors.New("fileblob: signed URLs are not supported for local directories")
)

// Options for OpenBucket.
type Options struct {
	// CreateDir creates the directory (and parents) when it is missing.
	CreateDir bool
	// NoSync skips every fsync: objects are still published atomically
	// (rename), but a crash of the machine may lose or truncate them. For a
	// scratch store whose objects are copied elsewhere at once, such as the
	// embedded default's (which calls SyncTree before it promises that a
	// kept script survives). URL: sync=false.
	NoSync bool
}

// URLOpener opens file:// URLs.
type URLOpener struct{}

// OpenBucketURL implements blob.BucketURLOpener.
func (URLOpener) OpenBucketURL(ctx context.Context, u *url.URL) (driver.Bucket, error) {
	q := openurl.New(u)
	opts := Options{CreateDir: q.Bool("create_dir", false), NoSync: !q.Bool("sync", true)}
	if err := q.Err(); err != nil {
		return nil, fmt.Errorf("file URL: %w", err)
	}
	if u.Host != "" && u.Host != "localhost" {
		return nil, openurl.Invalid(fmt.Errorf("file URL: host %q not supported; use file:///absolute/path", u.Host))
	}
	if u.Path == "" {
		return nil, openurl.Invalid(errors.New("file URL: missing directory path (want file:///absolute/path)"))
	}
	return OpenBucket(u.Path, &opts)
}

// ErrorCode classifies errors from OpenBucketURL. A missing directory is
// Unavailable, not a usage error: the URL is well formed and names a store
// that is not there, like an S3 bucket that does not exist (NoSuchBucket),
// and the same directory vanishing after open is Unavailable too (see
// Bucket.ErrorCode). Both binaries exit 6 for it.
func (URLOpener) ErrorCode(err error) driver.ErrorCode {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return driver.Unavailable
	case errors.Is(err, fs.ErrPermission):
		return driver.PermissionDenied
	}
	return driver.Unknown
}

// Bucket is the fileblob driver.
type Bucket struct {
	dir    string
	noSync bool
}

// OpenBucket opens the directory dir as a bucket.
func OpenBucket(dir string, opts *Options) (*Bucket, error) {
	if opts == nil {
		opts = &Options{}
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if opts.CreateDir {
		if err := os.MkdirAll(abs, 0o755); err != nil {
			return nil, err
		}
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, openurl.Invalid(fmt.Errorf("fileblob: %s is not a directory", abs))
	}
	return &Bucket{dir: abs, noSync: opts.NoSync}, nil
}

// dirExists reports whether the bucket's directory is still there.
func (b *Bucket) dirExists() bool {
	fi, err := os.Stat(b.dir)
	return err == nil && fi.IsDir()
}

// Dir returns the bucket's absolute directory.
func (b *Bucket) Dir() string { return b.dir }

// path maps a validated key to its file path.
func (b *Bucket) path(key string) (string, error) {
	segs := strings.Split(key, "/")
	for i, s := range segs {
		s = strings.ReplaceAll(s, "%", "%25")
		if strings.HasPrefix(s, ".") {
			s = "%2E" + s[1:]
		}
		if len(s) > maxSegment {
			return "", fmt.Errorf("fileblob: key %q: path segment longer than %d bytes", key, maxSegment)
		}
		segs[i] = s
	}
	return filepath.Join(b.dir, filepath.Join(segs...)), nil
}

func attrsPath(p string) string {
	return filepath.Join(filepath.Dir(p), attrsPrefix+filepath.Base(p))
}

// ErrorCode implements driver.Bucket.
func (b *Bucket) ErrorCode(err error) driver.ErrorCode {
	switch {
	case errors.Is(err, errObjectExists):
		return driver.Exists
	case errors.Is(err, errNotImplemented):
		return driver.NotImplemented
	case errors.Is(err, fs.ErrNotExist) && !b.dirExists():
		// The bucket's own directory is gone (an unmounted volume, a
		// removed directory): the store is unavailable, as at open.
		return driver.Unavailable
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR), errors.Is(err, syscall.EISDIR):
		return driver.NotFound
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return driver.PermissionDenied
	}
	return driver.Unknown
}

// sidecar is the JSON stored next to an object that has a content type or
// metadata other than the defaults.
type sidecar struct {
	ContentType string            `json:"content_type,omitempty"`
	Metadata    map[string]string `json:"metadata,omitempty"`
}

func readSidecar(p string) (*sidecar, error) {
	data, err := os.ReadFile(attrsPath(p))
	if errors.Is(err, fs.ErrNotExist) {
		return &sidecar{}, nil
	}
	if err != nil {
		return nil, err
	}
	var sc sidecar
	if err := json.Unmarshal(data, &sc); err != nil {
		return nil, fmt.Errorf("fileblob: corrupt attributes file %s: %w", attrsPath(p), err)
	}
	return &sc, nil
}

func attributes(fi os.FileInfo, sc *sidecar) *driver.Attributes {
	ct := sc.ContentType
	if ct == "" {
		ct = driver.DefaultContentType
	}
	return &driver.Attributes{
		Size:        fi.Size(),
		ModTime:     fi.ModTime(),
		ETag:        fmt.Sprintf("\"%x-%x\"", fi.ModTime().UnixNano(), fi.Size()),
		ContentType: ct,
		Metadata:    sc.Metadata,
	}
}

// statFile returns the FileInfo of a regular file, or a not-exist error for
// directories (a key is never a directory).
func statFile(p string) (os.FileInfo, error) {
	fi, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "stat", Path: p, Err: fs.ErrNotExist}
	}
	return fi, nil
}

// Attributes implements driver.Bucket.
func (b *Bucket) Attributes(ctx context.Context, key string) (*driver.Attributes, error) {
	p, err := b.path(key)
	if err != nil {
		return nil, err
	}
	fi, err := statFile(p)
	if err != nil {
		return nil, err
	}
	sc, err := readSidecar(p)
	if err != nil {
		return nil, err
	}
	return attributes(fi, sc), nil
}

// NewReader implements driver.Bucket.
func (b *Bucket) NewReader(ctx context.Context, key string) (driver.Reader, error) {
	p, err := b.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err == nil && !fi.Mode().IsRegular() {
		err = &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	var sc *sidecar
	if err == nil {
		sc, err = readSidecar(p)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return &reader{File: f, attrs: attributes(fi, sc)}, nil
}

type reader struct {
	*os.File
	attrs *driver.Attributes
}

func (r *reader) Attributes() *driver.Attributes { return r.attrs }

// Delete implements driver.Bucket.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	p, err := b.path(key)
	if err != nil {
		return err
	}
	if _, err := statFile(p); err != nil {
		return err
	}
	if err := os.Remove(p); err != nil {
		return err
	}
	if err := os.Remove(attrsPath(p)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return b.syncDir(filepath.Dir(p))
}

// SignedURL implements driver.Bucket: local directories have none.
func (b *Bucket) SignedURL(ctx context.Context, key string, expiry time.Duration) (string, error) {
	return "", errNotImplemented
}

// Close implements driver.Bucket.
func (b *Bucket) Close() error { return nil }

// syncFile fsyncs f unless the bucket was opened with NoSync.
func (b *Bucket) syncFile(f *os.File) error {
	if b.noSync {
		return nil
	}
	return f.Sync()
}

// syncDir fsyncs dir unless the bucket was opened with NoSync.
func (b *Bucket) syncDir(dir string) error {
	if b.noSync {
		return nil
	}
	return syncDir(dir)
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return err // EINVAL: the filesystem cannot sync directories
	}
	return nil
}

// SyncTree fsyncs every file and directory under dir (dir included): what
// a bucket opened with NoSync needs before its objects are promised to
// outlive a crash of the machine.
func SyncTree(dir string) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return syncDir(path)
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return f.Sync()
	})
}
