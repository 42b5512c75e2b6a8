package mssql

// Raw rows (mssqldump fork patch, see FORK.md): a result set read under
// WithRawRows hands its rows over in batches of their wire bytes, without an
// interface{} per value or a channel send per row. A caller that formats
// values itself (a dump tool writing INSERTs, a bulk exporter) reads the
// bytes of the kinds it knows and asks RawColumn.Decode for the rest, which
// returns exactly what Rows.Next would have.

import (
	"bytes"
	"context"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"io"
	"slices"
	"sync"

	"github.com/microsoft/go-mssqldb/msdsn"
)

// RawKind says how a raw value's bytes are laid out, for callers that read
// them without Decode.
type RawKind uint8

const (
	// RawOther promises no layout: use RawColumn.Decode.
	RawOther RawKind = iota
	// RawInt is a two's-complement little-endian integer of 2, 4 or 8
	// bytes, or of 1 byte unsigned (tinyint).
	RawInt
	// RawBit is one byte, nonzero for true.
	RawBit
	// RawDecimal (decimal, numeric) is a sign byte (1 positive, 0
	// negative) then the unscaled magnitude, little-endian, in 4, 8, 12 or
	// 16 bytes; the column's Precision and Scale apply.
	RawDecimal
	// RawUTF16 (nchar, nvarchar) is UTF-16LE code units.
	RawUTF16
	// RawBinary (binary, varbinary) is the bytes themselves.
	RawBinary
)

// RawColumn is one column of a result set read as raw rows.
type RawColumn struct {
	Name      string
	Kind      RawKind
	Precision uint8
	Scale     uint8

	col *columnStruct
	// layout is how the value was framed on the wire (which decoder
	// applies), params the session's encoding parameters (time zone, GUID
	// byte order).
	layout rawLayout
	params msdsn.EncodeParameters
}

// rawLayout is how a value is framed on the wire, i.e. which of the
// readers in types.go reads it.
type rawLayout uint8

const (
	rawNotRaw   rawLayout = iota
	rawNull               // typeNull: always NULL, no bytes on the wire
	rawFixed              // readFixedType
	rawByteLen            // readByteLenTypeWithEncoding
	rawShortLen           // readShortLenType
	rawPLP                // readPLPType
)

// rawNullLen marks a NULL value in a batch, where a length would be.
const rawNullLen = 0xFFFFFFFF

// rawBatchSize is the size at which a batch is sent: large enough that the
// channel send is negligible per row, small enough to stay in cache.
const rawBatchSize = 64 << 10

// Decode returns the value Rows.Next returns for a value of c whose raw
// bytes are b: nil when b is nil (NULL).
func (c *RawColumn) Decode(b []byte) interface{} {
	if b == nil {
		return nil
	}
	ti := &c.col.ti
	switch c.layout {
	case rawFixed:
		return decodeFixedType(ti, b, c.params)
	case rawByteLen:
		return decodeByteLenType(ti, b, c.params)
	case rawShortLen:
		return decodeShortLenType(ti, b)
	case rawPLP:
		if plpAliases(ti.TypeId) {
			// the PLP decoders return binary values as the buffer itself,
			// and b lives only as long as its batch
			b = bytes.Clone(b) // empty stays non-nil: not NULL
		}
		return decodePLPType(ti, b)
	}
	return nil
}

// plpAliases tells whether decodePLPType returns its buffer itself.
func plpAliases(typeID uint8) bool {
	switch typeID {
	case typeBigVarBin, typeBigBinary, typeUdt: // image is never raw
		return true
	}
	return false
}

// rawRowsKey is the context key under which WithRawRows keeps accept.
type rawRowsKey struct{}

// WithRawRows returns a context under which the result sets of a query
// whose columns accept approves are read as raw rows: Rows.RawColumns
// describes them and Rows.NextRawBatch returns their rows. accept sees each
// result set's columns once, before its first row, and runs on the
// driver's reader goroutine (the one reading the connection, not the
// caller's), so it should return quickly. Result sets it refuses, and
// those with a column that cannot be raw (encrypted, sql_variant, text,
// ntext, image), are read as usual. Rows.Next still works on a raw result
// set, decoding each value.
func WithRawRows(ctx context.Context, accept func(cols []RawColumn) bool) context.Context {
	return context.WithValue(ctx, rawRowsKey{}, accept)
}

// RawBatch holds consecutive rows of a raw result set.
type RawBatch struct {
	// buf is the rows, each value a 4-byte little-endian length
	// (rawNullLen for NULL) then its bytes.
	buf []byte
	// pos is where the next row starts.
	pos int
	// vals is the current row's values, one per column: Next fills it in
	// the one walk over the row's lengths.
	vals [][]byte
}

