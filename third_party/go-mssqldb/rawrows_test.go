package mssql

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/microsoft/go-mssqldb/msdsn"
)

// The tests build TDS replies byte by byte, read them through the driver's
// own reader goroutine and Rows, once as usual and once as raw rows, and
// compare.

// latin1 is the collation Latin1_General_CI_AS (code page 1252).
var latin1 = []byte{0x09, 0x04, 0xd0, 0x00, 0x34}

// testCol is a column of a synthetic result set: its TYPE_INFO, how its
// values are framed, the Kind raw rows must report, and its values' wire
// bytes, row by row (nil for NULL).
type testCol struct {
	name   string
	ti     []byte
	layout rawLayout
	kind   RawKind
	vals   [][]byte
}

func le16(v uint16) []byte { return binary.LittleEndian.AppendUint16(nil, v) }
func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
func le64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func ucs2(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

// dec is a decimal's wire bytes: sign (1 positive) and magnitude words.
func dec(positive bool, words ...uint32) []byte {
	b := []byte{0}
	if positive {
		b[0] = 1
	}
	for _, w := range words {
		b = binary.LittleEndian.AppendUint32(b, w)
	}
	return b
}

// allTypeCols is one column per raw-able type family, four rows each,
// with NULLs and empty values.
func allTypeCols() []testCol {
	f32 := func(f float32) []byte { return le32(math.Float32bits(f)) }
	f64 := func(f float64) []byte { return le64(math.Float64bits(f)) }
	guid := []byte{0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10}
	date := []byte{0x4b, 0x46, 0x0b}              // some day in 2020
	time7 := []byte{0x00, 0x5e, 0xd0, 0xb2, 0x02} // 5-byte time, scale 7
	dt2 := cat([]byte{0x40, 0x42, 0x0f}, date)    // scale 2: 3-byte time
	dto := cat(time7, date, le16(0xfeb6))         // offset -05:30
	return []testCol{
		{"tiny", []byte{typeInt1}, rawFixed, RawInt, [][]byte{{0}, {255}, {7}, {1}}},
		{"small", []byte{typeInt2}, rawFixed, RawInt, [][]byte{le16(0x8000), le16(1), le16(0xffff), le16(0)}},
		{"int", []byte{typeInt4}, rawFixed, RawInt, [][]byte{le32(0x80000000), le32(42), le32(0xffffffff), le32(0)}},
		{"big", []byte{typeInt8}, rawFixed, RawInt, [][]byte{le64(1 << 63), le64(1<<63 - 1), le64(0), le64(0xffffffffffffffff)}},
		{"intn1", []byte{typeIntN, 1}, rawByteLen, RawInt, [][]byte{{200}, nil, {0}, {1}}},
		{"intn2", []byte{typeIntN, 2}, rawByteLen, RawInt, [][]byte{le16(0xfffe), nil, le16(3), le16(0)}},
		{"intn4", []byte{typeIntN, 4}, rawByteLen, RawInt, [][]byte{nil, le32(0xfffffffe), le32(3), le32(0)}},
		{"intn8", []byte{typeIntN, 8}, rawByteLen, RawInt, [][]byte{le64(5), le64(0xfffffffffffffffe), nil, le64(0)}},
		{"bit", []byte{typeBit}, rawFixed, RawBit, [][]byte{{0}, {1}, {2}, {0}}},
		{"bitn", []byte{typeBitN, 1}, rawByteLen, RawBit, [][]byte{{1}, nil, {0}, {1}}},
		{"dec5", []byte{typeDecimalN, 5, 9, 2}, rawByteLen, RawDecimal, [][]byte{dec(true, 12345), dec(false, 12345), dec(false, 0), nil}},
		{"dec9", []byte{typeNumericN, 9, 19, 4}, rawByteLen, RawDecimal, [][]byte{dec(true, 0xffffffff, 0x7fffffff), nil, dec(false, 1, 2), dec(true, 0, 0)}},
		{"dec13", []byte{typeDecimalN, 13, 28, 0}, rawByteLen, RawDecimal, [][]byte{dec(false, 1, 2, 3), dec(true, 9, 0, 1), nil, dec(false, 0, 0, 0)}},
		{"dec17", []byte{typeNumericN, 17, 38, 10}, rawByteLen, RawDecimal, [][]byte{dec(true, 1, 2, 3, 4), dec(false, 0xffffffff, 0xffffffff, 0xffffffff, 0x4b3b4ca8), dec(false, 0, 0, 0, 0), nil}},
		{"real", []byte{typeFlt4}, rawFixed, RawOther, [][]byte{f32(1.5), f32(-0.1), f32(0), f32(float32(math.Inf(1)))}},
		{"float", []byte{typeFlt8}, rawFixed, RawOther, [][]byte{f64(math.Pi), f64(-1e300), f64(0), f64(math.Copysign(0, -1))}},
		{"fltn4", []byte{typeFltN, 4}, rawByteLen, RawOther, [][]byte{f32(2.25), nil, f32(-3), f32(0)}},
		{"fltn8", []byte{typeFltN, 8}, rawByteLen, RawOther, [][]byte{f64(2.5e-10), nil, f64(-3), f64(0)}},
		{"money", []byte{typeMoney}, rawFixed, RawOther, [][]byte{cat(le32(0), le32(123456)), cat(le32(0xffffffff), le32(0xfffffff0)), le64(0), cat(le32(0x7fffffff), le32(0xffffffff))}},
		{"smallmoney", []byte{typeMoney4}, rawFixed, RawOther, [][]byte{le32(123456), le32(0xfffffff0), le32(0), le32(1)}},
		{"moneyn8", []byte{typeMoneyN, 8}, rawByteLen, RawOther, [][]byte{nil, cat(le32(0), le32(10001)), le64(0), cat(le32(0xffffffff), le32(0xffffffff))}},
		{"moneyn4", []byte{typeMoneyN, 4}, rawByteLen, RawOther, [][]byte{le32(5), nil, le32(0), le32(0xffffffff)}},
		{"date", []byte{typeDateN}, rawByteLen, RawOther, [][]byte{date, nil, {0, 0, 0}, {0xff, 0xff, 0x37}}},
		{"time", []byte{typeTimeN, 7}, rawByteLen, RawOther, [][]byte{time7, nil, {0, 0, 0, 0, 0}, {1, 0, 0, 0, 0}}},
		{"dt2", []byte{typeDateTime2N, 2}, rawByteLen, RawOther, [][]byte{dt2, nil, make([]byte, 6), cat([]byte{1, 0, 0}, date)}},
		{"dto", []byte{typeDateTimeOffsetN, 7}, rawByteLen, RawOther, [][]byte{dto, nil, make([]byte, 10), cat(time7, date, le16(60))}},
		{"datetime", []byte{typeDateTime}, rawFixed, RawOther, [][]byte{cat(le32(40000), le32(300)), le64(0), cat(le32(0xffff0000), le32(1)), cat(le32(2958463), le32(25919999))}},
		{"smalldt", []byte{typeDateTim4}, rawFixed, RawOther, [][]byte{cat(le16(40000), le16(61)), le32(0), cat(le16(1), le16(1439)), cat(le16(65535), le16(0))}},
		{"dtn8", []byte{typeDateTimeN, 8}, rawByteLen, RawOther, [][]byte{nil, cat(le32(40000), le32(300)), le64(0), le64(1)}},
		{"dtn4", []byte{typeDateTimeN, 4}, rawByteLen, RawOther, [][]byte{cat(le16(40000), le16(61)), nil, le32(0), le32(1)}},
		{"guid", []byte{typeGuid, 16}, rawByteLen, RawOther, [][]byte{guid, nil, make([]byte, 16), guid}},
		{"char", cat([]byte{typeBigChar}, le16(3), latin1), rawShortLen, RawOther, [][]byte{[]byte("ab "), nil, []byte("\xe9t\xe9"), []byte("   ")}},
		{"varchar", cat([]byte{typeBigVarChar}, le16(50), latin1), rawShortLen, RawOther, [][]byte{[]byte("caf\xe9"), {}, nil, []byte("x")}},
		{"varcharmax", cat([]byte{typeBigVarChar}, le16(0xffff), latin1), rawPLP, RawOther, [][]byte{[]byte(strings.Repeat("\xe0b", 700)), {}, nil, []byte("y")}},
		{"nchar", cat([]byte{typeNChar}, le16(4), latin1), rawShortLen, RawUTF16, [][]byte{ucs2("é1"), nil, ucs2("  "), ucs2("日本")}},
		{"nvarchar", cat([]byte{typeNVarChar}, le16(100), latin1), rawShortLen, RawUTF16, [][]byte{ucs2("héllo"), {}, nil, ucs2("😀")}},
		{"nvarcharmax", cat([]byte{typeNVarChar}, le16(0xffff), latin1), rawPLP, RawUTF16, [][]byte{ucs2(strings.Repeat("ñandú ", 400)), nil, {}, ucs2("z")}},
		{"binary", cat([]byte{typeBigBinary}, le16(4)), rawShortLen, RawBinary, [][]byte{{1, 2, 3, 4}, nil, {0, 0, 0, 0}, {0xff, 0, 0xff, 0}}},
		{"varbinary", cat([]byte{typeBigVarBin}, le16(30)), rawShortLen, RawBinary, [][]byte{{}, {9}, nil, {0xde, 0xad}}},
		{"varbinarymax", cat([]byte{typeBigVarBin}, le16(0xffff)), rawPLP, RawBinary, [][]byte{bytes.Repeat([]byte{7, 8, 9}, 1500), {}, nil, {1}}},
	}
}

// tdsReply builds the token stream of a reply.
type tdsReply struct {
	b    []byte
	plps int // PLP values written: every other one states its length
}

func (r *tdsReply) colMetadata(cols []testCol) {
	r.b = append(r.b, byte(tokenColMetadata))
	r.b = append(r.b, le16(uint16(len(cols)))...)
	for _, c := range cols {
		r.b = append(r.b, le32(0)...) // user type
		r.b = append(r.b, le16(1)...) // flags: nullable
		r.b = append(r.b, c.ti...)
		name := ucs2(c.name)
		r.b = append(r.b, byte(len(name)/2))
		r.b = append(r.b, name...)
	}
}

// value appends a value framed as its column's reader expects; PLP
// values go in chunks of up to 1000 bytes.
func (r *tdsReply) value(layout rawLayout, v []byte) {
	switch layout {
	case rawFixed:
		r.b = append(r.b, v...)
	case rawByteLen:
		r.b = append(r.b, byte(len(v)))
		r.b = append(r.b, v...)
	case rawShortLen:
		if v == nil {
			r.b = append(r.b, le16(0xffff)...)
			return
		}
		r.b = append(r.b, le16(uint16(len(v)))...)
		r.b = append(r.b, v...)
	case rawPLP:
		r.plp(v)
	}
}

func (r *tdsReply) plp(v []byte) {
	if v == nil {
		r.b = append(r.b, le64(_PLP_NULL)...)
		return
	}
	// A server may state a PLP value's total length or not: both ways
	// are read, by turns.
	r.plps++
	if r.plps%2 == 0 {
		r.b = append(r.b, le64(uint64(len(v)))...)
	} else {
		r.b = append(r.b, le64(_UNKNOWN_PLP_LEN)...)
	}
	for len(v) > 0 {
		n := min(len(v), 1000)
		r.b = append(r.b, le32(uint32(n))...)
		r.b = append(r.b, v[:n]...)
		v = v[n:]
	}
	r.b = append(r.b, le32(0)...)
}

// row appends row i as a ROW token.
func (r *tdsReply) row(cols []testCol, i int) {
	r.b = append(r.b, byte(tokenRow))
	for _, c := range cols {
		r.value(c.layout, c.vals[i])
	}
}

// nbcRow appends row i as an NBCROW token.
func (r *tdsReply) nbcRow(cols []testCol, i int) {
	r.b = append(r.b, byte(tokenNbcRow))
	nulls := make([]byte, (len(cols)+7)/8)
	for j, c := range cols {
		if c.vals[i] == nil {
			nulls[j/8] |= 1 << (j % 8)
		}
	}
	r.b = append(r.b, nulls...)
	for _, c := range cols {
		if c.vals[i] != nil {
			r.value(c.layout, c.vals[i])
		}
	}
}

func (r *tdsReply) done(status uint16, count uint64) {
	r.b = append(r.b, byte(tokenDone))
	r.b = append(r.b, le16(status)...)
	r.b = append(r.b, le16(0xc1)...) // SELECT
	r.b = append(r.b, le64(count)...)
}

func (r *tdsReply) errorToken(number int32, msg string) {
	m := ucs2(msg)
	body := cat(le32(uint32(number)), []byte{1, 16}, le16(uint16(len(m)/2)), m, []byte{0}, []byte{0}, le32(1))
	r.b = append(r.b, byte(tokenError))
	r.b = append(r.b, le16(uint16(len(body)))...)
	r.b = append(r.b, body...)
}

// resultSet appends a whole result set: columns, rows (ROW and NBCROW
// alternating), DONE.
func (r *tdsReply) resultSet(cols []testCol, more bool) {
	r.colMetadata(cols)
	n := len(cols[0].vals)
	for i := 0; i < n; i++ {
		if i%2 == 0 {
			r.row(cols, i)
		} else {
			r.nbcRow(cols, i)
		}
	}
	status := uint16(doneCount)
	if more {
		status |= doneMore
	}
	r.done(status, uint64(n))
}

// packets splits a token stream into reply packets of at most size bytes.
func packets(stream []byte, size int) []byte {
	var out []byte
	for {
		n := min(len(stream), size-8)
		status := byte(0)
		if n == len(stream) {
			status = 1
		}
		out = append(out, byte(packReply), status)
		out = binary.BigEndian.AppendUint16(out, uint16(n+8))
		out = append(out, 0, 0, 1, 0)
		out = append(out, stream[:n]...)
		stream = stream[n:]
		if status == 1 {
			return out
		}
	}
}

// fakeTransport serves a canned reply and swallows what is written.
type fakeTransport struct{ r io.Reader }

func (f *fakeTransport) Read(p []byte) (int, error)  { return f.r.Read(p) }
func (f *fakeTransport) Write(p []byte) (int, error) { return len(p), nil }
func (f *fakeTransport) Close() error                { return nil }

// testEncoding converts GUIDs and uses a non-UTC zone, so that Decode is
// seen to carry the session's parameters.
var testEncoding = msdsn.EncodeParameters{GuidConversion: true, Timezone: time.FixedZone("X", 3600)}

// openRows reads a reply through processQueryResponse, as a query does.
func openRows(t testing.TB, ctx context.Context, stream []byte, packetSize int) *Rows {
	t.Helper()
	return openPackets(t, ctx, packets(stream, packetSize), packetSize)
}

// openPackets is openRows over replies already in packets.
func openPackets(t testing.TB, ctx context.Context, replies []byte, packetSize int) *Rows {
	t.Helper()
	tr := &fakeTransport{r: bytes.NewReader(replies)}
	sess := &tdsSession{buf: newTdsBuffer(uint16(packetSize), tr), encoding: testEncoding}
	c := &Conn{sess: sess, connectionGood: true, connector: &Connector{}}
	res, err := (&Stmt{c: c}).processQueryResponse(ctx)
	if err != nil {
		t.Fatalf("processQueryResponse: %v", err)
	}
	return res.(*Rows)
}

// acceptAll approves every result set.
func acceptAll([]RawColumn) bool { return true }

// readBoxed reads the current result set with Next.
func readBoxed(t testing.TB, rows *Rows) ([][]driver.Value, error) {
	t.Helper()
	var out [][]driver.Value
	for {
		dest := make([]driver.Value, len(rows.Columns()))
		if err := rows.Next(dest); err != nil {
			if err == io.EOF {
				return out, nil
			}
			return out, err
		}
		out = append(out, dest)
	}
}

// readRaw reads the current result set batch by batch, copying each
// row's bytes, and counts the batches.
func readRaw(t testing.TB, rows *Rows) (out [][][]byte, batches int, err error) {
	t.Helper()
	var dst [][]byte
	for {
		b, err := rows.NextRawBatch()
		if err == io.EOF {
			return out, batches, nil
		}
		if err != nil {
			return out, batches, err
		}
		batches++
		for b.Next() {
			dst = b.Row(dst)
			row := make([][]byte, len(dst))
			for i, v := range dst {
				if v != nil {
					row[i] = append([]byte{}, v...)
				}
			}
			out = append(out, row)
		}
	}
}

func allTypesStream() ([]testCol, []byte) {
	cols := allTypeCols()
	var r tdsReply
	r.resultSet(cols, false)
	return cols, r.b
}

var packetSizes = []int{4096, 512}

func TestRawRowsReturnTheWireBytesAndKinds(t *testing.T) {
	cols, stream := allTypesStream()
	for _, ps := range packetSizes {
		rows := openRows(t, WithRawRows(context.Background(), acceptAll), stream, ps)
		rc := rows.RawColumns()
		if len(rc) != len(cols) {
			t.Fatalf("packet %d: %d raw columns, want %d", ps, len(rc), len(cols))
		}
		for i, c := range cols {
			if rc[i].Name != c.name || rc[i].Kind != c.kind {
				t.Errorf("column %d: name %q kind %d, want %q kind %d", i, rc[i].Name, rc[i].Kind, c.name, c.kind)
			}
		}
		got, _, err := readRaw(t, rows)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(cols[0].vals) {
			t.Fatalf("packet %d: %d rows, want %d", ps, len(got), len(cols[0].vals))
		}
		for i, row := range got {
			for j, c := range cols {
				want := c.vals[i]
				if (row[j] == nil) != (want == nil) || !bytes.Equal(row[j], want) {
					t.Errorf("packet %d: row %d column %s: %x (nil %v), want %x (nil %v)", ps, i, c.name, row[j], row[j] == nil, want, want == nil)
				}
			}
		}
		rows.Close()
	}
}

func TestRawRowsDecodeEqualsWhatNextReturns(t *testing.T) {
	cols, stream := allTypesStream()
	for _, ps := range packetSizes {
		boxed, err := readBoxed(t, openRows(t, context.Background(), stream, ps))
		if err != nil {
			t.Fatal(err)
		}
		rows := openRows(t, WithRawRows(context.Background(), acceptAll), stream, ps)
		raw, _, err := readRaw(t, rows)
		if err != nil {
			t.Fatal(err)
		}
		if len(raw) != len(boxed) || len(raw) != len(cols[0].vals) {
			t.Fatalf("packet %d: %d raw rows, %d boxed", ps, len(raw), len(boxed))
		}
		rc := rows.RawColumns()
		for i := range raw {
			for j := range cols {
				got := rc[j].Decode(raw[i][j])
				if !reflect.DeepEqual(got, boxed[i][j]) {
					t.Errorf("packet %d: row %d column %s: Decode %.80#v, Next %.80#v", ps, i, cols[j].name, got, boxed[i][j])
				}
			}
		}
	}
}

func TestRawRowsNextOnARawResultSetReturnsTheUsualRows(t *testing.T) {
	_, stream := allTypesStream()
	for _, ps := range packetSizes {
		boxed, err := readBoxed(t, openRows(t, context.Background(), stream, ps))
		if err != nil {
			t.Fatal(err)
		}
		rows := openRows(t, WithRawRows(context.Background(), acceptAll), stream, ps)
		if rows.RawColumns() == nil {
			t.Fatal("result set not raw")
		}
		decoded, err := readBoxed(t, rows)
		if err != nil {
			t.Fatal(err)
		}
		if len(decoded) != len(boxed) {
			t.Fatalf("packet %d: %d rows under raw rows, %d usual", ps, len(decoded), len(boxed))
		}
		for i := range boxed {
			for j := range boxed[i] {
				if !reflect.DeepEqual(decoded[i][j], boxed[i][j]) {
					t.Errorf("packet %d: row %d column %d: Next under raw rows %.80#v, usual %.80#v", ps, i, j, decoded[i][j], boxed[i][j])
				}
			}
		}
	}
}

// manyRows is n rows of an int and an nvarchar, NULLs among them.
func manyRows(n int) []testCol {
	ints := testCol{"id", []byte{typeIntN, 4}, rawByteLen, RawInt, make([][]byte, n)}
	strs := testCol{"s", cat([]byte{typeNVarChar}, le16(200), latin1), rawShortLen, RawUTF16, make([][]byte, n)}
	for i := 0; i < n; i++ {
		ints.vals[i] = le32(uint32(i))
		if i%7 != 3 {
			strs.vals[i] = ucs2(fmt.Sprintf("row %d %s", i, strings.Repeat("x", i%13)))
		}
	}
	return []testCol{ints, strs}
}

func TestRawRowsBatchesSplitAtTheSizeLimitAndKeepRowOrder(t *testing.T) {
	const n = 10000
	cols := manyRows(n)
	var r tdsReply
	r.resultSet(cols, false)
	rows := openRows(t, WithRawRows(context.Background(), acceptAll), r.b, 4096)
	var dst [][]byte
	next := 0
	batches := 0
	for {
		b, err := rows.NextRawBatch()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		batches++
		if len(b.buf) > rawBatchSize+4096 {
			t.Errorf("batch of %d bytes, limit %d", len(b.buf), rawBatchSize)
		}
		for b.Next() {
			dst = b.Row(dst)
			if !bytes.Equal(dst[0], cols[0].vals[next]) || !bytes.Equal(dst[1], cols[1].vals[next]) || (dst[1] == nil) != (cols[1].vals[next] == nil) {
				t.Fatalf("row %d out of order or wrong: %x %x", next, dst[0], dst[1])
			}
			next++
		}
	}
	if next != n {
		t.Errorf("%d rows, want %d", next, n)
	}
	if batches < 3 {
		t.Errorf("%d batches: the rows were not split", batches)
	}
}

func TestRawRowsARefusedResultSetIsReadAsUsual(t *testing.T) {
	cols, stream := allTypesStream()
	called := 0
	refuse := func(rc []RawColumn) bool { called++; return false }
	rows := openRows(t, WithRawRows(context.Background(), refuse), stream, 4096)
	if called != 1 {
		t.Errorf("accept called %d times, want 1", called)
	}
	if rows.RawColumns() != nil {
		t.Error("a refused result set has raw columns")
	}
	if _, err := rows.NextRawBatch(); err != errNotRaw {
		t.Errorf("NextRawBatch on a refused result set: %v", err)
	}
	got, err := readBoxed(t, rows)
	if err != nil || len(got) != len(cols[0].vals) {
		t.Fatalf("%d rows, %v", len(got), err)
	}
}

func TestRawRowsAResultSetWithASqlVariantIsReadAsUsual(t *testing.T) {
	cols := []testCol{
		{"id", []byte{typeInt4}, rawFixed, RawInt, [][]byte{le32(1), le32(2)}},
		{"v", cat([]byte{typeVariant}, le32(8016)), rawNotRaw, RawOther, nil},
	}
	var r tdsReply
	r.colMetadata(cols)
	for i := 0; i < 2; i++ {
		r.b = append(r.b, byte(tokenRow))
		r.b = append(r.b, cols[0].vals[i]...)
		// sql_variant holding an int: length, base type, no props, value
		r.b = append(r.b, le32(6)...)
		r.b = append(r.b, typeInt4, 0)
		r.b = append(r.b, le32(uint32(10+i))...)
	}
	r.done(doneCount, 2)
	called := false
	rows := openRows(t, WithRawRows(context.Background(), func([]RawColumn) bool { called = true; return true }), r.b, 4096)
	if called {
		t.Error("accept called for a result set with a sql_variant")
	}
	if rows.RawColumns() != nil {
		t.Error("a result set with a sql_variant has raw columns")
	}
	got, err := readBoxed(t, rows)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]driver.Value{{int64(1), int64(10)}, {int64(2), int64(11)}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rows %#v, want %#v", got, want)
	}
}

