// Package tsql holds the pure encoders every part of the scripter builds on:
// identifier quoting, type names, and value literals. Nothing here touches a
// database; everything appends into a caller's buffer.
//
// # API
//
//   - QuoteIdent / AppendIdent: [name] with ] doubled. QuoteName /
//     AppendName: [schema].[name]. ParseIdent / ParseName read them back.
//     SqlcmdSafeIdent tells whether sqlcmd's lexer reads [name] as SQL
//     Server does (it does not know brackets), so callers can warn.
//   - QuoteString / AppendQuotedString: one N'...' token (quotes doubled),
//     for places that need a constant rather than an expression (EXEC
//     arguments). SqlcmdSafeString tells whether such a token survives
//     sqlcmd; when it does not, bind the value to a variable built with
//     AppendStringExpr.
//   - Type, ParseTypeName, Type.String / Type.Append: a column type as the
//     catalog describes it, rendered as T-SQL (max_length is bytes, so
//     nvarchar with max_length 100 is nvarchar(50)).
//   - AppendLiteral(dst, v, t): the literal for a value as go-mssqldb
//     returns it when scanned into any. Variant carries a sql_variant's base
//     type. ParseLiteral is the inverse, used by tests; Equal compares
//     values in the driver's shapes.
//   - AppendStringExpr, AppendHex: the string and binary encoders on their own.
//
// # Literal forms
//
//	NULL                          nil, for every type
//	int types                     -123 (int64 from the driver)
//	bit                           0 / 1 (bool)
//	float, real                   1.5e+00: shortest round-trip digits in E
//	                              notation, which SQL Server parses as float (a
//	                              plain 1.5 would be numeric). A real arrives
//	                              widened to float64 and is written with float64
//	                              digits, which parse to that exact double and
//	                              convert to the same real. NaN and infinities
//	                              are errors (SQL Server has none).
//	decimal, numeric, money,      the driver's exact text ([]byte "-12.3400")
//	smallmoney                    verbatim; never through float64
//	nchar, nvarchar, ntext,       N'...' (see "Strings" below), from a string or
//	sysname, json                 from UTF16 (the stored UTF-16LE units, which
//	                              the data reader selects as varbinary because
//	                              go-mssqldb's string decoding turns unpaired
//	                              surrogates into U+FFFD); an unpaired
//	                              surrogate is CONVERT(nvarchar(1),0xLLHH)
//	char, varchar, text           N'...' too: the data reader has the server
//	                              convert the column to nvarchar (go-mssqldb's
//	                              own code-page decoding knows no UTF-8
//	                              collation and maps undefined bytes to
//	                              U+FFFD), and SQL Server converts the Unicode
//	                              constant back with the target column's code
//	                              page, so every character lands as the same
//	                              bytes. Raw bytes that are not valid UTF-8 are
//	                              written as CONVERT(varchar(max),0x...).
//	binary, varbinary, image,     0x0A1B (upper-case hex; empty is 0x)
//	timestamp
//	hierarchyid, geometry,        CAST(0x0A1B AS geography): the binary
//	geography, CLR UDTs           serialization the driver returns, converted
//	                              explicitly (not via implicit conversion rules)
//	uniqueidentifier              '6F9619FF-8B86-D011-B42D-00C04FC964FF'; the
//	                              driver's 16 bytes are SQL Server's wire order
//	                              (first three groups little-endian) and are
//	                              swapped into canonical text.
//	date                          '2006-01-02'
//	time(n)                       '15:04:05.1234567' with exactly n digits
//	datetime2(n)                  '2006-01-02T15:04:05.1234567', n digits
//	datetimeoffset(n)             '2006-01-02T15:04:05.1234567+05:30'
//	datetime                      '2006-01-02T15:04:05.997': rounded to the
//	                              1/300 s tick SQL Server stores, written as
//	                              the millisecond the driver reports (.000,
//	                              .003, .007), which parses back to that tick
//	smalldatetime                 '2006-01-02T15:04:00' (SQL Server's rounding)
//	xml                           CONVERT(xml,N'...',1): style 1 keeps the
//	                              whitespace exactly as the server returned it
//	sql_variant                   CAST(<literal> AS <base type>) with the base
//	                              type's exact length/precision/scale, and
//	                              CAST((N'...') COLLATE <c> AS varchar(n)) for
//	                              character values of another collation
//
// Date/time values use the wall clock of the time.Time as it is: go-mssqldb
// builds it in the connection's time zone without shifting. A value with
// more fractional precision than its type's scale is an error, never rounded
// silently. All date/time forms are ISO 8601, read the same under every SET
// LANGUAGE and SET DATEFORMAT.
//
// # Strings and sqlcmd safety
//
// A script must restore to the exact data through `sqlcmd -i` (ODBC and
// go-sqlcmd) and through line-based batch splitters. AppendStringExpr writes
// a string as a "+" concatenation of N'...' chunks and NCHAR(n) calls:
//
//  1. No literal spans lines: every control character except TAB (so CR,
//     LF, NUL, form feed, Ctrl-Z ...) and the Unicode line breaks U+0085,
//     U+2028, U+2029 are written outside the quotes as NCHAR(n). A data line
//     can therefore never be a GO line, and nothing depends on the script's
//     line endings.
//  2. No "$(" inside a chunk: sqlcmd substitutes $(var) even inside quoted
//     strings (and go-sqlcmd fails on a malformed one), so a chunk ends
//     between "$" and "(": N'a$'+N'(b'.
//  3. No odd run of backslashes right before a quote: go-sqlcmd lets a
//     backslash swallow the next character inside a string, which would
//     hide a closing or doubled quote. The last backslash of such a run is
//     written as NCHAR(92). (With rule 1 there is never a backslash before a
//     newline either, so sqlcmd's line continuation cannot apply.)
//  4. No truncation: a concatenation of non-max pieces is nvarchar(4000) at
//     most, so when a value longer than 4000 bytes needs more than one piece
//     the expression starts with an empty nvarchar(max) operand (shown
//     below), which makes the whole left-associative "+" nvarchar(max). A
//     single N'...' longer than 4000 characters is nvarchar(max) by itself.
//
// For example, the value a, CR, LF, "$(x)", a quote, then 5000 more bytes:
//
//	CONVERT(nvarchar(max),N'')+N'a'+NCHAR(13)+NCHAR(10)+N'$'+N'(x)''...'
//
// The script must be read as UTF-8 (go-sqlcmd does; give ODBC sqlcmd -f 65001).
// Text outside literals (identifiers, module definitions) is not covered by
// these rules: identifiers are written as they are (see SqlcmdSafeIdent),
// and a module definition is the server's text.
package tsql
