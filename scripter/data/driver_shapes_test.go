package data

// These tests feed the writer exactly what go-mssqldb v1.11.2 hands to
// database/sql for the SELECT list a Plan builds. The drv* functions below
// are line-for-line replicas of the driver's decoders in types.go (no SQL
// Server runs here, so the wire bytes are built by hand in the TDS layout the
// decoder reads). Each test then parses the written literal back with
// tsql.ParseLiteral and checks that it means the stored value.

import (
	"encoding/binary"
	"math"
	"math/big"
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Europe/Berlin on machines without a zoneinfo database

	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// drvDecodeDateTime is types.go decodeDateTime (loc = UTC, the default
// "timezone" of a connection string).
func drvDecodeDateTime(buf []byte) time.Time {
	days := int32(binary.LittleEndian.Uint32(buf))
	tm := binary.LittleEndian.Uint32(buf[4:])
	ns := int(math.Trunc(float64(int(tm%300))/0.3+0.5)) * 1000000 // threeHundredthsOfASecondToNanos
	secs := int(tm / 300)
	return time.Date(1900, 1, 1+int(days), 0, 0, secs, ns, time.UTC)
}

// drvDecodeDateTim4 is types.go decodeDateTim4 (smalldatetime).
func drvDecodeDateTim4(buf []byte) time.Time {
	days := binary.LittleEndian.Uint16(buf)
	mins := binary.LittleEndian.Uint16(buf[2:])
	return time.Date(1900, 1, 1+int(days), 0, int(mins), 0, 0, time.UTC)
}

func drvDecodeDateInt(buf []byte) int {
	return int(buf[0]) + int(buf[1])*256 + int(buf[2])*256*256
}

// drvDecodeDate is types.go decodeDate.
func drvDecodeDate(buf []byte) time.Time {
	return time.Date(1, 1, 1+drvDecodeDateInt(buf), 0, 0, 0, 0, time.UTC)
}

// drvDecodeTimeInt is types.go decodeTimeInt.
func drvDecodeTimeInt(scale uint8, buf []byte) (sec int, ns int) {
	var acc uint64
	for i := len(buf) - 1; i >= 0; i-- {
		acc <<= 8
		acc |= uint64(buf[i])
	}
	for i := 0; i < 7-int(scale); i++ {
		acc *= 10
	}
	nsbig := acc * 100
	return int(nsbig / 1000000000), int(nsbig % 1000000000)
}

// drvDecodeTime is types.go decodeTime.
func drvDecodeTime(scale uint8, buf []byte) time.Time {
	sec, ns := drvDecodeTimeInt(scale, buf)
	return time.Date(1, 1, 1, 0, 0, sec, ns, time.UTC)
}

// drvDecodeDateTime2 is types.go decodeDateTime2.
func drvDecodeDateTime2(scale uint8, buf []byte) time.Time {
	timesize := len(buf) - 3
	sec, ns := drvDecodeTimeInt(scale, buf[:timesize])
	days := drvDecodeDateInt(buf[timesize:])
	return time.Date(1, 1, 1+days, 0, 0, sec, ns, time.UTC)
}

// drvDecodeDateTimeOffset is types.go decodeDateTimeOffset: the wire
// carries UTC and the offset in minutes; the driver returns the local wall
// clock in a time.FixedZone of that offset.
func drvDecodeDateTimeOffset(scale uint8, buf []byte) time.Time {
	timesize := len(buf) - 3 - 2
	sec, ns := drvDecodeTimeInt(scale, buf[:timesize])
	buf = buf[timesize:]
	days := drvDecodeDateInt(buf[:3])
	buf = buf[3:]
	offset := int(int16(binary.LittleEndian.Uint16(buf)))
	return time.Date(1, 1, 1+days, 0, 0, sec+offset*60, ns, time.FixedZone("", offset*60))
}

// drvScaleBytes is internal/decimal ScaleBytes.
func drvScaleBytes(s string, scale uint8) []byte {
	z := make([]byte, 0, len(s)+1)
	if s[0] == '-' || s[0] == '+' {
		z = append(z, s[0])
		s = s[1:]
	}
	pos := len(s) - int(scale)
	if pos <= 0 {
		z = append(z, '0')
	} else {
		z = append(z, s[:pos]...)
	}
	if scale > 0 {
		z = append(z, '.')
		for pos < 0 {
			z = append(z, '0')
			pos++
		}
		z = append(z, s[pos:]...)
	}
	return z
}

// drvDecodeDecimal is types.go decodeDecimal (Decimal.Bytes: the 128-bit
// magnitude as big.Int text, scaled).
func drvDecodeDecimal(scale uint8, buf []byte) []byte {
	positive := buf[0] != 0
	var be [16]byte
	mag := buf[1:]
	for i := 0; i < len(mag)/4; i++ {
		binary.BigEndian.PutUint32(be[12-4*i:16-4*i], binary.LittleEndian.Uint32(mag[4*i:]))
	}
	var x big.Int
	x.SetBytes(be[:])
	if !positive {
		x.Neg(&x)
	}
	return drvScaleBytes(x.String(), scale)
}

// drvDecodeMoney is types.go decodeMoney: the high 32 bits come first.
func drvDecodeMoney(buf []byte) []byte {
	money := int64(uint64(buf[4]) | uint64(buf[5])<<8 | uint64(buf[6])<<16 | uint64(buf[7])<<24 |
		uint64(buf[0])<<32 | uint64(buf[1])<<40 | uint64(buf[2])<<48 | uint64(buf[3])<<56)
	return drvScaleBytes(strconv.FormatInt(money, 10), 4)
}

// drvDecodeMoney4 is types.go decodeMoney4.
func drvDecodeMoney4(buf []byte) []byte {
	return drvScaleBytes(strconv.FormatInt(int64(int32(binary.LittleEndian.Uint32(buf))), 10), 4)
}

// drvDecodeGuid is types.go decodeGuid; with guidConversion (the
// connection string's "guid conversion=true") the first three groups are
// byte-swapped into canonical order.
func drvDecodeGuid(buf []byte, guidConversion bool) []byte {
	res := make([]byte, 16)
	copy(res, buf)
	if guidConversion {
		binary.LittleEndian.PutUint32(res[0:4], binary.BigEndian.Uint32(res[0:4]))
		binary.LittleEndian.PutUint16(res[4:6], binary.BigEndian.Uint16(res[4:6]))
		binary.LittleEndian.PutUint16(res[6:8], binary.BigEndian.Uint16(res[6:8]))
	}
	return res
}

// Wire encoders (TDS layouts, as SQL Server sends them).

func wireDateTime(days int32, ticks uint32) []byte {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint32(b, uint32(days))
	binary.LittleEndian.PutUint32(b[4:], ticks)
	return b
}

func wireTime(scale int, units uint64) []byte {
	n := 3
	if scale > 4 {
		n = 5
	} else if scale > 2 {
		n = 4
	}
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(units >> (8 * i))
	}
	return b
}