func TestRawRowsSecondResultSetRawOrNotAfterNextResultSet(t *testing.T) {
	cols := manyRows(5)
	var r tdsReply
	r.resultSet(cols, true)
	r.resultSet(cols[:1], false)
	// raw for the two-column result set only
	accept := func(rc []RawColumn) bool { return len(rc) == 2 }
	rows := openRows(t, WithRawRows(context.Background(), accept), r.b, 4096)
	raw, _, err := readRaw(t, rows)
	if err != nil || len(raw) != 5 {
		t.Fatalf("first result set: %d rows, %v", len(raw), err)
	}
	if !rows.HasNextResultSet() || rows.NextResultSet() != nil {
		t.Fatal("no second result set")
	}
	if rows.RawColumns() != nil {
		t.Error("refused second result set is raw")
	}
	boxed, err := readBoxed(t, rows)
	if err != nil || len(boxed) != 5 || boxed[4][0] != int64(4) {
		t.Fatalf("second result set: %v, %v", boxed, err)
	}
}

func TestRawRowsAnErrorAfterSomeRowsIsReportedAfterThem(t *testing.T) {
	cols := manyRows(3)
	var r tdsReply
	r.colMetadata(cols)
	for i := 0; i < 3; i++ {
		r.row(cols, i)
	}
	r.errorToken(8134, "Divide by zero error encountered.")
	r.done(doneError, 0)
	for _, raw := range []bool{false, true} {
		ctx := context.Background()
		if raw {
			ctx = WithRawRows(ctx, acceptAll)
		}
		rows := openRows(t, ctx, r.b, 4096)
		var n int
		var err error
		if raw {
			var got [][][]byte
			got, _, err = readRaw(t, rows)
			n = len(got)
		} else {
			var got [][]driver.Value
			got, err = readBoxed(t, rows)
			n = len(got)
		}
		var sqlErr Error
		if n != 3 || !errors.As(err, &sqlErr) || sqlErr.Number != 8134 {
			t.Errorf("raw %v: %d rows then %v; want 3 rows then error 8134", raw, n, err)
		}
	}
}

