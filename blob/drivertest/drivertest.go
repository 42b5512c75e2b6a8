// Package drivertest is the one conformance suite every blob driver passes.
// A driver's test file builds a Harness and calls RunConformanceTests; the
// tests drive the driver through the portable blob.Bucket, so they check
// exactly what the agent and the CLI rely on.
package drivertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mssqldump/mssqldump/blob"
	"github.com/mssqldump/mssqldump/blob/driver"
)

// Harness describes a driver under test.
type Harness struct {
	// NewBucket returns an empty bucket for one test, configured with
	// PartSize; it registers its own cleanup with t.Cleanup.
	NewBucket func(t testing.TB) driver.Bucket
	// PartSize is the upload part size the harness configured (for S3, the
	// 5 MiB minimum keeps the tests quick). 0 means the driver has no parts;
	// the suite then uses 1 MiB as the "part" for its sizes.
	PartSize int64
	// SignedURLs is true when the driver can make signed GET URLs.
	SignedURLs bool
}

// RunConformanceTests runs the suite against h.
func RunConformanceTests(t *testing.T, h Harness) {
	if h.PartSize == 0 {
		h.PartSize = 1 << 20
	}
	tests := []struct {
		name string
		fn   func(*testing.T, Harness)
	}{
		{"TestRoundTripAtEverySize", testRoundTripAtEverySize},
		{"TestContentTypeAndMetadataAreKept", testContentTypeAndMetadataAreKept},
		{"TestOverwriteReplacesObject", testOverwriteReplacesObject},
		{"TestObjectInvisibleUntilClose", testObjectInvisibleUntilClose},
		{"TestCanceledWriteLeavesNothing", testCanceledWriteLeavesNothing},
		{"TestCanceledWriteKeepsPreviousObject", testCanceledWriteKeepsPreviousObject},
		{"TestWriteAfterCancelFails", testWriteAfterCancelFails},
		{"TestCreateIfAbsentKeepsFirstObject", testCreateIfAbsentKeepsFirstObject},
		{"TestConcurrentCreateIfAbsentHasOneWinner", testConcurrentCreateIfAbsentHasOneWinner},
		{"TestMissingKeyIsNotFound", testMissingKeyIsNotFound},
		{"TestDeleteRemovesObject", testDeleteRemovesObject},
		{"TestOddKeysRoundTrip", testOddKeysRoundTrip},
		{"TestInvalidKeysAreRejected", testInvalidKeysAreRejected},
		{"TestConcurrentWriteAndReadNeverShowsPartialObject", testConcurrentWriteAndReadNeverShowsPartialObject},
		{"TestCloseTwiceKeepsObject", testCloseTwiceKeepsObject},
		{"TestSignedURL", testSignedURL},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, h) })
	}
}

func open(t *testing.T, h Harness) *blob.Bucket {
	t.Helper()
	b := blob.NewBucket(h.NewBucket(t))
	t.Cleanup(func() { b.Close() })
	return b
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// payload returns n pseudo-random bytes that differ per seed.
func payload(n int64, seed uint64) []byte {
	p := make([]byte, n)
	r := rand.New(rand.NewPCG(seed, uint64(n)^0x9e3779b97f4a7c15))
	for i := 0; i < len(p); i += 8 {
		v := r.Uint64()
		for j := 0; j < 8 && i+j < len(p); j++ {
			p[i+j] = byte(v >> (8 * j))
		}
	}
	return p
}

// writeChunked streams p through a Writer in uneven chunks, as a
// compressor would, and closes it.
func writeChunked(ctx context.Context, b *blob.Bucket, key string, p []byte, opts *blob.WriterOptions) error {
	w, err := b.NewWriter(ctx, key, opts)
	if err != nil {
		return err
	}
	const chunk = 300_007
	for off := 0; off < len(p); off += chunk {
		if _, err := w.Write(p[off:min(off+chunk, len(p))]); err != nil {
			w.Close()
			return err
		}
	}
	return w.Close()
}

func mustRead(t *testing.T, ctx context.Context, b *blob.Bucket, key string) []byte {
	t.Helper()
	got, err := b.ReadAll(ctx, key)
	if err != nil {
		t.Fatalf("ReadAll(%q): %v", key, err)
	}
	return got
}

func assertSame(t *testing.T, what string, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Fatalf("%s: got %d bytes, want %d bytes (contents differ)", what, len(got), len(want))
	}
}

