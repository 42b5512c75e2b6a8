package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"sync/atomic"
	"time"

	"github.com/mssqldump/mssqldump/blob/driver"
)

// DefaultContentType is stored when WriterOptions.ContentType is empty.
const DefaultContentType = driver.DefaultContentType

// WriterOptions controls a write. The zero value (or nil) overwrites any
// existing object.
type WriterOptions struct {
	// IfNotExists makes the write create-if-absent: when an object already
	// exists at the key, Close fails with an error matching ErrExists and the
	// existing object is kept unchanged. Exactly one of several concurrent
	// create-if-absent writers of the same key succeeds.
	IfNotExists bool
	// ContentType is stored with the object (default DefaultContentType).
	ContentType string
	// Metadata is stored with the object. Keys must be lower-case ASCII
	// letters, digits and '-' (the subset every backend keeps verbatim).
	Metadata map[string]string
}

// Attributes describes a stored object.
type Attributes struct {
	Size        int64
	ModTime     time.Time
	ETag        string
	ContentType string
	Metadata    map[string]string
}

// Bucket is the portable object store. It is safe for concurrent use.
type Bucket struct {
	d      driver.Bucket
	closed atomic.Bool
}

// NewBucket wraps a driver. Applications normally use OpenBucket; tests and
// decorators (such as blob/faultyblob) use NewBucket.
func NewBucket(d driver.Bucket) *Bucket { return &Bucket{d: d} }

// Driver returns the underlying driver, for decorators that wrap it.
func (b *Bucket) Driver() driver.Bucket { return b.d }

func (b *Bucket) check(key string) error {
	if b.closed.Load() {
		return ErrClosed
	}
	return ValidateKey(key)
}

// NewWriter starts writing key. The object becomes visible only when the
// returned Writer's Close returns nil; cancelling ctx before that aborts the
// write and leaves nothing behind (a previous object at key is kept).
func (b *Bucket) NewWriter(ctx context.Context, key string, opts *WriterOptions) (*Writer, error) {
	if err := b.check(key); err != nil {
		return nil, err
	}
	dopts := &driver.WriterOptions{ContentType: DefaultContentType}
	if opts != nil {
		if err := validateMetadata(opts.Metadata); err != nil {
			return nil, err
		}
		dopts.IfNotExists = opts.IfNotExists
		if opts.ContentType != "" {
			dopts.ContentType = opts.ContentType
		}
		dopts.Metadata = maps.Clone(opts.Metadata)
	}
	if err := ctx.Err(); err != nil {
		return nil, wrap(b.d, "NewWriter", key, err)
	}
	wctx, cancel := context.WithCancel(ctx)
	dw, err := b.d.NewTypedWriter(wctx, key, dopts)
	if err != nil {
		cancel()
		return nil, wrap(b.d, "NewWriter", key, err)
	}
	return &Writer{b: b, key: key, ctx: wctx, cancel: cancel, w: dw}, nil
}

func validateMetadata(md map[string]string) error {
	for k, v := range md {
		if k == "" {
			return errors.New("blob: empty metadata key")
		}
		for _, r := range k {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				return fmt.Errorf("blob: metadata key %q: use lower-case ASCII letters, digits and '-'", k)
			}
		}
		for _, r := range v {
			if r < 0x20 || r >= 0x7f {
				return fmt.Errorf("blob: metadata %q: value must be printable ASCII", k)
			}
		}
	}
	return nil
}

// NewReader opens key for reading. A missing key gives an error matching
// ErrNotFound. The reader sees one complete version of the object, even when
// the key is overwritten while it reads.
func (b *Bucket) NewReader(ctx context.Context, key string) (*Reader, error) {
	if err := b.check(key); err != nil {
		return nil, err
	}
	dr, err := b.d.NewReader(ctx, key)
	if err != nil {
		return nil, wrap(b.d, "NewReader", key, err)
	}
	return &Reader{b: b, key: key, r: dr}, nil
}

// Stat returns the attributes of key, or an error matching ErrNotFound.
func (b *Bucket) Stat(ctx context.Context, key string) (*Attributes, error) {
	if err := b.check(key); err != nil {
		return nil, err
	}
	a, err := b.d.Attributes(ctx, key)
	if err != nil {
		return nil, wrap(b.d, "Stat", key, err)
	}
	return fromDriverAttributes(a), nil
}

func fromDriverAttributes(a *driver.Attributes) *Attributes {
	return &Attributes{
		Size:        a.Size,
		ModTime:     a.ModTime,
		ETag:        a.ETag,
		ContentType: a.ContentType,
		Metadata:    maps.Clone(a.Metadata),
	}
}

// Exists reports whether key exists.
func (b *Bucket) Exists(ctx context.Context, key string) (bool, error) {
	_, err := b.Stat(ctx, key)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, ErrNotFound):
		return false, nil
	default:
		return false, err
	}
}

// Delete removes key. A missing key gives an error matching ErrNotFound.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	if err := b.check(key); err != nil {
		return err
	}
	return wrap(b.d, "Delete", key, b.d.Delete(ctx, key))
}

// WriteAll writes p to key in one atomic write.
func (b *Bucket) WriteAll(ctx context.Context, key string, p []byte, opts *WriterOptions) error {
	w, err := b.NewWriter(ctx, key, opts)
	if err != nil {
		return err
	}
	if _, err := w.Write(p); err != nil {
		_ = w.Close() // aborts; the Write error is the one to report
		return err
	}
	return w.Close()
}

// ReadAll reads the whole object at key.
func (b *Bucket) ReadAll(ctx context.Context, key string) ([]byte, error) {
	r, err := b.NewReader(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	buf := make([]byte, 0, max(r.Size(), 0)+1) // +1 so ReadAll sees EOF without growing
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
	}
}

// SignedURL returns a URL that lets anyone GET key until expiry, or an error
// matching ErrNotImplemented when the driver has no such URLs.
func (b *Bucket) SignedURL(ctx context.Context, key string, expiry time.Duration) (string, error) {
	if err := b.check(key); err != nil {
		return "", err
	}
	if expiry <= 0 {
		return "", fmt.Errorf("blob: SignedURL %q: expiry must be positive, got %v", key, expiry)
	}
	u, err := b.d.SignedURL(ctx, key, expiry)
	if err != nil {
		return "", wrap(b.d, "SignedURL", key, err)
	}
	return u, nil
}

// Close releases the bucket. Writers still open must be closed first.
func (b *Bucket) Close() error {
	if b.closed.Swap(true) {
		return ErrClosed
	}
	return wrap(b.d, "Close", "", b.d.Close())
}