func TestRawRowsABrokenStreamReportsTheRowsBeforeIt(t *testing.T) {
	cols := manyRows(3)
	var r tdsReply
	r.colMetadata(cols)
	for i := 0; i < 3; i++ {
		r.row(cols, i)
	}
	stream := r.b[:len(r.b)-5] // the last row cut short, no DONE
	for _, raw := range []bool{false, true} {
		ctx := context.Background()
		if raw {
			ctx = WithRawRows(ctx, acceptAll)
		}
		rows := openRows(t, ctx, stream, 4096)
		got, err := readBoxed(t, rows)
		if len(got) != 2 || err == nil {
			t.Errorf("raw %v: %d rows then %v; want 2 rows then an error", raw, len(got), err)
		}
	}
}

func TestRawRowsCloseBeforeTheEndDrainsTheRest(t *testing.T) {
	cols := manyRows(5000)
	var r, attn tdsReply
	r.resultSet(cols, false)
	// the server's answer to the attention Close sends
	attn.done(0x20, 0)
	replies := append(packets(r.b, 4096), packets(attn.b, 4096)...)
	for _, raw := range []bool{false, true} {
		ctx := context.Background()
		if raw {
			ctx = WithRawRows(ctx, acceptAll)
		}
		rows := openPackets(t, ctx, replies, 4096)
		dest := make([]driver.Value, 2)
		if err := rows.Next(dest); err != nil {
			t.Fatal(err)
		}
		if err := rows.Close(); err != nil {
			t.Errorf("raw %v: Close: %v", raw, err)
		}
		// the reader goroutine is done with the session
		<-rows.stmt.c.sess.readDone
	}
}