func assertMissing(t *testing.T, ctx context.Context, b *blob.Bucket, key string) {
	t.Helper()
	if ok, err := b.Exists(ctx, key); err != nil || ok {
		t.Fatalf("Exists(%q) = %v, %v; want false, nil", key, ok, err)
	}
	if _, err := b.NewReader(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("NewReader(%q) error = %v; want ErrNotFound", key, err)
	}
}

func testRoundTripAtEverySize(t *testing.T, h Harness) {
	ps := h.PartSize
	sizes := []struct {
		name string
		n    int64
	}{
		{"0B", 0},
		{"1B", 1},
		{"JustUnderOnePart", ps - 1},
		{"ExactlyOnePart", ps},
		{"JustOverOnePart", ps + 1},
		{"SeveralParts", 3*ps + ps/2},
	}
	b := open(t, h)
	for i, sz := range sizes {
		t.Run(sz.name, func(t *testing.T) {
			ctx := ctxFor(t)
			key := "round-trip/" + sz.name
			want := payload(sz.n, uint64(i))
			if err := writeChunked(ctx, b, key, want, nil); err != nil {
				t.Fatalf("write %d bytes: %v", sz.n, err)
			}
			attrs, err := b.Stat(ctx, key)
			if err != nil {
				t.Fatalf("Stat: %v", err)
			}
			if attrs.Size != sz.n {
				t.Errorf("Stat size = %d, want %d", attrs.Size, sz.n)
			}
			if attrs.ContentType != blob.DefaultContentType {
				t.Errorf("Stat content type = %q, want %q", attrs.ContentType, blob.DefaultContentType)
			}
			if attrs.ModTime.IsZero() {
				t.Error("Stat ModTime is zero")
			}
			r, err := b.NewReader(ctx, key)
			if err != nil {
				t.Fatalf("NewReader: %v", err)
			}
			defer r.Close()
			if r.Size() != sz.n {
				t.Errorf("Reader.Size = %d, want %d", r.Size(), sz.n)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("read: %v", err)
			}
			assertSame(t, "streamed read", got, want)
		})
	}
}

func testContentTypeAndMetadataAreKept(t *testing.T, h Harness) {
	b, ctx := open(t, h), ctxFor(t)
	opts := &blob.WriterOptions{
		ContentType: "application/json",
		Metadata:    map[string]string{"sha256": "abc123", "job-id": "42"},
	}
	if err := b.WriteAll(ctx, "m/manifest.json", []byte(`{}`), opts); err != nil {
		t.Fatal(err)
	}
	attrs, err := b.Stat(ctx, "m/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if attrs.ContentType != "application/json" {
		t.Errorf("content type = %q, want application/json", attrs.ContentType)
	}
	for k, v := range opts.Metadata {
		if attrs.Metadata[k] != v {
			t.Errorf("metadata[%q] = %q, want %q (all: %v)", k, attrs.Metadata[k], v, attrs.Metadata)
		}
	}
	// Overwriting without metadata must not keep the old metadata.
	if err := b.WriteAll(ctx, "m/manifest.json", []byte(`{}`), nil); err != nil {
		t.Fatal(err)
	}
	attrs, err = b.Stat(ctx, "m/manifest.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(attrs.Metadata) != 0 || attrs.ContentType != blob.DefaultContentType {
		t.Errorf("after overwrite: content type %q, metadata %v; want defaults", attrs.ContentType, attrs.Metadata)
	}
}