// Next advances to the batch's next row; false after its last.
func (b *RawBatch) Next() bool {
	p, buf := b.pos, b.buf
	if p >= len(buf) {
		return false
	}
	vals := b.vals
	for i := range vals {
		n := binary.LittleEndian.Uint32(buf[p:])
		p += 4
		if n == rawNullLen {
			vals[i] = nil
			continue
		}
		end := p + int(n)
		vals[i] = buf[p:end:end]
		p = end
	}
	b.pos = p
	return true
}

// Row fills dst (grown to the number of columns) with the current row's
// values and returns it: nil for NULL, a non-nil slice (maybe empty)
// otherwise. The values are valid until the next NextRawBatch, Next or
// Close of the Rows.
func (b *RawBatch) Row(dst [][]byte) [][]byte {
	return append(dst[:0], b.vals...)
}

// rawResultSet is the token the reader sends instead of []columnStruct
// for a result set read as raw rows, and the state the reader and Rows
// share about it.
type rawResultSet struct {
	cols []columnStruct
	raw  []RawColumn
}

// rowsRaw is the raw rows state of a Rows.
type rowsRaw struct {
	cur   *rawResultSet // the current result set, nil when not raw
	next  *rawResultSet // the next one, when Next met its columns
	batch *RawBatch     // the batch Next decodes rows from
}

// RawColumns returns the current result set's columns when it is read as
// raw rows, nil otherwise.
func (rc *Rows) RawColumns() []RawColumn {
	if rc.raw.cur == nil {
		return nil
	}
	return rc.raw.cur.raw
}

// errNotRaw is NextRawBatch's answer on a result set that is not raw.
var errNotRaw = errors.New("mssql: NextRawBatch on a result set not read as raw rows")

// NextRawBatch returns the next rows of a raw result set, or io.EOF after
// its last. The batch is valid until the next NextRawBatch, Next or Close.
func (rc *Rows) NextRawBatch() (*RawBatch, error) {
	if rc.raw.cur == nil {
		return nil, errNotRaw
	}
	if !rc.stmt.c.connectionGood {
		return nil, driver.ErrBadConn
	}
	rc.releaseBatch()
	if rc.nextCols != nil {
		return nil, io.EOF
	}
	for {
		tok, err := rc.reader.nextToken()
		if err != nil {
			return nil, rc.stmt.c.checkBadConn(rc.reader.ctx, err, false)
		}
		if tok == nil {
			return nil, io.EOF
		}
		switch tokdata := tok.(type) {
		case *RawBatch:
			rc.raw.batch = tokdata
			return tokdata, nil
		case []columnStruct:
			rc.nextCols = tokdata
			return nil, io.EOF
		case *rawResultSet:
			rc.setNextRaw(tokdata)
			return nil, io.EOF
		case doneStruct:
			if tokdata.isError() {
				return nil, rc.stmt.c.checkBadConn(rc.reader.ctx, tokdata.getError(), false)
			}
		case ReturnStatus:
			if rc.reader.outs.returnStatus != nil {
				*rc.reader.outs.returnStatus = tokdata
			}
		}
	}
}

// rawBatchPool recycles batches and their buffers across result sets and
// connections, as bufpool does the sessions' buffers.
var rawBatchPool = sync.Pool{
	New: func() interface{} {
		return &RawBatch{buf: make([]byte, 0, rawBatchSize+rawBatchSize/4)}
	},
}

// putRawBatch puts a batch back in the pool, unless it grew far past the
// usual size (a long value): that one is left to the garbage collector.
func putRawBatch(b *RawBatch) {
	if cap(b.buf) <= 4*rawBatchSize {
		rawBatchPool.Put(b)
	}
}

// releaseBatch puts the current batch back in the pool: the caller is done
// with it by contract.
func (rc *Rows) releaseBatch() {
	if b := rc.raw.batch; b != nil {
		rc.raw.batch = nil
		putRawBatch(b)
	}
}

// setNextRaw notes that the next result set is raw, as Next does with
// nextCols for the usual one.
func (rc *Rows) setNextRaw(rs *rawResultSet) {
	rc.nextCols = rs.cols
	rc.raw.next = rs
}

// nextResultSetRaw moves the raw state to the next result set, at
// NextResultSet.
func (rc *Rows) nextResultSetRaw() {
	rc.releaseBatch()
	rc.raw.cur = rc.raw.next
	rc.raw.next = nil
}

// nextRawDecoded is Rows.Next on a raw result set: it decodes the next row
// of the current batch, reading another batch when it is used up.
func (rc *Rows) nextRawDecoded(dest []driver.Value) error {
	for {
		if b := rc.raw.batch; b != nil && b.Next() {
			cols := rc.raw.cur.raw
			for i := range dest {
				dest[i] = cols[i].Decode(b.vals[i])
			}
			return nil
		}
		if _, err := rc.NextRawBatch(); err != nil {
			return err
		}
	}
}