// benchCols is the live check's table's shape: int, bigint, nvarchar,
// varchar, decimal, datetime2, bit, float.
func benchCols(n int) []testCol {
	cols := []testCol{
		{"id", []byte{typeIntN, 4}, rawByteLen, RawInt, nil},
		{"b", []byte{typeIntN, 8}, rawByteLen, RawInt, nil},
		{"nv", cat([]byte{typeNVarChar}, le16(200), latin1), rawShortLen, RawUTF16, nil},
		{"v", cat([]byte{typeBigVarChar}, le16(100), latin1), rawShortLen, RawOther, nil},
		{"d", []byte{typeDecimalN, 9, 18, 4}, rawByteLen, RawDecimal, nil},
		{"dt", []byte{typeDateTime2N, 7}, rawByteLen, RawOther, nil},
		{"bit", []byte{typeBitN, 1}, rawByteLen, RawBit, nil},
		{"f", []byte{typeFltN, 8}, rawByteLen, RawOther, nil},
	}
	for i := 0; i < n; i++ {
		vals := [][]byte{
			le32(uint32(i)), le64(uint64(i) * 1000003),
			ucs2(fmt.Sprintf("name %d", i)), []byte(fmt.Sprintf("code-%d", i%100)),
			dec(i%3 != 0, uint32(i*17), 0), cat([]byte{0, 0x5e, 0xd0, 0xb2, 0x02}, []byte{0x4b, 0x46, 0x0b}),
			{byte(i % 2)}, le64(math.Float64bits(float64(i) / 7)),
		}
		for j := range cols {
			cols[j].vals = append(cols[j].vals, vals[j])
		}
	}
	return cols
}