func wireDate(days int) []byte { return []byte{byte(days), byte(days >> 8), byte(days >> 16)} }

// daysSince0001 counts days from 0001-01-01, as the wire does.
func daysSince0001(y int, m time.Month, d int) int {
	// Unix seconds: a time.Duration would overflow after 292 years.
	return int((time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() - time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix()) / 86400)
}

func wireDecimal(neg bool, mag *big.Int) []byte {
	b := make([]byte, 17)
	if !neg {
		b[0] = 1
	}
	be := make([]byte, 16)
	mag.FillBytes(be)
	for i := 0; i < 4; i++ {
		binary.LittleEndian.PutUint32(b[1+4*i:], binary.BigEndian.Uint32(be[12-4*i:16-4*i]))
	}
	return b
}

func wireMoney(v int64) []byte {
	b := make([]byte, 8)
	binary.LittleEndian.PutUint32(b, uint32(uint64(v)>>32))
	binary.LittleEndian.PutUint32(b[4:], uint32(uint64(v)))
	return b
}

// oneColumn writes a one-column table of column c holding the given
// driver values, and returns each row's literal.
func oneColumn(t *testing.T, c *model.Column, vals ...any) []string {
	t.Helper()
	tb := &model.Table{QName: model.QName{Schema: "dbo", Name: "t"}, Columns: []*model.Column{c}}
	p := NewPlan(tb, "", "Latin1_General_CI_AS")
	rows := make([][]any, len(vals))
	for i, v := range vals {
		rows[i] = []any{v}
	}
	return literals(t, p, rows)
}

// literals writes rows and returns the text between the parentheses of
// each VALUES row (one-column plans only).
func literals(t *testing.T, p *Plan, rows [][]any) []string {
	t.Helper()
	out := writeRows(t, p, rows, Limits{RowsPerInsert: 1000})
	var lits []string
	for _, line := range strings.Split(out, "\n") {
		if strings.HasPrefix(line, "(") {
			line = strings.TrimSuffix(strings.TrimSuffix(line, ","), ";")
			lits = append(lits, line[1:len(line)-1])
		}
	}
	if len(lits) != len(rows) {
		t.Fatalf("%d literals for %d rows in\n%s", len(lits), len(rows), out)
	}
	return lits
}

func mustParse(t *testing.T, lit string, typ tsql.Type) any {
	t.Helper()
	v, err := tsql.ParseLiteral(lit, typ)
	if err != nil {
		t.Fatalf("ParseLiteral(%q, %s): %v", lit, typ, err)
	}
	return v
}

