package chunkpipe

import (
	"bytes"
	"errors"
	"io"
	"sync/atomic"
	"testing"
	"time"
)

func stream(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func TestEverySinkReceivesTheWholeStreamInOrderWhateverTheWriteSizes(t *testing.T) {
	data := stream(1<<20 + 12345)
	for _, step := range []int{1, 1000, 4096, 70000, len(data)} {
		var a, b bytes.Buffer
		p := New(4096, 3, &a, &b)
		for rest := data; len(rest) > 0; {
			k := min(step, len(rest))
			if n, err := p.Write(rest[:k]); err != nil || n != k {
				t.Fatalf("step %d: wrote %d of %d: %v", step, n, k, err)
			}
			rest = rest[k:]
		}
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), data) || !bytes.Equal(b.Bytes(), data) {
			t.Fatalf("step %d: sinks got %d and %d bytes of %d, or other bytes", step, a.Len(), b.Len(), len(data))
		}
	}
}

// smallReads returns at most 3 bytes per Read, like a slow socket.
type smallReads struct{ r io.Reader }

func (s smallReads) Read(b []byte) (int, error) { return s.r.Read(b[:min(len(b), 3)]) }

func TestReadFromPassesTheReaderToEverySinkAndCountsIt(t *testing.T) {
	data := stream(100000)
	var a, b bytes.Buffer
	p := New(1000, 2, &a, &b)
	n, err := p.ReadFrom(smallReads{bytes.NewReader(data)})
	if err != nil || n != int64(len(data)) {
		t.Fatalf("read %d, %v", n, err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), data) || !bytes.Equal(b.Bytes(), data) {
		t.Fatal("a sink got other bytes")
	}
}

type failAfter struct {
	n   int
	err error
}

func (f *failAfter) Write(b []byte) (int, error) {
	if f.n -= len(b); f.n < 0 {
		return 0, f.err
	}
	return len(b), nil
}

func TestASinkErrorReachesTheProducerAndTheOtherSinksStillDrain(t *testing.T) {
	boom := errors.New("disk full")
	var ok bytes.Buffer
	p := New(100, 2, &ok, &failAfter{n: 250, err: boom})
	var err error
	for i := 0; i < 1000 && err == nil; i++ {
		_, err = p.Write(make([]byte, 50))
	}
	if !errors.Is(err, boom) {
		t.Fatalf("Write returned %v, want the sink's error", err)
	}
	if cerr := p.Close(); !errors.Is(cerr, boom) {
		t.Fatalf("Close returned %v", cerr)
	}
}

func TestAReadErrorIsReturnedAsItIs(t *testing.T) {
	broken := errors.New("connection reset")
	p := New(100, 2, io.Discard)
	_, err := p.ReadFrom(io.MultiReader(bytes.NewReader(stream(500)), errReader{broken}))
	if !errors.Is(err, broken) {
		t.Fatalf("got %v", err)
	}
	p.Abort()
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// gate blocks every Write until opened.
type gate struct {
	open    chan struct{}
	written atomic.Int64
}

func (g *gate) Write(b []byte) (int, error) {
	<-g.open
	g.written.Add(int64(len(b)))
	return len(b), nil
}

func TestAStalledSinkStopsTheProducerAfterTheChunkBudget(t *testing.T) {
	g := &gate{open: make(chan struct{})}
	p := New(1000, 4, g)
	var accepted atomic.Int64
	done := make(chan error, 1)
	go func() {
		for range 100 {
			n, err := p.Write(make([]byte, 500))
			accepted.Add(int64(n))
			if err != nil {
				done <- err
				return
			}
		}
		done <- p.Close()
	}()
	time.Sleep(100 * time.Millisecond)
	// Four chunks of 1000 bytes exist; the producer can fill them all
	// (one is held by the stalled Write) and then must wait.
	if a := accepted.Load(); a > 4*1000+500 {
		t.Fatalf("the producer got %d bytes past a stalled sink; the budget is 4 chunks of 1000", a)
	}
	close(g.open)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if g.written.Load() != 100*500 {
		t.Fatalf("sink got %d bytes", g.written.Load())
	}
}

func TestAbortStopsWritingWhatIsBuffered(t *testing.T) {
	var a bytes.Buffer
	p := New(1000, 2, &a)
	if _, err := p.Write([]byte("partial")); err != nil {
		t.Fatal(err)
	}
	p.Abort()
	if a.Len() != 0 {
		t.Fatalf("the sink got %q after Abort", a.Bytes())
	}
	if _, err := p.Write([]byte("x")); err == nil {
		t.Fatal("Write after Abort succeeded")
	}
}