const benchRowCount = 10000

func benchStream() []byte {
	var r tdsReply
	r.resultSet(benchCols(benchRowCount), false)
	return r.b
}

// benchRows reads the stream b.N times with read and reports per-row
// figures.
func benchRows(b *testing.B, raw bool, read func(*Rows) int) {
	replies := packets(benchStream(), 32767)
	ctx := context.Background()
	if raw {
		ctx = WithRawRows(ctx, acceptAll)
	}
	var ms0, ms1 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	b.ResetTimer()
	rowsRead := 0
	for i := 0; i < b.N; i++ {
		rows := openPackets(b, ctx, replies, 32767)
		rowsRead += read(rows)
		rows.Close()
	}
	b.StopTimer()
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(rowsRead), "ns/row")
	b.ReportMetric(float64(ms1.Mallocs-ms0.Mallocs)/float64(rowsRead), "allocs/row")
}

func BenchmarkRawRows(b *testing.B) {
	benchRows(b, true, func(rows *Rows) int {
		n := 0
		var dst [][]byte
		for {
			batch, err := rows.NextRawBatch()
			if err != nil {
				return n
			}
			for batch.Next() {
				dst = batch.Row(dst)
				n++
			}
		}
	})
}

func BenchmarkBoxedRows(b *testing.B) {
	benchRows(b, false, func(rows *Rows) int {
		n := 0
		dest := make([]driver.Value, 8)
		for rows.Next(dest) == nil {
			n++
		}
		return n
	})
}

