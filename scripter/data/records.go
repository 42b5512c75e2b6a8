package data

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Records carry encoded rows between a connection that reads part of a table
// and the one TableStatements that cuts the whole table into statements.
// Each record is a row's encoded bytes and its boundary bit, which is all
// the cutting needs: uvarint(length), one flag byte (1: the key hash marks
// a boundary), the row "(v1, ...)".

const recordBoundary = 1

// EncodeRecords encodes every row of src as records into out and returns
// how many rows it read. w's limits must be those of the Writer that adds
// the records (they decide which hashes mark a boundary). It does not close
// src.
func (w *Writer) EncodeRecords(p *Plan, src RowSource, out io.Writer) (int64, error) {
	var rows int64
	if len(p.Columns) == 0 {
		return 0, nil
	}
	mask, _ := boundaryParams(w.limits.rows())
	bw := bufio.NewWriterSize(out, 64<<10)
	var hdr [binary.MaxVarintLen64 + 1]byte
	err := w.encodeRows(p, src, &rows, func(row []byte, hash uint64) error {
		n := binary.PutUvarint(hdr[:], uint64(len(row)))
		hdr[n] = 0
		if hash&mask == 0 {
			hdr[n] = recordBoundary
		}
		if _, err := bw.Write(hdr[:n+1]); err != nil {
			return err
		}
		_, err := bw.Write(row)
		return err
	})
	if err != nil {
		return rows, err
	}
	return rows, bw.Flush()
}

// AddRecords adds the rows of records written by EncodeRecords, in order.
func (t *TableStatements) AddRecords(r io.Reader) error {
	br := bufio.NewReaderSize(r, 64<<10)
	for {
		n, err := binary.ReadUvarint(br)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("data: reading row records: %w", err)
		}
		flag, err := br.ReadByte()
		if err != nil {
			return fmt.Errorf("data: reading row records: %w", noEOF(err))
		}
		if uint64(cap(t.rec)) < n {
			t.rec = make([]byte, n)
		}
		t.rec = t.rec[:n]
		if _, err := io.ReadFull(br, t.rec); err != nil {
			return fmt.Errorf("data: reading row records: %w", noEOF(err))
		}
		if err := t.add(t.rec, flag&recordBoundary != 0); err != nil {
			return err
		}
	}
}

// noEOF reports a record cut short as what it is.
func noEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