// TestDatetimeKeepsEveryTickOfTheDriver: decodeDateTime turns the 1/300 s
// tick into the nearest millisecond; the literal must be the millisecond
// SQL Server itself prints for that tick (.xx0, .xx3, .xx7), which it
// parses back to the same tick.
func TestDatetimeKeepsEveryTickOfTheDriver(t *testing.T) {
	c := col("d", "datetime", 8, 23, 3)
	days := int32(daysSince0001(2024, 2, 29) - daysSince0001(1900, 1, 1))
	var vals []any
	for tick := uint32(0); tick < 300; tick++ {
		vals = append(vals, drvDecodeDateTime(wireDateTime(days, 86399*300+tick)))
	}
	// The range ends: 1753-01-01 (negative days) and 9999-12-31 23:59:59.997.
	vals = append(vals, drvDecodeDateTime(wireDateTime(-53690, 0)), drvDecodeDateTime(wireDateTime(2958463, 86399*300+299)))
	lits := oneColumn(t, c, vals...)
	for tick := 0; tick < 300; tick++ {
		ms := 10*(tick/3) + [3]int{0, 3, 7}[tick%3]
		want := "'2024-02-29T23:59:59." + strconv.Itoa(1000 + ms)[1:] + "'"
		if lits[tick] != want {
			t.Errorf("tick %d: %s, want %s", tick, lits[tick], want)
		}
		if back := mustParse(t, lits[tick], EncodeType(c)); !tsql.Equal(back, vals[tick]) {
			t.Errorf("tick %d: %s parses to %v, driver gave %v", tick, lits[tick], back, vals[tick])
		}
	}
	if lits[300] != "'1753-01-01T00:00:00.000'" || lits[301] != "'9999-12-31T23:59:59.997'" {
		t.Errorf("range ends: %s, %s", lits[300], lits[301])
	}
}

func TestSmalldatetimeAndDateFromTheDriver(t *testing.T) {
	sdt := oneColumn(t, col("s", "smalldatetime", 4, 16, 0),
		drvDecodeDateTim4([]byte{0, 0, 0, 0}), drvDecodeDateTim4([]byte{0xff, 0xff, 0x9f, 0x05})) // 2079-06-06 23:59
	if sdt[0] != "'1900-01-01T00:00:00'" || sdt[1] != "'2079-06-06T23:59:00'" {
		t.Errorf("smalldatetime: %v", sdt)
	}
	d := oneColumn(t, col("d", "date", 3, 10, 0),
		drvDecodeDate(wireDate(0)), drvDecodeDate(wireDate(daysSince0001(9999, 12, 31))), drvDecodeDate(wireDate(daysSince0001(2000, 2, 29))))
	if strings.Join(d, " ") != "'0001-01-01' '9999-12-31' '2000-02-29'" {
		t.Errorf("date: %v", d)
	}
}

// TestTimeDatetime2AndDatetimeoffsetAtEveryScale: the driver returns
// time(n) on 0001-01-01, datetime2(n) in UTC and datetimeoffset(n) as the
// local wall clock in a FixedZone; every stored digit and the offset must
// reach the literal.
func TestTimeDatetime2AndDatetimeoffsetAtEveryScale(t *testing.T) {
	for scale := 0; scale <= 7; scale++ {
		units := uint64(math.Pow10(scale))
		maxUnits := 86400*units - 1 // 23:59:59.999... at this scale
		frac := ""
		if scale > 0 {
			frac = "." + strings.Repeat("9", scale)
		}
		tm := oneColumn(t, col("t", "time", 5, 16, scale), drvDecodeTime(uint8(scale), wireTime(scale, maxUnits)))
		if want := "'23:59:59" + frac + "'"; tm[0] != want {
			t.Errorf("time(%d): %s, want %s", scale, tm[0], want)
		}

		lastDay := wireDate(daysSince0001(9999, 12, 31))
		dt2 := oneColumn(t, col("d", "datetime2", 8, 27, scale),
			drvDecodeDateTime2(uint8(scale), append(wireTime(scale, maxUnits), lastDay...)),
			drvDecodeDateTime2(uint8(scale), append(wireTime(scale, 1), wireDate(0)...)))
		wantFirst := "'0001-01-01T00:00:01'" // one unit of scale 0 is a second
		if scale > 0 {
			wantFirst = "'0001-01-01T00:00:00." + strings.Repeat("0", scale-1) + "1'"
		}
		if want := "'9999-12-31T23:59:59" + frac + "'"; dt2[0] != want || dt2[1] != wantFirst {
			t.Errorf("datetime2(%d): %v, want %s and %s", scale, dt2, want, wantFirst)
		}

		// Stored UTC 2024-03-01 01:30:00 with offset -05:45 (-345 min):
		// local wall clock 2024-02-29 19:45:00.
		c := col("o", "datetimeoffset", 10, 34, scale)
		wire := func(offMin int16, utcUnits uint64, day int) []byte {
			b := append(wireTime(scale, utcUnits), wireDate(day)...)
			return binary.LittleEndian.AppendUint16(b, uint16(offMin))
		}
		vals := []any{
			drvDecodeDateTimeOffset(uint8(scale), wire(-345, 5400*units+maxUnits%units, daysSince0001(2024, 3, 1))),
			drvDecodeDateTimeOffset(uint8(scale), wire(14*60, 0, daysSince0001(2024, 1, 1))),
			drvDecodeDateTimeOffset(uint8(scale), wire(-14*60, maxUnits, daysSince0001(9999, 12, 31)-1)),
		}
		dto := oneColumn(t, c, vals...)
		want := []string{
			"'2024-02-29T19:45:00" + frac + "-05:45'",
			"'2024-01-01T14:00:00" + strings.Replace(frac, "9", "0", -1) + "+14:00'",
			"'9999-12-30T09:59:59" + frac + "-14:00'",
		}
		for i := range want {
			if dto[i] != want[i] {
				t.Errorf("datetimeoffset(%d) #%d: %s, want %s", scale, i, dto[i], want[i])
			}
			if back := mustParse(t, dto[i], EncodeType(c)); !tsql.Equal(back, vals[i]) {
				t.Errorf("datetimeoffset(%d) #%d: %s parses to %v, driver gave %v", scale, i, dto[i], back, vals[i])
			}
		}
	}
}

