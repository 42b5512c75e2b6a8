package faketds

import (
	"encoding/binary"

	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// Result-set tokens (MS-TDS 2.2.7) and the TYPE_INFO and value encodings of
// the types a test result set uses, for StartAnswering's replies.

const (
	tokenColMetadata = 0x81
	tokenRow         = 0xD1

	typeBitN       = 0x68
	typeIntN       = 0x26
	typeFltN       = 0x6D
	typeDecimalN   = 0x6A
	typeDateTime2N = 0x2A
	typeBigVarChar = 0xA7
	typeNVarChar   = 0xE7
	typeBigVarBin  = 0xA5
)

// latin1CIAS is SQL_Latin1_General_CP1_CI_AS (code page 1252).
var latin1CIAS = []byte{0x09, 0x04, 0xD0, 0x00, 0x34}

// Column is one column of COLMETADATA: its name and TYPE_INFO.
type Column struct {
	Name     string
	TypeInfo []byte
}

// The TYPE_INFO of each type.
func IntN(size int) []byte { return []byte{typeIntN, byte(size)} }
func BitN() []byte         { return []byte{typeBitN, 1} }
func FltN() []byte         { return []byte{typeFltN, 8} }
func DecimalN(prec, scale int) []byte {
	return []byte{typeDecimalN, byte(tsql.DecimalStorage(prec)), byte(prec), byte(scale)}
}
func DateTime2N(scale int) []byte   { return []byte{typeDateTime2N, byte(scale)} }
func NVarChar(maxBytes int) []byte  { return append(shortLen(typeNVarChar, maxBytes), latin1CIAS...) }
func VarChar(maxBytes int) []byte   { return append(shortLen(typeBigVarChar, maxBytes), latin1CIAS...) }
func VarBinary(maxBytes int) []byte { return shortLen(typeBigVarBin, maxBytes) }

func shortLen(typ byte, n int) []byte { return []byte{typ, byte(n), byte(n >> 8)} }

// ColMetadata announces a result set of cols (nullable, updatable unknown).
func ColMetadata(cols ...Column) []byte {
	b := []byte{tokenColMetadata, byte(len(cols)), byte(len(cols) >> 8)}
	for _, c := range cols {
		b = append(b, 0, 0, 0, 0) // UserType
		b = append(b, 0x01, 0x00) // Flags: nullable
		b = append(b, c.TypeInfo...)
		name := ucs2(c.Name)
		b = append(b, byte(len(name)/2))
		b = append(b, name...)
	}
	return b
}

// Row is a ROW token of values already in their wire form (ByteLen,
// ShortLen).
func Row(values ...[]byte) []byte {
	b := []byte{tokenRow}
	for _, v := range values {
		b = append(b, v...)
	}
	return b
}

// ByteLen is a value of a BYTELEN type (intN, bitN, fltN, decimalN,
// datetime2N): nil is NULL.
func ByteLen(v []byte) []byte {
	if v == nil {
		return []byte{0}
	}
	return append([]byte{byte(len(v))}, v...)
}

// ShortLen is a value of a USHORTLEN type (nvarchar, varchar, varbinary
// up to 8000 bytes): nil is NULL.
func ShortLen(v []byte) []byte {
	if v == nil {
		return []byte{0xff, 0xff}
	}
	return append(binary.LittleEndian.AppendUint16(nil, uint16(len(v))), v...)
}

// UTF16 is s in UTF-16LE, the wire form of nvarchar.
func UTF16(s string) []byte { return ucs2(s) }

// Done ends a statement that returned rows rows.
func Done(rows uint64) []byte {
	b := []byte{tokenDone, 0x10, 0x00, 0xC1, 0x00} // DONE_COUNT, SELECT
	return binary.LittleEndian.AppendUint64(b, rows)
}
