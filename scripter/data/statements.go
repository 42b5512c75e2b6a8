package data

// TableStatements cuts one table's encoded rows into INSERT statements. The
// cuts depend only on the sequence of rows (their encoded bytes and whether
// their key hash marks a boundary), never on where the rows came from: a
// table read in key ranges by several connections and fed here range after
// range gets exactly the statements of one continuous read.
type TableStatements struct {
	w                   *Writer
	head, tail          []byte
	maxRows, maxBytes   int
	mask                uint64 // a row's key hash with zero bits under mask marks a content-defined boundary
	minRows             int
	inBatch, batchBytes int
	startWritten        int64
	res                 TableResult
	rec                 []byte // AddRecords' row buffer
}

// BeginTable starts the statements of p's rows on w. Call End after the
// last row. A plan without columns has no rows to add.
func (w *Writer) BeginTable(p *Plan) *TableStatements {
	t := &TableStatements{w: w, maxRows: w.limits.rows(), maxBytes: w.limits.bytes()}
	t.head, t.tail = insertHeader(p)
	t.mask, t.minRows = boundaryParams(t.maxRows)
	t.startWritten = w.written + int64(len(w.buf))
	return t
}

func (t *TableStatements) endBatch() error {
	w := t.w
	w.buf = append(w.buf, t.tail...)
	t.inBatch, t.batchBytes = 0, 0
	t.res.Statements++
	t.res.Bytes = w.written + int64(len(w.buf)) - t.startWritten
	if w.OnBatch != nil {
		w.OnBatch(t.res)
	}
	return w.flush(false)
}

// add places one encoded row "(v1, ...)"; boundary says its key hash marks a
// content-defined cut.
func (t *TableStatements) add(row []byte, boundary bool) error {
	w := t.w
	if t.inBatch > 0 && t.batchBytes+2+len(row)+len(t.tail) > t.maxBytes {
		if err := t.endBatch(); err != nil {
			return err
		}
	}
	if t.inBatch == 0 {
		w.buf = append(w.buf, t.head...)
		t.batchBytes = len(t.head)
	} else {
		w.buf = append(w.buf, ",\n"...)
		t.batchBytes += 2
	}
	w.buf = append(w.buf, row...)
	t.batchBytes += len(row)
	t.inBatch++
	t.res.Rows++
	if t.inBatch >= t.maxRows || (t.inBatch >= t.minRows && boundary) {
		return t.endBatch()
	}
	return nil
}

// End closes the last statement and returns what the table wrote.
func (t *TableStatements) End() (TableResult, error) {
	if t.inBatch > 0 {
		if err := t.endBatch(); err != nil {
			return t.res, err
		}
	}
	t.res.Bytes = t.w.written + int64(len(t.w.buf)) - t.startWritten
	return t.res, t.w.err
}