// rawProducer is the reader goroutine's side of a raw result set: it reads
// ROW and NBCROW tokens into the batch being filled.
type rawProducer struct {
	set *rawResultSet
	// batch is the batch being filled, from the pool, nil between
	// batches; buf is its buffer as filled so far.
	batch *RawBatch
	buf   []byte
	// done is where the complete rows end in buf, so that a row cut
	// short by a broken stream is not sent.
	done  int
	nulls []byte
}

// startRawResultSet decides, at COLMETADATA, whether the result set is read
// as raw rows: only under WithRawRows, outside the message queue model,
// when every column can be raw and accept approves. It returns nil when
// the result set is read as usual.
func startRawResultSet(ctx context.Context, sess *tdsSession, cols []columnStruct, outs outputs) *rawProducer {
	accept, _ := ctx.Value(rawRowsKey{}).(func([]RawColumn) bool)
	if accept == nil || outs.msgq != nil || len(cols) == 0 {
		return nil
	}
	raw := make([]RawColumn, len(cols))
	for i := range cols {
		col := &cols[i]
		layout := columnRawLayout(col)
		if layout == rawNotRaw {
			return nil
		}
		raw[i] = RawColumn{
			Name:      col.ColName,
			Kind:      rawKindOf(col.ti.TypeId),
			Precision: col.ti.Prec,
			Scale:     col.ti.Scale,
			col:       col,
			layout:    layout,
			params:    sess.encoding,
		}
	}
	if !accept(raw) {
		return nil
	}
	return &rawProducer{set: &rawResultSet{cols: cols, raw: raw}, nulls: make([]byte, (len(cols)+7)/8)}
}

// columnRawLayout returns how a column's values are framed, or rawNotRaw
// for the columns read otherwise (long-length types, sql_variant,
// encrypted). It mirrors readTypeInfo's choice of reader.
func columnRawLayout(col *columnStruct) rawLayout {
	if col.isEncrypted() {
		return rawNotRaw
	}
	ti := &col.ti
	switch ti.TypeId {
	case typeNull:
		return rawNull
	case typeInt1, typeBit, typeInt2, typeInt4, typeDateTim4,
		typeFlt4, typeMoney, typeDateTime, typeFlt8, typeMoney4, typeInt8:
		return rawFixed
	case typeDateN, typeTimeN, typeDateTime2N, typeDateTimeOffsetN,
		typeGuid, typeIntN, typeDecimal, typeNumeric,
		typeBitN, typeDecimalN, typeNumericN, typeFltN,
		typeMoneyN, typeDateTimeN, typeChar,
		typeVarChar, typeBinary, typeVarBinary:
		return rawByteLen
	case typeXml, typeUdt:
		return rawPLP
	case typeBigVarBin, typeBigVarChar, typeBigBinary, typeBigChar,
		typeNVarChar, typeNChar:
		if ti.Size == 0xffff {
			return rawPLP
		}
		return rawShortLen
	}
	return rawNotRaw
}

// rawKindOf returns the layout promise for a type id.
func rawKindOf(typeID uint8) RawKind {
	switch typeID {
	case typeInt1, typeInt2, typeInt4, typeInt8, typeIntN:
		return RawInt
	case typeBit, typeBitN:
		return RawBit
	case typeDecimal, typeNumeric, typeDecimalN, typeNumericN:
		return RawDecimal
	case typeNVarChar, typeNChar:
		return RawUTF16
	case typeBigVarBin, typeBigBinary, typeVarBinary, typeBinary:
		return RawBinary
	}
	return RawOther
}

// columnsToken is what the reader sends for a result set's COLMETADATA:
// the raw result set when p reads one (p is nil otherwise), else the
// columns, as usual.
func (p *rawProducer) columnsToken(cols []columnStruct) tokenStruct {
	if p == nil {
		return cols
	}
	return p.set
}

// token is the reader loop's hook while a raw result set is current. It
// reads a ROW or NBCROW token into the batch, sending the batch when it
// is full, and returns true: the loop is done with the token. Before any
// other token it sends the batch, so that the rows come first, and
// returns false for the loop to handle the token as usual.
func (p *rawProducer) token(tok token, r *tdsBuffer, ch chan tokenStruct) bool {
	switch tok {
	case tokenRow:
		p.row(r)
	case tokenNbcRow:
		p.nbcRow(r)
	default:
		p.flush(ch)
		return false
	}
	if p.full() {
		p.flush(ch)
	}
	return true
}

// row reads a ROW token's values into the batch.
func (p *rawProducer) row(r *tdsBuffer) {
	p.beginRow()
	for i := range p.set.raw {
		p.value(r, i)
	}
	p.done = len(p.buf)
}