// TestDecimalAndMoneyTextOfTheDriver: decimal/numeric arrive as []byte
// text of the exact 128-bit value, money as []byte with four decimals.
func TestDecimalAndMoneyTextOfTheDriver(t *testing.T) {
	max38, _ := new(big.Int).SetString(strings.Repeat("9", 38), 10)
	small := big.NewInt(5)
	cases := []struct {
		scale int
		neg   bool
		mag   *big.Int
		want  string
	}{
		{0, false, max38, strings.Repeat("9", 38)},
		{0, true, max38, "-" + strings.Repeat("9", 38)},
		{10, false, max38, strings.Repeat("9", 28) + "." + strings.Repeat("9", 10)},
		{38, true, max38, "-0." + strings.Repeat("9", 38)},
		{38, false, small, "0." + strings.Repeat("0", 37) + "5"},
		{4, true, small, "-0.0005"},
		{2, true, new(big.Int), "0.00"}, // negative zero has no sign
	}
	for _, tc := range cases {
		v := drvDecodeDecimal(uint8(tc.scale), wireDecimal(tc.neg, tc.mag))
		c := col("n", "numeric", 17, 38, tc.scale)
		lit := oneColumn(t, c, v)[0]
		if lit != tc.want {
			t.Errorf("decimal(38,%d): %s, want %s", tc.scale, lit, tc.want)
		}
	}
	money := oneColumn(t, col("m", "money", 8, 19, 4),
		drvDecodeMoney(wireMoney(math.MinInt64)), drvDecodeMoney(wireMoney(math.MaxInt64)), drvDecodeMoney(wireMoney(-1)), drvDecodeMoney(wireMoney(1234500)))
	if got := strings.Join(money, " "); got != "-922337203685477.5808 922337203685477.5807 -0.0001 123.4500" {
		t.Errorf("money: %s", got)
	}
	small4 := oneColumn(t, col("m", "smallmoney", 4, 10, 4),
		drvDecodeMoney4(binary.LittleEndian.AppendUint32(nil, uint32(0x80000000))), drvDecodeMoney4(binary.LittleEndian.AppendUint32(nil, 0x7fffffff)))
	if got := strings.Join(small4, " "); got != "-214748.3648 214748.3647" {
		t.Errorf("smallmoney: %s", got)
	}
}

