package tsql

// The session options, DBCC commands and DBCC options the scripter emits.
// Every one the DDL and data writers write comes from here, and
// scripter/ddl/vocabulary_test.go checks each spelling against Microsoft's
// T-SQL reference and scans the scripts for any that bypass this table: a
// misspelled option ("ARITH_ABORT" for ARITHABORT) fails batch 1 of every
// restore, and golden files alone would only pin the typo.
const (
	SetNoCount              = "NOCOUNT"
	SetAnsiNulls            = "ANSI_NULLS"
	SetAnsiPadding          = "ANSI_PADDING"
	SetAnsiWarnings         = "ANSI_WARNINGS"
	SetArithAbort           = "ARITHABORT"
	SetConcatNullYieldsNull = "CONCAT_NULL_YIELDS_NULL"
	SetNumericRoundAbort    = "NUMERIC_ROUNDABORT"
	SetQuotedIdentifier     = "QUOTED_IDENTIFIER"
	SetIdentityInsert       = "IDENTITY_INSERT"

	DBCCCheckIdent = "CHECKIDENT"
	DBCCReseed     = "RESEED"
	DBCCNoInfoMsgs = "NO_INFOMSGS"
)

// SessionOption is one SET <option> ON|OFF.
type SessionOption struct {
	Name string
	On   bool
}

// String renders the statement, with its semicolon.
func (o SessionOption) String() string {
	v := "OFF"
	if o.On {
		v = "ON"
	}
	return "SET " + o.Name + " " + v + ";"
}

// SetStatements renders options one statement a line, each line ended by
// a newline.
func SetStatements(opts ...SessionOption) string {
	var b []byte
	for _, o := range opts {
		b = append(b, o.String()...)
		b = append(b, '\n')
	}
	return string(b)
}