func testOverwriteReplacesObject(t *testing.T, h Harness) {
	b, ctx := open(t, h), ctxFor(t)
	first, second := payload(h.PartSize+10, 1), payload(100, 2)
	if err := writeChunked(ctx, b, "o/key", first, nil); err != nil {
		t.Fatal(err)
	}
	if err := writeChunked(ctx, b, "o/key", second, nil); err != nil {
		t.Fatal(err)
	}
	assertSame(t, "after overwrite", mustRead(t, ctx, b, "o/key"), second)
}

func testObjectInvisibleUntilClose(t *testing.T, h Harness) {
	b, ctx := open(t, h), ctxFor(t)
	want := payload(h.PartSize+1, 3)
	w, err := b.NewWriter(ctx, "inv/key", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(want); err != nil {
		t.Fatal(err)
	}
	assertMissing(t, ctx, b, "inv/key")
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	assertSame(t, "after Close", mustRead(t, ctx, b, "inv/key"), want)
}

// canceledWrite writes n bytes to key, cancels the context, and checks that
// Close fails with context.Canceled.
func canceledWrite(t *testing.T, b *blob.Bucket, key string, n int64) {
	t.Helper()
	ctx, cancel := context.WithCancel(ctxFor(t))
	w, err := b.NewWriter(ctx, key, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(payload(n, 9)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := w.Close(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Close after cancel = %v; want an error matching context.Canceled", err)
	}
}

func testCanceledWriteLeavesNothing(t *testing.T, h Harness) {
	b := open(t, h)
	for _, n := range []int64{0, 10, 2*h.PartSize + 5} {
		key := fmt.Sprintf("cancel/%d", n)
		canceledWrite(t, b, key, n)
		assertMissing(t, ctxFor(t), b, key)
	}
}

func testCanceledWriteKeepsPreviousObject(t *testing.T, h Harness) {
	b, ctx := open(t, h), ctxFor(t)
	prev := payload(1000, 4)
	if err := b.WriteAll(ctx, "cancel/prev", prev, nil); err != nil {
		t.Fatal(err)
	}
	canceledWrite(t, b, "cancel/prev", 2*h.PartSize+5)
	assertSame(t, "previous object", mustRead(t, ctx, b, "cancel/prev"), prev)
}

func testWriteAfterCancelFails(t *testing.T, h Harness) {
	b := open(t, h)
	ctx, cancel := context.WithCancel(ctxFor(t))
	w, err := b.NewWriter(ctx, "cancel/write", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("some")); err != nil {
		t.Fatal(err)
	}
	cancel()
	_, err1 := w.Write([]byte("more"))
	_, err2 := w.Write([]byte("again"))
	if !errors.Is(err1, context.Canceled) || !errors.Is(err2, context.Canceled) {
		t.Fatalf("Write after cancel = %v, then %v; want context.Canceled both times (sticky)", err1, err2)
	}
	if err := w.Close(); !errors.Is(err, context.Canceled) {
		t.Fatalf("Close = %v; want context.Canceled", err)
	}
	assertMissing(t, ctxFor(t), b, "cancel/write")
}

func testCreateIfAbsentKeepsFirstObject(t *testing.T, h Harness) {
	b, ctx := open(t, h), ctxFor(t)
	ifAbsent := &blob.WriterOptions{IfNotExists: true}
	first := payload(100, 5)
	if err := b.WriteAll(ctx, "create/manifest", first, ifAbsent); err != nil {
		t.Fatalf("first create-if-absent write: %v", err)
	}
	for _, n := range []int64{50, 2*h.PartSize + 1} {
		err := writeChunked(ctx, b, "create/manifest", payload(n, 6), ifAbsent)
		if !errors.Is(err, blob.ErrExists) {
			t.Fatalf("second create-if-absent write of %d bytes = %v; want ErrExists", n, err)
		}
	}
	assertSame(t, "first object", mustRead(t, ctx, b, "create/manifest"), first)
	// Create-if-absent on a new key is an ordinary write.
	if err := b.WriteAll(ctx, "create/other", first, ifAbsent); err != nil {
		t.Fatalf("create-if-absent on a new key: %v", err)
	}
}

func testConcurrentCreateIfAbsentHasOneWinner(t *testing.T, h Harness) {
	b := open(t, h)
	// Small objects go up in one request; large ones as multipart uploads
	// whose completion must carry the precondition.
	for _, size := range []int64{1000, h.PartSize + 1} {
		t.Run(fmt.Sprintf("%dB", size), func(t *testing.T) {
			ctx := ctxFor(t)
			key := fmt.Sprintf("race/%d/manifest", size)
			const n = 4
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Go(func() {
					errs[i] = writeChunked(ctx, b, key, payload(size, uint64(100+i)),
						&blob.WriterOptions{IfNotExists: true})
				})
			}
			wg.Wait()
			winner := -1
			for i, err := range errs {
				switch {
				case err == nil && winner >= 0:
					t.Fatalf("writers %d and %d both won", winner, i)
				case err == nil:
					winner = i
				case !errors.Is(err, blob.ErrExists):
					t.Fatalf("writer %d: %v; want nil or ErrExists", i, err)
				}
			}
			if winner < 0 {
				t.Fatal("no writer won")
			}
			assertSame(t, "winner's object", mustRead(t, ctx, b, key), payload(size, uint64(100+winner)))
		})
	}
}

func testMissingKeyIsNotFound(t *testing.T, h Harness) {
	b, ctx := open(t, h), ctxFor(t)
	const key = "missing/key"
	if _, err := b.NewReader(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("NewReader = %v; want ErrNotFound", err)
	}
	if _, err := b.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat = %v; want ErrNotFound", err)
	}
	if err := b.Delete(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Delete = %v; want ErrNotFound", err)
	}
	if _, err := b.ReadAll(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("ReadAll = %v; want ErrNotFound", err)
	}
	if ok, err := b.Exists(ctx, key); ok || err != nil {
		t.Errorf("Exists = %v, %v; want false, nil", ok, err)
	}
	// A "directory" holding other keys is not an object either.
	if err := b.WriteAll(ctx, "missing/dir/child", []byte("x"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Stat(ctx, "missing/dir"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat of a key prefix = %v; want ErrNotFound", err)
	}
	if err := b.Delete(ctx, "missing/dir"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Delete of a key prefix = %v; want ErrNotFound", err)
	}
}

func testDeleteRemovesObject(t *testing.T, h Harness) {
	b, ctx := open(t, h), ctxFor(t)
	if err := b.WriteAll(ctx, "del/key", []byte("x"), &blob.WriterOptions{ContentType: "text/plain"}); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "del/key"); err != nil {
		t.Fatal(err)
	}
	assertMissing(t, ctx, b, "del/key")
	// A new object at the same key starts from the defaults.
	if err := b.WriteAll(ctx, "del/key", []byte("y"), nil); err != nil {
		t.Fatal(err)
	}
	if a, err := b.Stat(ctx, "del/key"); err != nil || a.ContentType != blob.DefaultContentType {
		t.Fatalf("Stat after re-create = %+v, %v", a, err)
	}
}

func testOddKeysRoundTrip(t *testing.T, h Harness) {
	b, ctx := open(t, h), ctxFor(t)
	keys := []string{
		"with space/and more spaces.sql",
		"ünïcödé/日本語/файл.sql",
		`quotes/'single' and "double"`,
		"deep/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/dump.sql",
		"symbols/100%/a+b=c&d?e#f;g,h@i!j~k(l)[m]{n}",
		".hidden/.dotfile",
		"back\\slash/x",
		"emoji/💾.sql",
		strings.Repeat("long-segment-", 15) + "/x",
	}
	for i, key := range keys {
		want := []byte(fmt.Sprintf("object %d at %q", i, key))
		if err := b.WriteAll(ctx, key, want, nil); err != nil {
			t.Errorf("WriteAll(%q): %v", key, err)
			continue
		}
		got, err := b.ReadAll(ctx, key)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("ReadAll(%q) = %q, %v; want %q", key, got, err, want)
		}
		if a, err := b.Stat(ctx, key); err != nil || a.Size != int64(len(want)) {
			t.Errorf("Stat(%q) = %+v, %v", key, a, err)
		}
	}
	for _, key := range keys {
		if err := b.Delete(ctx, key); err != nil {
			t.Errorf("Delete(%q): %v", key, err)
		}
		if ok, err := b.Exists(ctx, key); ok || err != nil {
			t.Errorf("Exists(%q) after Delete = %v, %v", key, ok, err)
		}
	}
}

func testInvalidKeysAreRejected(t *testing.T, h Harness) {
	b, ctx := open(t, h), ctxFor(t)
	for _, key := range []string{"", "/abs", "dir/", "a//b", "../escape", "a/../b", "a/./b", ".", "nul\x00", "nl\nx", strings.Repeat("k", blob.MaxKeyLen+1)} {
		if err := b.WriteAll(ctx, key, []byte("x"), nil); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("WriteAll(%q) = %v; want ErrInvalidKey", key, err)
		}
		if _, err := b.NewReader(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("NewReader(%q) = %v; want ErrInvalidKey", key, err)
		}
	}
}