// TestScalarsOfTheDriver: bit is bool, every integer type int64, float
// float64, real float64(float32) (readFixedType / readByteLenType).
func TestScalarsOfTheDriver(t *testing.T) {
	if got := oneColumn(t, col("b", "bit", 1, 1, 0), true, false); got[0] != "1" || got[1] != "0" {
		t.Errorf("bit: %v", got)
	}
	for _, tc := range []struct {
		typ string
		v   int64
	}{{"tinyint", 255}, {"smallint", math.MinInt16}, {"int", math.MinInt32}, {"bigint", math.MinInt64}, {"bigint", math.MaxInt64}} {
		if got := oneColumn(t, col("i", tc.typ, 8, 19, 0), tc.v)[0]; got != strconv.FormatInt(tc.v, 10) {
			t.Errorf("%s: %s", tc.typ, got)
		}
	}
	for _, f := range []float32{0.1, math.MaxFloat32, math.SmallestNonzeroFloat32, -1.5} {
		v := float64(math.Float32frombits(math.Float32bits(f))) // readFixedType typeFlt4
		c := col("r", "real", 4, 24, 0)
		lit := oneColumn(t, c, v)[0]
		if back := mustParse(t, lit, EncodeType(c)); !tsql.Equal(back, v) {
			t.Errorf("real %v: %s parses to %v", f, lit, back)
		}
	}
	for _, f := range []float64{0.1, math.MaxFloat64, 5e-324, math.Copysign(0, -1), 1e22} {
		c := col("f", "float", 8, 53, 0)
		lit := oneColumn(t, c, f)[0]
		if back := mustParse(t, lit, EncodeType(c)); !tsql.Equal(back, f) {
			t.Errorf("float %v: %s parses to %v", f, lit, back)
		}
	}
}

// TestUniqueidentifierIsReadAsStorageBytes: the plan reads a
// uniqueidentifier as binary(16), which go-mssqldb returns as the storage
// bytes whatever "guid conversion" says; its decodeGuid would otherwise
// reorder them under guid conversion=true and scramble the written value.
func TestUniqueidentifierIsReadAsStorageBytes(t *testing.T) {
	c := col("g", "uniqueidentifier", 16, 0, 0)
	tb := &model.Table{QName: model.QName{Schema: "dbo", Name: "t"}, Columns: []*model.Column{c}}
	p := NewPlan(tb, "", "")
	if got := p.Columns[0].Select; got != "CAST([g] AS binary(16))" {
		t.Errorf("select = %s", got)
	}
	// 6F9619FF-8B86-D011-B42D-00C04FC964FF is stored (and sent as binary) as:
	stored := []byte{0xFF, 0x19, 0x96, 0x6F, 0x86, 0x8B, 0x11, 0xD0, 0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9, 0x64, 0xFF}
	if got := oneColumn(t, c, stored)[0]; got != "'6F9619FF-8B86-D011-B42D-00C04FC964FF'" {
		t.Errorf("literal = %s", got)
	}
	// What reading the column itself would give under guid conversion=true:
	// proof that the binary read is needed.
	if got := oneColumn(t, c, drvDecodeGuid(stored, true))[0]; got == "'6F9619FF-8B86-D011-B42D-00C04FC964FF'" {
		t.Errorf("guid conversion no longer reorders bytes; the binary(16) read may be unnecessary")
	}
}

// TestCharacterColumnsAreDecodedByTheServer: char/varchar/text are read
// as nvarchar, so the value is UTF-16 decoded by go-mssqldb (exact), not
// code-page decoded by it (no UTF-8 collations, U+FFFD for undefined bytes).
func TestCharacterColumnsAreDecodedByTheServer(t *testing.T) {
	tb := &model.Table{QName: model.QName{Schema: "dbo", Name: "t"}, Columns: []*model.Column{
		col("c", "char", 10, 0, 0), col("v", "varchar", 4000, 0, 0), col("w", "varchar", 8000, 0, 0),
		col("m", "varchar", -1, 0, 0), col("x", "text", 16, 0, 0), col("n", "nvarchar", 20, 0, 0)}}
	p := NewPlan(tb, "", "")
	want := []string{"CAST([c] AS nvarchar(10))", "CAST([v] AS nvarchar(4000))", "CAST([w] AS nvarchar(max))",
		"CAST([m] AS nvarchar(max))", "CAST([x] AS nvarchar(max))", "CAST([n] AS varbinary(20))"}
	for i, c := range p.Columns {
		if c.Select != want[i] {
			t.Errorf("%s: select %s, want %s", c.Name, c.Select, want[i])
		}
	}
	// What the server's cp1252 -> UTF-16 conversion gives for 0xE9 0x80 0x81 0x20
	// (é, €, the C1 control U+0081, the char(n) padding) reaches the
	// literal unchanged, and converts back to the same bytes on INSERT.
	lits := literals(t, p, [][]any{{"é€\u0081 ", "a$(b)", "x", "y", "z", []byte{'n', 0}}})
	if !strings.HasPrefix(lits[0], "N'é€\u0081 ', N'a$'+N'(b)', N'x', N'y', N'z', N'n'") {
		t.Errorf("row = %s", lits[0])
	}
}