// TestRawRowsLiveMatchTheUsualRows reads a table of the real engine both
// ways. It needs MSSQLDUMP_TEST_MSSQL_DSN.
func TestRawRowsLiveMatchTheUsualRows(t *testing.T) {
	dsn := os.Getenv("MSSQLDUMP_TEST_MSSQL_DSN")
	if dsn == "" {
		t.Skip("MSSQLDUMP_TEST_MSSQL_DSN not set")
	}
	const q = "SELECT TOP 20000 * FROM speedbench.dbo.wide ORDER BY id"
	db, err := sql.Open("sqlserver", dsn)
	if err != nil {
		t.Fatal("open failed") // the error may quote the DSN
	}
	defer db.Close()
	ctx := context.Background()
	usual := liveUsual(t, ctx, db, q)
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatalf("conn: %v", err)
	}
	defer conn.Close()
	var raw [][]driver.Value
	var kinds []RawKind
	err = conn.Raw(func(dc any) error {
		rawCtx := WithRawRows(ctx, acceptAll)
		stmt, err := dc.(driver.ConnPrepareContext).PrepareContext(rawCtx, q)
		if err != nil {
			return err
		}
		defer stmt.Close()
		dr, err := stmt.(driver.StmtQueryContext).QueryContext(rawCtx, nil)
		if err != nil {
			return err
		}
		rows := dr.(*Rows)
		defer rows.Close()
		rc := rows.RawColumns()
		if rc == nil {
			return errors.New("result set not read as raw rows")
		}
		for _, c := range rc {
			kinds = append(kinds, c.Kind)
		}
		raw, err = liveRaw(rows, rc)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	wantKinds := []RawKind{RawInt, RawInt, RawUTF16, RawOther, RawDecimal, RawOther, RawBit, RawOther}
	if !reflect.DeepEqual(kinds, wantKinds) {
		t.Errorf("kinds %v, want %v", kinds, wantKinds)
	}
	if len(raw) != len(usual) || len(raw) == 0 {
		t.Fatalf("%d raw rows, %d usual", len(raw), len(usual))
	}
	for i := range raw {
		if !reflect.DeepEqual(raw[i], usual[i]) {
			t.Fatalf("row %d: raw %.200v, usual %.200v", i, raw[i], usual[i])
		}
	}
	t.Logf("%d rows equal", len(raw))
}

// liveUsual reads q through database/sql, keeping the driver's values.
func liveUsual(t *testing.T, ctx context.Context, db *sql.DB, q string) [][]driver.Value {
	t.Helper()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatalf("conn: %v", err)
	}
	defer conn.Close()
	var out [][]driver.Value
	err = conn.Raw(func(dc any) error {
		stmt, err := dc.(driver.ConnPrepareContext).PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		defer stmt.Close()
		dr, err := stmt.(driver.StmtQueryContext).QueryContext(ctx, nil)
		if err != nil {
			return err
		}
		defer dr.Close()
		for {
			dest := make([]driver.Value, len(dr.Columns()))
			if err := dr.Next(dest); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
			out = append(out, dest)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// liveRaw reads a raw result set, decoding each value.
func liveRaw(rows *Rows, rc []RawColumn) ([][]driver.Value, error) {
	var out [][]driver.Value
	var dst [][]byte
	for {
		b, err := rows.NextRawBatch()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		for b.Next() {
			dst = b.Row(dst)
			row := make([]driver.Value, len(dst))
			for i, v := range dst {
				row[i] = rc[i].Decode(v)
			}
			out = append(out, row)
		}
	}
}

func TestRawRowsCancelledMidReadEndsWithTheContextError(t *testing.T) {
	const n = 100000
	cols := manyRows(n)
	var r, attn tdsReply
	r.resultSet(cols, false)
	attn.done(0x20, 0) // the server's answer to the attention
	replies := append(packets(r.b, 4096), packets(attn.b, 4096)...)
	for _, raw := range []bool{false, true} {
		ctx, cancel := context.WithCancel(context.Background())
		if raw {
			ctx = WithRawRows(ctx, acceptAll)
		}
		rows := openPackets(t, ctx, replies, 4096)
		dest := make([]driver.Value, 2)
		if err := rows.Next(dest); err != nil {
			t.Fatal(err)
		}
		cancel()
		read := 1
		var err error
		for err == nil {
			if err = rows.Next(dest); err == nil {
				read++
			}
		}
		// buffered rows may still come, but not all of them, then the
		// context's error
		if !errors.Is(err, context.Canceled) || read >= n {
			t.Errorf("raw %v: %d rows then %v; want fewer than %d then context.Canceled", raw, read, err, n)
		}
		rows.Close()
	}
}