// testConcurrentWriteAndReadNeverShowsPartialObject overwrites one key with
// complete versions (every byte of version v is v) while readers read it:
// each read must be NotFound (before the first version) or one whole
// version.
func testConcurrentWriteAndReadNeverShowsPartialObject(t *testing.T, h Harness) {
	b, ctx := open(t, h), ctxFor(t)
	const key = "concurrent/dump.sql"
	size := h.PartSize + h.PartSize/2
	const versions = 5
	var wg sync.WaitGroup
	done := make(chan struct{})
	wg.Go(func() {
		defer close(done)
		for v := 1; v <= versions; v++ {
			if err := writeChunked(ctx, b, key, bytes.Repeat([]byte{byte(v)}, int(size)), nil); err != nil {
				t.Errorf("write version %d: %v", v, err)
				return
			}
		}
	})
	var mu sync.Mutex
	seen := map[byte]bool{}
	for range 2 {
		wg.Go(func() {
			for {
				select {
				case <-done:
					return
				default:
				}
				got, err := b.ReadAll(ctx, key)
				if errors.Is(err, blob.ErrNotFound) {
					continue
				}
				if err != nil {
					t.Errorf("read during writes: %v", err)
					return
				}
				if int64(len(got)) != size {
					t.Errorf("read %d bytes, want %d: a partial object was visible", len(got), size)
					return
				}
				if size > 0 && bytes.Count(got, got[:1]) != len(got) {
					t.Errorf("read mixes versions: starts with version %d but other bytes follow", got[0])
					return
				}
				mu.Lock()
				seen[got[0]] = true
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	got := mustRead(t, ctx, b, key)
	if int64(len(got)) != size || bytes.Count(got, []byte{versions}) != len(got) {
		t.Fatalf("final object is not version %d", versions)
	}
	t.Logf("readers saw versions %v", seen)
}

func testCloseTwiceKeepsObject(t *testing.T, h Harness) {
	b, ctx := open(t, h), ctxFor(t)
	w, err := b.NewWriter(ctx, "twice/key", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); !errors.Is(err, blob.ErrClosed) {
		t.Fatalf("second Close = %v; want ErrClosed", err)
	}
	if _, err := w.Write([]byte("x")); !errors.Is(err, blob.ErrClosed) {
		t.Fatalf("Write after Close = %v; want ErrClosed", err)
	}
	assertSame(t, "object", mustRead(t, ctx, b, "twice/key"), []byte("hello"))
}

func testSignedURL(t *testing.T, h Harness) {
	b, ctx := open(t, h), ctxFor(t)
	want := []byte("signed content")
	if err := b.WriteAll(ctx, "signed/a b.sql", want, nil); err != nil {
		t.Fatal(err)
	}
	u, err := b.SignedURL(ctx, "signed/a b.sql", time.Minute)
	if !h.SignedURLs {
		if !errors.Is(err, blob.ErrNotImplemented) {
			t.Fatalf("SignedURL = %q, %v; want ErrNotImplemented", u, err)
		}
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET signed URL: %s: %s", resp.Status, got)
	}
	assertSame(t, "signed GET", got, want)
}