// TestVariantOfEveryBaseType: the value as go-mssqldb's decodeVariant
// returns it for the plan's value expression, next to the properties the
// plan selects, restores to the same base type and value.
func TestVariantOfEveryBaseType(t *testing.T) {
	c := col("v", "sql_variant", 8016, 0, 0)
	tb := &model.Table{QName: model.QName{Schema: "dbo", Name: "t"}, Columns: []*model.Column{c}}
	p := NewPlan(tb, "", "Latin1_General_CI_AS")
	sel := p.Columns[0].Select
	for _, part := range []string{
		"CASE WHEN CAST(SQL_VARIANT_PROPERTY([v], 'BaseType') AS sysname) = N'uniqueidentifier' THEN CAST(CAST([v] AS binary(16)) AS sql_variant)",
		"WHEN CAST(SQL_VARIANT_PROPERTY([v], 'BaseType') AS sysname) IN (N'nchar', N'nvarchar') THEN CAST(CAST([v] AS varbinary(8000)) AS sql_variant)",
		"WHEN CAST(SQL_VARIANT_PROPERTY([v], 'BaseType') AS sysname) IN (N'char', N'varchar') AND DATALENGTH([v]) <= 4000 THEN CAST(CAST([v] AS nvarchar(4000)) AS sql_variant)",
		"ELSE [v] END, CAST(SQL_VARIANT_PROPERTY([v], 'BaseType') AS sysname)",
	} {
		if !strings.Contains(sel, part) {
			t.Errorf("variant select lacks %q:\n%s", part, sel)
		}
	}
	days := int32(daysSince0001(2024, 2, 29) - daysSince0001(1900, 1, 1))
	guid := []byte{0xFF, 0x19, 0x96, 0x6F, 0x86, 0x8B, 0x11, 0xD0, 0xB4, 0x2D, 0x00, 0xC0, 0x4F, 0xC9, 0x64, 0xFF}
	max38, _ := new(big.Int).SetString(strings.Repeat("9", 38), 10)
	dto := append(append(wireTime(7, 5400*10000000+1234567), wireDate(daysSince0001(2024, 3, 1))...), 0xA7, 0xFE) // -345 min
	cases := []struct {
		row  []any // value, BaseType, Precision, Scale, MaxLength, Collation
		want string
	}{
		{[]any{true, "bit", int64(1), int64(0), int64(1), nil}, "CAST(1 AS bit)"},
		{[]any{int64(255), "tinyint", int64(3), int64(0), int64(1), nil}, "CAST(255 AS tinyint)"},
		{[]any{int64(-32768), "smallint", int64(5), int64(0), int64(2), nil}, "CAST(-32768 AS smallint)"},
		{[]any{int64(-2147483648), "int", int64(10), int64(0), int64(4), nil}, "CAST(-2147483648 AS int)"},
		{[]any{int64(math.MinInt64), "bigint", int64(19), int64(0), int64(8), nil}, "CAST(-9223372036854775808 AS bigint)"},
		{[]any{drvDecodeDecimal(10, wireDecimal(true, max38)), "decimal", int64(38), int64(10), int64(17), nil},
			"CAST(-" + strings.Repeat("9", 28) + "." + strings.Repeat("9", 10) + " AS decimal(38,10))"},
		{[]any{drvDecodeDecimal(2, wireDecimal(false, big.NewInt(1))), "numeric", int64(5), int64(2), int64(5), nil}, "CAST(0.01 AS numeric(5,2))"},
		{[]any{drvDecodeMoney(wireMoney(-1)), "money", int64(19), int64(4), int64(8), nil}, "CAST(-0.0001 AS money)"},
		{[]any{drvDecodeMoney4(binary.LittleEndian.AppendUint32(nil, 12345)), "smallmoney", int64(10), int64(4), int64(4), nil}, "CAST(1.2345 AS smallmoney)"},
		{[]any{0.1, "float", int64(53), int64(0), int64(8), nil}, "CAST(1e-01 AS float)"},
		{[]any{float64(float32(0.1)), "real", int64(24), int64(0), int64(4), nil}, "CAST(1.0000000149011612e-01 AS real)"},
		{[]any{drvDecodeDateTime(wireDateTime(days, 300*3600+2)), "datetime", int64(23), int64(3), int64(8), nil}, "CAST('2024-02-29T01:00:00.007' AS datetime)"},
		{[]any{drvDecodeDateTim4([]byte{0, 0, 1, 0}), "smalldatetime", int64(16), int64(0), int64(4), nil}, "CAST('1900-01-01T00:01:00' AS smalldatetime)"},
		{[]any{drvDecodeDate(wireDate(0)), "date", int64(10), int64(0), int64(3), nil}, "CAST('0001-01-01' AS date)"},
		{[]any{drvDecodeTime(3, wireTime(3, 86399999)), "time", int64(12), int64(3), int64(4), nil}, "CAST('23:59:59.999' AS time(3))"},
		{[]any{drvDecodeDateTime2(7, append(wireTime(7, 1), wireDate(0)...)), "datetime2", int64(27), int64(7), int64(8), nil}, "CAST('0001-01-01T00:00:00.0000001' AS datetime2(7))"},
		{[]any{drvDecodeDateTimeOffset(7, dto), "datetimeoffset", int64(34), int64(7), int64(10), nil}, "CAST('2024-02-29T19:45:00.1234567-05:45' AS datetimeoffset(7))"},
		{[]any{[]byte{0, 1}, "varbinary", int64(0), int64(0), int64(8), nil}, "CAST(0x0001 AS varbinary(8))"},
		{[]any{[]byte{0, 1, 0}, "binary", int64(0), int64(0), int64(3), nil}, "CAST(0x000100 AS binary(3))"},
		{[]any{guid, "uniqueidentifier", int64(0), int64(0), int64(16), nil}, "CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier)"},
		{[]any{"é€", "varchar", int64(0), int64(0), int64(10), "Latin1_General_CI_AS"}, "CAST(N'é€' AS varchar(10))"},
		{[]any{"ab ", "char", int64(0), int64(0), int64(3), "Greek_CS_AS"}, "CAST((N'ab ') COLLATE Greek_CS_AS AS char(3))"},
		// nchar/nvarchar: UTF-16LE bytes (the plan's CAST(... AS varbinary(8000))).
		{[]any{[]byte{0xA9, 0x03}, "nvarchar", int64(0), int64(0), int64(20), "Latin1_General_CI_AS"}, "CAST(N'Ω' AS nvarchar(10))"},
		{[]any{[]byte{0x3D, 0xD8, 0x00, 0xDE}, "nchar", int64(0), int64(0), int64(4), "Japanese_XJIS_140_CI_AS_SC"}, "CAST((N'😀') COLLATE Japanese_XJIS_140_CI_AS_SC AS nchar(2))"},
		{[]any{[]byte{0x00, 0xD8}, "nvarchar", int64(0), int64(0), int64(8), "Latin1_General_CI_AS"}, "CAST(CONVERT(nvarchar(1),0x00D8) AS nvarchar(4))"},
	}
	for _, tc := range cases {
		lits := literals(t, p, [][]any{tc.row})
		if lits[0] != tc.want {
			t.Errorf("%s: %s, want %s", tc.row[1], lits[0], tc.want)
			continue
		}
		back, ok := mustParse(t, lits[0], EncodeType(c)).(tsql.Variant)
		want := tc.row[0]
		if b, isBytes := want.([]byte); isBytes && (tc.row[1] == "nvarchar" || tc.row[1] == "nchar") {
			want = tsql.UTF16(b)
		}
		if !ok || back.BaseType.Name != tc.row[1] || !tsql.Equal(back.Value, want) {
			t.Errorf("%s: %s parses to %#v", tc.row[1], lits[0], back)
		}
	}
}