// nbcRow reads an NBCROW token's values into the batch: the bitmap's NULLs
// have no bytes on the wire.
func (p *rawProducer) nbcRow(r *tdsBuffer) {
	p.beginRow()
	nulls := p.nulls
	r.ReadFull(nulls)
	for i := range p.set.raw {
		if nulls[i/8]&(1<<(uint(i)%8)) != 0 {
			p.appendNull()
			continue
		}
		p.value(r, i)
	}
	p.done = len(p.buf)
}

// beginRow starts a row in the batch, taking a batch from the pool when
// there is none.
func (p *rawProducer) beginRow() {
	if p.batch == nil {
		p.batch = rawBatchPool.Get().(*RawBatch)
		p.buf = p.batch.buf[:0]
	}
}

// value reads column i's value as its reader would, keeping its bytes.
func (p *rawProducer) value(r *tdsBuffer, i int) {
	c := &p.set.raw[i]
	switch c.layout {
	case rawNull:
		p.appendNull()
	case rawFixed:
		p.appendRead(r, c.col.ti.Size)
	case rawByteLen:
		if n := r.byte(); n == 0 {
			p.appendNull()
		} else {
			p.appendSized(r, c.col, int(n))
		}
	case rawShortLen:
		if n := r.uint16(); n == 0xffff {
			p.appendNull()
		} else {
			p.appendSized(r, c.col, int(n))
		}
	case rawPLP:
		p.plp(r)
	}
}

// appendNull appends a NULL value.
func (p *rawProducer) appendNull() {
	p.buf = binary.LittleEndian.AppendUint32(p.buf, rawNullLen)
}

// appendSized appends a value of col whose length n came from the wire:
// longer than the column's size, the usual reader fails on it, so this
// does too.
func (p *rawProducer) appendSized(r *tdsBuffer, col *columnStruct, n int) {
	if n > col.ti.Size {
		badStreamPanicf("value of %d bytes in column %q of size %d", n, col.ColName, col.ti.Size)
	}
	p.appendRead(r, n)
}

// appendRead appends a value of n bytes read from r.
func (p *rawProducer) appendRead(r *tdsBuffer, n int) {
	p.buf = binary.LittleEndian.AppendUint32(p.buf, uint32(n))
	p.readInto(r, n)
}

// readInto appends n bytes read from r to the batch.
func (p *rawProducer) readInto(r *tdsBuffer, n int) {
	if r.rpos+n <= r.rsize {
		// all in the current packet, the common case: one copy, no
		// io.ReadFull through an interface
		p.buf = append(p.buf, r.rbuf[r.rpos:r.rpos+n]...)
		r.rpos += n
		return
	}
	l := len(p.buf)
	p.buf = slices.Grow(p.buf, n)[:l+n]
	r.ReadFull(p.buf[l:])
}

// plp appends a PLP value, its chunks concatenated, with the checks
// readPLPType makes.
func (p *rawProducer) plp(r *tdsBuffer) {
	size := r.uint64()
	if size == _PLP_NULL {
		p.appendNull()
		return
	}
	if size != _UNKNOWN_PLP_LEN {
		if size > _MAX_PLP_LEN {
			badStreamPanicf("PLP length %d exceeds the maximum LOB size of %d bytes", size, uint64(_MAX_PLP_LEN))
		}
		// the size is known (and checked, as readPLPType does before
		// allocating it): grow once rather than chunk by chunk
		p.buf = slices.Grow(p.buf, 4+int(size))
	}
	at := len(p.buf)
	p.buf = binary.LittleEndian.AppendUint32(p.buf, 0)
	for {
		chunk := r.uint32()
		if chunk == 0 {
			break
		}
		p.readInto(r, int(chunk))
	}
	n := len(p.buf) - at - 4
	if uint64(n) >= rawNullLen {
		badStreamPanicf("PLP value of %d bytes is too long for raw rows", n)
	}
	binary.LittleEndian.PutUint32(p.buf[at:], uint32(n))
}

// full tells whether the batch is due to be sent.
func (p *rawProducer) full() bool {
	return len(p.buf) >= rawBatchSize
}

// flush sends the batch's complete rows, if any. A row being read when
// the stream broke is dropped, as the usual path drops it.
func (p *rawProducer) flush(ch chan tokenStruct) {
	if p == nil || p.batch == nil {
		return
	}
	b := p.batch
	b.buf = p.buf[:p.done]
	p.batch, p.buf, p.done = nil, nil, 0
	if len(b.buf) == 0 {
		putRawBatch(b)
		return
	}
	b.pos = 0
	b.vals = slices.Grow(b.vals[:0], len(p.set.raw))[:len(p.set.raw)]
	clear(b.vals)
	ch <- b
}
