package repo

import (
	"bytes"

	"github.com/cespare/xxhash/v2"
)

// maxPartSize caps a part: a batch longer than this (a huge module, or a
// dump with a large --max-insert-bytes) is cut at a line end. It bounds the
// memory a backup holds per part (the part, its base, and their compressed
// forms).
const maxPartSize = 4 << 20

// splitter cuts a script stream into parts after each batch separator line
// ("GO"). The scripter ends every object's DDL and every INSERT statement
// with one, and places INSERT boundaries by key content, so the parts of two
// dumps of a slightly changed database are mostly byte-identical and the
// rest line up by name.
type splitter struct {
	cur        []byte
	lineStart  int // offset in cur of the line being scanned
	batchStart int // offset in cur of the batch being scanned
	emit       func(part []byte) error
	err        error
}

// INSERT batches average a quarter of the row cap (250 rows, some 30 KiB),
// and every part costs its index entry and a compressed frame of its own;
// consecutive INSERT batches are therefore grouped into parts of about
// groupBatches batches. The group ends after a batch whose name (table and
// first key, content-defined like the batch itself) hashes to 0 mod
// groupBatches, so that an inserted or deleted row still moves at most the
// groups around it. DDL batches are parts of their own.
const (
	groupBatches  = 4
	maxGroupBytes = 1 << 20
)

func newSplitter(emit func([]byte) error) *splitter {
	return &splitter{cur: make([]byte, 0, 256<<10), emit: emit}
}

func (s *splitter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n := len(p)
	for len(p) > 0 {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			s.cur = append(s.cur, p...)
			p = nil
		} else {
			s.cur = append(s.cur, p[:i+1]...)
			p = p[i+1:]
			line := s.cur[s.lineStart:]
			s.lineStart = len(s.cur)
			if isSeparator(line) {
				batch := s.cur[s.batchStart:]
				s.batchStart = len(s.cur)
				if endsGroup(batch) || len(s.cur) >= maxGroupBytes {
					if s.err = s.cut(len(s.cur)); s.err != nil {
						return 0, s.err
					}
				}
				continue
			}
		}
		if len(s.cur) >= maxPartSize {
			at := s.lineStart
			if at == 0 {
				at = len(s.cur) // one line longer than a part: cut inside it
			}
			if s.err = s.cut(at); s.err != nil {
				return 0, s.err
			}
		}
	}
	return n, nil
}

// cut emits cur[:at] and keeps the rest as the start of the next part.
func (s *splitter) cut(at int) error {
	if at == 0 {
		return nil
	}
	if err := s.emit(s.cur[:at]); err != nil {
		return err
	}
	rest := copy(s.cur, s.cur[at:])
	s.cur = s.cur[:rest]
	s.lineStart = max(s.lineStart-at, 0)
	s.batchStart = max(s.batchStart-at, 0)
	return nil
}

// endsGroup says whether the part may end after batch.
func endsGroup(batch []byte) bool {
	name, insert := batchName(batch)
	return !insert || xxhash.Sum64String(name)%groupBatches == 0
}

// Close emits what is left as the last part.
func (s *splitter) Close() error {
	if s.err != nil {
		return s.err
	}
	s.err = s.cut(len(s.cur))
	return s.err
}

func isSeparator(line []byte) bool {
	line = bytes.TrimRight(line, "\r\n")
	return len(line) == 2 && (line[0] == 'G' || line[0] == 'g') && (line[1] == 'O' || line[1] == 'o')
}
