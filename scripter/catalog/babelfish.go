package catalog

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"unicode/utf8"
)

// Babelfish for PostgreSQL emulates SQL Server's catalog views over
// PostgreSQL's catalog, and some of what they return is PostgreSQL's, not
// what the database was created with. babelfishRows undoes what can be
// undone, on a copy of the rows (Assemble stays pure), so that a dump of a
// Babelfish database restores on SQL Server and on Babelfish and a dump of
// the restore is the same script. docs/engines.md lists each rule.
func babelfishRows(r *Rows) *Rows {
	out := *r
	tables := map[int64]string{}
	for _, o := range r.Objects {
		tables[o.ObjectID] = o.Name
	}
	out.Indexes = babelfishIndexes(r.Indexes, tables)
	out.Columns = babelfishColumns(r.Columns)
	out.Types = babelfishTypes(r.Types, r.Objects)
	out.Checks, out.Warnings = babelfishChecks(r.Checks, tables, r.Warnings)
	return &out
}

// babelfishChecks writes CHECK constraint definitions back in T-SQL
// (babelfishExpression); one it cannot is kept as Babelfish gave it, with
// a warning, since it then restores on Babelfish only.
func babelfishChecks(rows []CheckRow, tables map[int64]string, warnings []Warning) ([]CheckRow, []Warning) {
	out := append([]CheckRow(nil), rows...)
	warnings = append([]Warning(nil), warnings...)
	for i := range out {
		def, ok := babelfishExpression(out[i].Definition)
		if !ok {
			warnings = append(warnings, Warning{Code: WarnBabelfishExpression, Object: qname(tables[out[i].ParentObjectID], out[i].Name),
				Message: "CHECK constraint " + out[i].Name + " is scripted as Babelfish reports it, in PostgreSQL's spelling, which SQL Server may not accept: " + out[i].Definition})
			continue
		}
		out[i].Definition = def
	}
	return out, warnings
}

// WarnBabelfishExpression reports an expression Babelfish gives in a form
// the reader could not turn back into T-SQL.
const WarnBabelfishExpression = "babelfish_expression"

// babelfishTypes leaves out the table types Babelfish makes for the
// return table of each multi-statement table-valued function: one named
// @<table variable>_<function> in the function's schema. Scripting it
// would make CREATE FUNCTION fail on restore ("relation ... already
// exists"), as the engine makes it again.
func babelfishTypes(rows []TypeRow, objects []ObjectRow) []TypeRow {
	tvfs := map[[2]string]bool{}
	for _, o := range objects {
		if strings.TrimSpace(o.Type) == objectTableFunction {
			tvfs[[2]string{o.Schema, strings.ToLower(o.Name)}] = true
		}
	}
	var out []TypeRow
	for _, t := range rows {
		if t.IsTableType && strings.HasPrefix(t.Name, "@") {
			if i := strings.LastIndexByte(t.Name, '_'); i > 0 && tvfs[[2]string{t.Schema, strings.ToLower(t.Name[i+1:])}] {
				continue
			}
		}
		out = append(out, t)
	}
	return out
}

// babelfishIndexes restores index names and the clustered primary key.
func babelfishIndexes(rows []IndexRow, tables map[int64]string) []IndexRow {
	out := append([]IndexRow(nil), rows...)
	clustered := map[int64]bool{}
	for _, ix := range out {
		if ix.Type == indexClustered {
			clustered[ix.ObjectID] = true
		}
	}
	for i := range out {
		ix := &out[i]
		ix.Name = babelfishIndexName(ix.Name, tables[ix.ObjectID])
		// PostgreSQL has no clustered indexes, so Babelfish reports every
		// index NONCLUSTERED, a PRIMARY KEY declared CLUSTERED (SQL
		// Server's default) included. A table with no clustered index
		// gets its primary key back as the clustered one: the default the
		// original DDL most likely used, and the one that loads the data
		// in key order on SQL Server.
		if ix.IsPrimaryKey && ix.Type == indexNonclustered && !clustered[ix.ObjectID] {
			ix.Type = indexClustered
			clustered[ix.ObjectID] = true
		}
		// sys.indexes.is_padded is 1 for any index with a predicate
		// there, and PAD_INDEX means nothing to PostgreSQL.
		ix.IsPadded = false
	}
	return out
}

// postgresNameMax is PostgreSQL's NAMEDATALEN - 1: the longest name, in
// bytes, it keeps.
const postgresNameMax = 63

// babelfishIndexName returns the name an index was created with. Babelfish
// stores index <name> of table <table> as name + table + md5(name) (32 hex
// digits), cut to 63 bytes, to keep index names unique per schema as
// PostgreSQL requires. The md5 is of the name as written in the DDL while
// the stored name is lower case, and long names lose the end of the table
// name too, so the suffix is recognised by its shape: (a start of) the
// table's name, then lower-case hex digits to the end, all 32 of them
// unless the name was cut. Where two readings fit, one whose md5 matches
// wins, else the shortest name. A name that does not decode is kept.
func babelfishIndexName(stored, table string) string {
	if table == "" || len(stored) <= 32 {
		return stored
	}
	cut := len(stored) == postgresNameMax
	shaped := ""
	for n := 1; n < len(stored); n++ {
		if !utf8.RuneStart(stored[n]) {
			continue
		}
		rest := stored[n:]
		k := commonPrefixFold(rest, table)
		if k == 0 || (k < len(table) && !cut) {
			continue
		}
		digits := rest[k:]
		if !isLowerHex(digits) || (len(digits) != 32 && !cut) {
			continue
		}
		prefix := stored[:n]
		for _, p := range []string{prefix, strings.ToLower(prefix)} {
			sum := md5.Sum([]byte(p))
			if digits != "" && strings.HasPrefix(hex.EncodeToString(sum[:]), digits) {
				return prefix
			}
		}
		if shaped == "" {
			shaped = prefix
		}
	}
	if shaped != "" {
		return shaped
	}
	return stored
}

// commonPrefixFold is the length in bytes of the longest common start of a
// and b, compared case-insensitively byte by byte (ASCII).
func commonPrefixFold(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) {
		x, y := a[n], b[n]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			break
		}
		n++
	}
	return n
}

func isLowerHex(s string) bool {
	if len(s) > 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// babelfishColumns drops the names of DEFAULT constraints: Babelfish names
// every one DF_<table>_<oid> whatever the DDL said, so a scripted name
// would neither be kept by a Babelfish restore nor match a second dump.
func babelfishColumns(rows []ColumnRow) []ColumnRow {
	out := append([]ColumnRow(nil), rows...)
	for i := range out {
		if out[i].DefaultDef != "" {
			out[i].DefaultName = ""
			out[i].DefaultSysNamed = true
		}
	}
	return out
}
