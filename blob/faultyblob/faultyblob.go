// Package faultyblob is a fault-injecting blob driver for tests, in the
// shape of kopia's internal/blobtesting/faulty.go: it wraps any driver and
// makes chosen calls fail, so that tests of the agent and the CLI can check
// "a blob write fails: a clear error, no partial object" against a real
// driver underneath.
//
//	faulty := faultyblob.New(fileDriver, faultyblob.Fault{Op: faultyblob.OpWrite, After: 3, Err: io.ErrShortWrite})
//	bucket := blob.NewBucket(faulty)
//
// A failed Write or Close aborts the wrapped driver's upload (through the
// driver contract: its context is canceled before its Close), so what the
// test observes afterwards is the real driver's behavior.
package faultyblob

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/driver"
)

// Op names a driver call that can fail.
type Op string

// The calls a Fault can target.
const (
	OpNewWriter  Op = "NewWriter"
	OpWrite      Op = "Write"
	OpClose      Op = "Close" // the Writer's commit
	OpNewReader  Op = "NewReader"
	OpRead       Op = "Read"
	OpAttributes Op = "Attributes"
	OpDelete     Op = "Delete"
	OpSignedURL  Op = "SignedURL"
)

// Fault makes calls of Op fail.
type Fault struct {
	Op Op
	// Key restricts the fault to calls for this key ("" matches any key).
	Key string
	// KeyPrefix restricts the fault to keys that start with it (keys that
	// hold a random part, such as the agents' script objects).
	KeyPrefix string
	// After lets this many matching calls succeed before the fault fires.
	After int
	// Times is how many matching calls fail once the fault fires; 0 means
	// once, a negative value means every call from then on.
	Times int
	// Err is the error returned (wrapped in *InjectedError).
	Err error
	// Code classifies Err; driver.Unknown lets the wrapped driver classify
	// it (so a raw syscall.ECONNREFUSED still reads as unavailable).
	Code driver.ErrorCode
	// Delay is slept before failing (or, with Err nil, before the call
	// proceeds), for timeouts and races.
	Delay time.Duration
}

// InjectedError is the error a fault returns.
type InjectedError struct {
	Op   Op
	Key  string
	Err  error
	Code driver.ErrorCode
}

func (e *InjectedError) Error() string {
	return fmt.Sprintf("faultyblob: injected %s failure for %q: %v", e.Op, e.Key, e.Err)
}

// Unwrap returns the fault's error.
func (e *InjectedError) Unwrap() error { return e.Err }

type fault struct {
	Fault
	seen  int // matching calls so far
	fired int // failures returned
}

// Bucket wraps a driver.Bucket and injects faults.
type Bucket struct {
	inner driver.Bucket

	mu     sync.Mutex
	faults []*fault
	calls  map[Op]int
}

// New wraps inner with the given faults.
func New(inner driver.Bucket, faults ...Fault) *Bucket {
	b := &Bucket{inner: inner, calls: map[Op]int{}}
	for _, f := range faults {
		b.AddFault(f)
	}
	return b
}

// Wrap returns a portable bucket over the same driver as b, with faults.
func Wrap(b *blob.Bucket, faults ...Fault) (*blob.Bucket, *Bucket) {
	f := New(b.Driver(), faults...)
	return blob.NewBucket(f), f
}

// AddFault adds a fault; faults are checked in the order added.
func (b *Bucket) AddFault(f Fault) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.faults = append(b.faults, &fault{Fault: f})
}

// Calls returns how many times op was called (failed calls included).
func (b *Bucket) Calls(op Op) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.calls[op]
}

// check counts a call and returns the injected error, if a fault fires.
func (b *Bucket) check(op Op, key string) error {
	b.mu.Lock()
	b.calls[op]++
	var hit *fault
	for _, f := range b.faults {
		if f.Op != op || (f.Key != "" && f.Key != key) || !strings.HasPrefix(key, f.KeyPrefix) {
			continue
		}
		f.seen++
		times := f.Times
		if times == 0 {
			times = 1
		}
		if f.seen > f.After && (times < 0 || f.fired < times) {
			f.fired++
			hit = f
			break
		}
	}
	b.mu.Unlock()
	if hit == nil {
		return nil
	}
	if hit.Delay > 0 {
		time.Sleep(hit.Delay)
	}
	if hit.Err == nil {
		return nil
	}
	return &InjectedError{Op: op, Key: key, Err: hit.Err, Code: hit.Code}
}

// ErrorCode implements driver.Bucket.
func (b *Bucket) ErrorCode(err error) driver.ErrorCode {
	var ie *InjectedError
	if errors.As(err, &ie) {
		if ie.Code != driver.Unknown {
			return ie.Code
		}
		return b.inner.ErrorCode(ie.Err)
	}
	return b.inner.ErrorCode(err)
}

// NewTypedWriter implements driver.Bucket.
func (b *Bucket) NewTypedWriter(ctx context.Context, key string, opts *driver.WriterOptions) (driver.Writer, error) {
	if err := b.check(OpNewWriter, key); err != nil {
		return nil, err
	}
	// The inner writer gets its own cancelable context: an injected Close
	// failure aborts it the way the driver contract defines an abort.
	ictx, cancel := context.WithCancel(ctx)
	w, err := b.inner.NewTypedWriter(ictx, key, opts)
	if err != nil {
		cancel()
		return nil, err
	}
	return &writer{b: b, key: key, w: w, cancel: cancel}, nil
}

type writer struct {
	b      *Bucket
	key    string
	w      driver.Writer
	cancel context.CancelFunc
}

func (w *writer) Write(p []byte) (int, error) {
	if err := w.b.check(OpWrite, w.key); err != nil {
		return 0, err
	}
	return w.w.Write(p)
}

func (w *writer) Close() error {
	defer w.cancel()
	if err := w.b.check(OpClose, w.key); err != nil {
		w.cancel()
		_ = w.w.Close() // aborts: its context is canceled
		return err
	}
	return w.w.Close()
}

// NewReader implements driver.Bucket.
func (b *Bucket) NewReader(ctx context.Context, key string) (driver.Reader, error) {
	if err := b.check(OpNewReader, key); err != nil {
		return nil, err
	}
	r, err := b.inner.NewReader(ctx, key)
	if err != nil {
		return nil, err
	}
	return &reader{Reader: r, b: b, key: key}, nil
}

type reader struct {
	driver.Reader
	b   *Bucket
	key string
}

func (r *reader) Read(p []byte) (int, error) {
	if err := r.b.check(OpRead, r.key); err != nil {
		return 0, err
	}
	return r.Reader.Read(p)
}

// Attributes implements driver.Bucket.
func (b *Bucket) Attributes(ctx context.Context, key string) (*driver.Attributes, error) {
	if err := b.check(OpAttributes, key); err != nil {
		return nil, err
	}
	return b.inner.Attributes(ctx, key)
}

// Delete implements driver.Bucket.
func (b *Bucket) Delete(ctx context.Context, key string) error {
	if err := b.check(OpDelete, key); err != nil {
		return err
	}
	return b.inner.Delete(ctx, key)
}

// SignedURL implements driver.Bucket.
func (b *Bucket) SignedURL(ctx context.Context, key string, expiry time.Duration) (string, error) {
	if err := b.check(OpSignedURL, key); err != nil {
		return "", err
	}
	return b.inner.SignedURL(ctx, key, expiry)
}

// Close implements driver.Bucket.
func (b *Bucket) Close() error { return b.inner.Close() }
