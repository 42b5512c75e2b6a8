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
	return &out
}

// babelfishTypes leaves out the table types Babelfish makes for the
// return table of each multi-statement table-valued function: one named
// @<table variable>_<function> in the function's schema. Scripting it
// would make CREATE FUNCTION fail on restore ("relation ... already
// exists"), as the engine makes it again.
func babelfishTypes(rows []TypeRow, objects []ObjectRow) []TypeRow {
	tvfs := map[[2]string]bool{}
	for _, o := range objects {
		if strings.TrimSpace(o.Type) == "TF" {
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
		if ix.Type == 1 {
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
		if ix.IsPrimaryKey && ix.Type == 2 && !clustered[ix.ObjectID] {
			ix.Type = 1
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
// stores index <name> of table <table> as name + table + md5(name) (hex),
// cut to 63 bytes, to keep index names unique per schema as PostgreSQL
// requires; the md5 suffix tells a stored name from one that merely ends
// like that. A name that does not decode is returned as it is.
func babelfishIndexName(stored, table string) string {
	if table == "" || len(stored) <= 32 {
		return stored
	}
	for _, t := range []string{table, strings.ToLower(table)} {
		for n := 1; n < len(stored); n++ {
			if !utf8.RuneStart(stored[n]) {
				continue
			}
			prefix := stored[:n]
			sum := md5.Sum([]byte(prefix))
			if clipName(prefix+t+hex.EncodeToString(sum[:])) == stored {
				return prefix
			}
		}
	}
	return stored
}

// clipName cuts s to PostgreSQL's name length without splitting a UTF-8
// character, as its truncate_identifier does.
func clipName(s string) string {
	if len(s) <= postgresNameMax {
		return s
	}
	n := postgresNameMax
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
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
