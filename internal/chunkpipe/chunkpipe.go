// Package chunkpipe runs the stages of a byte stream concurrently with
// bounded memory: what one goroutine produces (a dump being scripted, a
// download being decompressed) is cut into fixed-size chunks, and each chunk
// goes to every sink (a hash, a compressor, a file) on that sink's own
// goroutine. The stages then overlap instead of taking turns, while the
// memory in flight stays at a fixed number of chunks however long the
// stream is.
package chunkpipe

import (
	"errors"
	"io"
	"sync"
	"sync/atomic"
)

// Pipe fans a stream out to its sinks. Write and ReadFrom are called from
// one goroutine; every sink sees the bytes in order, in chunks of at most
// the chunk size.
type Pipe struct {
	sinks []chan *chunk
	free  chan *chunk // chunks no sink holds any more: the memory bound
	cur   *chunk      // the chunk being filled
	wg    sync.WaitGroup
	err   atomic.Pointer[error] // the first sink error
	done  bool
}

type chunk struct {
	b       []byte
	pending atomic.Int32 // sinks that have yet to write it
}

// New starts one goroutine per sink. At most chunks buffers of chunkSize
// bytes exist at any time (at least 2: one filling, one being written).
func New(chunkSize, chunks int, sinks ...io.Writer) *Pipe {
	chunks = max(chunks, 2)
	p := &Pipe{free: make(chan *chunk, chunks)}
	for range chunks {
		p.free <- &chunk{b: make([]byte, 0, chunkSize)}
	}
	for _, w := range sinks {
		// Room for every chunk: handing a chunk to a sink never blocks,
		// only taking a free one does.
		ch := make(chan *chunk, chunks)
		p.sinks = append(p.sinks, ch)
		p.wg.Add(1)
		go p.drain(w, ch)
	}
	return p
}

// drain writes chunks to w until the channel closes. After a failure it
// keeps consuming (without writing) so the producer never waits on a dead
// sink; the producer sees the error on its next chunk.
func (p *Pipe) drain(w io.Writer, ch <-chan *chunk) {
	defer p.wg.Done()
	for c := range ch {
		if p.err.Load() == nil {
			if _, err := w.Write(c.b); err != nil {
				p.err.CompareAndSwap(nil, &err)
			}
		}
		if c.pending.Add(-1) == 0 {
			c.b = c.b[:0]
			p.free <- c
		}
	}
}

// Err is the first error a sink returned, or nil.
func (p *Pipe) Err() error {
	if e := p.err.Load(); e != nil {
		return *e
	}
	return nil
}

// next returns the chunk to fill, waiting for a free one when every chunk
// is in flight: this wait is what bounds memory.
func (p *Pipe) next() (*chunk, error) {
	if err := p.Err(); err != nil {
		return nil, err
	}
	if p.cur == nil {
		p.cur = <-p.free
	}
	return p.cur, nil
}

// send hands the current chunk to every sink.
func (p *Pipe) send() {
	c := p.cur
	p.cur = nil
	c.pending.Store(int32(len(p.sinks)))
	for _, ch := range p.sinks {
		ch <- c
	}
}

var errClosed = errors.New("chunkpipe: write after close")

// Write copies b into chunks. It returns a sink's error once one failed.
func (p *Pipe) Write(b []byte) (int, error) {
	if p.done {
		return 0, errClosed
	}
	n := 0
	for len(b) > 0 {
		c, err := p.next()
		if err != nil {
			return n, err
		}
		k := copy(c.b[len(c.b):cap(c.b)], b)
		c.b = c.b[:len(c.b)+k]
		n += k
		b = b[k:]
		if len(c.b) == cap(c.b) {
			p.send()
		}
	}
	return n, nil
}

// ReadFrom reads r to its end straight into chunks (no extra copy). A read
// error is returned as it is; a sink's error likewise.
func (p *Pipe) ReadFrom(r io.Reader) (int64, error) {
	if p.done {
		return 0, errClosed
	}
	var n int64
	for {
		c, err := p.next()
		if err != nil {
			return n, err
		}
		k, rerr := r.Read(c.b[len(c.b):cap(c.b)])
		c.b = c.b[:len(c.b)+k]
		n += int64(k)
		if len(c.b) == cap(c.b) {
			p.send()
		}
		if rerr == io.EOF {
			return n, p.Err()
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

// Close sends what is buffered, waits for every sink to write it, and
// returns the first sink error. Sinks are not closed.
func (p *Pipe) Close() error {
	if p.done {
		return p.Err()
	}
	p.done = true
	if p.cur != nil && len(p.cur.b) > 0 && p.Err() == nil {
		p.send()
	}
	for _, ch := range p.sinks {
		close(ch)
	}
	p.wg.Wait()
	return p.Err()
}

// Abort stops the sinks without handing them what is buffered, and waits
// for them: after Abort no sink is written to any more.
func (p *Pipe) Abort() {
	if p.done {
		return
	}
	p.done = true
	aborted := errors.New("chunkpipe: aborted")
	p.err.CompareAndSwap(nil, &aborted)
	for _, ch := range p.sinks {
		close(ch)
	}
	p.wg.Wait()
}