// TestXMLAndCLRTypesFromTheDriver: xml is read as nvarchar(max) (string);
// hierarchyid/geometry/geography/CLR UDTs as varbinary(max) ([]byte).
func TestXMLAndCLRTypesFromTheDriver(t *testing.T) {
	if got := oneColumn(t, col("x", "xml", -1, 0, 0), "<a>\n x </a>")[0]; got != "CONVERT(xml,N'<a>'+NCHAR(10)+N' x </a>',1)" {
		t.Errorf("xml: %s", got)
	}
	for _, typ := range []string{"hierarchyid", "geometry", "geography"} {
		if got := oneColumn(t, col("u", typ, -1, 0, 0), []byte{0x58, 0xC0})[0]; got != "CAST(0x58C0 AS "+typ+")" {
			t.Errorf("%s: %s", typ, got)
		}
	}
	if got := oneColumn(t, col("b", "varbinary", -1, 0, 0), []byte{})[0]; got != "0x" {
		t.Errorf("empty varbinary: %s", got)
	}
}

// TestUnicodeColumnsKeepUnpairedSurrogates: nchar/nvarchar/ntext/sysname
// are read as varbinary, so the writer sees the stored UTF-16 units;
// go-mssqldb's decodeNChar (utf16.Decode) would have turned the lone
// surrogates below into U+FFFD.
func TestUnicodeColumnsKeepUnpairedSurrogates(t *testing.T) {
	units := []byte{'a', 0, 0x00, 0xD8, 0x3D, 0xD8, 0x00, 0xDE, 0xFF, 0xDF, '\\', 0} // a, lone high, 😀, lone low, backslash
	want := "N'a'+CONVERT(nvarchar(1),0x00D8)+N'😀'+CONVERT(nvarchar(1),0xFFDF)+NCHAR(92)"
	for _, c := range []*model.Column{col("nv", "nvarchar", 40, 0, 0), col("nc", "nchar", 12, 0, 0),
		col("nt", "ntext", 16, 0, 0), col("nm", "nvarchar", -1, 0, 0), col("sn", "sysname", 256, 0, 0)} {
		tb := &model.Table{QName: model.QName{Schema: "dbo", Name: "t"}, Columns: []*model.Column{c}}
		p := NewPlan(tb, "", "")
		if !p.Columns[0].UTF16 || !strings.HasPrefix(p.Columns[0].Select, "CAST([") || !strings.Contains(p.Columns[0].Select, " AS varbinary(") {
			t.Errorf("%s: select %s, UTF16 %v", c.Type.Name, p.Columns[0].Select, p.Columns[0].UTF16)
		}
		lit := literals(t, p, [][]any{{units}})[0]
		if lit != want {
			t.Errorf("%s: %s, want %s", c.Type.Name, lit, want)
		}
		if back := mustParse(t, lit, EncodeType(c)); !tsql.Equal(back, tsql.UTF16(units)) {
			t.Errorf("%s: %s parses to %q", c.Type.Name, lit, back)
		}
	}
	// Fixtures (and any reader that scans text) may still pass strings.
	if got := oneColumn(t, col("nv", "nvarchar", 40, 0, 0), "it's")[0]; got != "N'it''s'" {
		t.Errorf("string value: %s", got)
	}
}

// TestNonUTCConnectionTimeZoneNeverShiftsSilently: with the connection
// string's timezone=Europe/Berlin, go-mssqldb's decodeDateTime2 builds
// time.Date(1, 1, 1+days, 0, 0, sec, ns, loc), which moves a stored
// 2024-03-31 02:30 (inside the spring-forward gap) to 03:30. The writer
// must keep every other wall clock and refuse the ambiguous ones.
func TestNonUTCConnectionTimeZoneNeverShiftsSilently(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	decode := func(y int, m time.Month, d, h, mi int) time.Time { // decodeDateTime2 with loc
		days := daysSince0001(y, m, d)
		return time.Date(1, 1, 1+days, 0, 0, h*3600+mi*60, 0, berlin)
	}
	c := col("d", "datetime2", 8, 27, 0)
	tb := &model.Table{QName: model.QName{Schema: "dbo", Name: "t"}, Columns: []*model.Column{c}}
	p := NewPlan(tb, "", "")
	for _, ok := range []struct {
		v    time.Time
		want string
	}{
		{decode(2024, 3, 31, 1, 59), "'2024-03-31T01:59:00'"},
		{decode(2024, 3, 31, 4, 0), "'2024-03-31T04:00:00'"},
		{decode(2024, 10, 27, 2, 30), "'2024-10-27T02:30:00'"}, // the autumn fold keeps its wall clock
		{decode(2024, 7, 1, 12, 0), "'2024-07-01T12:00:00'"},
	} {
		if got := literals(t, p, [][]any{{ok.v}})[0]; got != ok.want {
			t.Errorf("%v: %s, want %s", ok.v, got, ok.want)
		}
	}
	for _, bad := range []time.Time{decode(2024, 3, 31, 2, 30), decode(2024, 3, 31, 3, 30)} {
		var out strings.Builder
		_, err := NewWriter(&out, Limits{}).WriteTable(p, &SliceRows{Rows: [][]any{{bad}}})
		if err == nil || !strings.Contains(err.Error(), "timezone=UTC") {
			t.Errorf("%v (wall clock %s) written without an error: %v", bad, bad.Format(time.DateTime), err)
		}
	}
	if decode(2024, 3, 31, 2, 30).Hour() != 3 {
		t.Errorf("time.Date no longer moves gap times; revisit checkWallClock")
	}
	// The same value in a sql_variant, and a datetimeoffset (FixedZone) is never checked.
	vp := NewPlan(&model.Table{QName: model.QName{Schema: "dbo", Name: "t"}, Columns: []*model.Column{col("v", "sql_variant", 8016, 0, 0)}}, "", "")
	if _, err := NewWriter(&strings.Builder{}, Limits{}).WriteTable(vp, &SliceRows{Rows: [][]any{{decode(2024, 3, 31, 2, 30), "datetime2", int64(19), int64(0), int64(6), nil}}}); err == nil {
		t.Errorf("gap-shifted variant datetime2 written without an error")
	}
	dto := oneColumn(t, col("o", "datetimeoffset", 10, 34, 0), time.Date(2024, 3, 31, 3, 30, 0, 0, time.FixedZone("", 7200)))
	if dto[0] != "'2024-03-31T03:30:00+02:00'" {
		t.Errorf("datetimeoffset: %s", dto[0])
	}
}
