package catalog

import "database/sql"

// The PostgreSQL catalogs Babelfish keeps what its sys views leave out
// in: which sequence backs an identity column (pg_depend), a sequence's
// settings (pg_sequence) and last value (pg_sequences), and the
// PostgreSQL name of a schema (pg_namespace). One PostgreSQL database holds
// every Babelfish database, so these list all of them. Several plain steps
// join them; each is read at most once per catalog read.

// plainDepend is a row of pg_catalog.pg_depend.
type plainDepend struct {
	ClassID, ObjID, RefClassID, RefObjID, RefObjSubID int64
	DepType                                           string // "char": 'a' auto, 'i' internal, ...
}

// pgDepends reads pg_depend whole: every dependency of the PostgreSQL
// database (17,164 rows on the test server with 14 databases, 0.05 to
// 0.13 s on a fresh connection). No smaller view ties a sequence to the
// column it serves.
func (p *plainCatalog) pgDepends() ([]plainDepend, error) {
	return cached(p, "pg_catalog.pg_depend", func() ([]plainDepend, error) {
		var d plainDepend
		q := selectFromSchema("pg_catalog", "pg_depend").col("classid", nint64{&d.ClassID}).col("objid", nint64{&d.ObjID}).
			col("refclassid", nint64{&d.RefClassID}).col("refobjid", nint64{&d.RefObjID}).
			col("refobjsubid", nint64{&d.RefObjSubID}).col("deptype", nstr{&d.DepType})
		return readAll(p.ctx, p.q, q, &d)
	})
}

// pgSequence is a row of pg_catalog.pg_sequence: a PostgreSQL sequence's
// settings.
type pgSequence struct {
	RelID, TypeID                     int64
	Start, Increment, Max, Min, Cache int64
	Cycle                             bool
}

// pgSequences reads pg_sequence whole.
func (p *plainCatalog) pgSequences() ([]pgSequence, error) {
	return cached(p, "pg_catalog.pg_sequence", func() ([]pgSequence, error) {
		var s pgSequence
		q := selectFromSchema("pg_catalog", "pg_sequence").col("seqrelid", &s.RelID).col("seqtypid", &s.TypeID).
			col("seqstart", &s.Start).col("seqincrement", &s.Increment).col("seqmax", &s.Max).col("seqmin", &s.Min).
			col("seqcache", nint64{&s.Cache}).col("seqcycle", nbool{&s.Cycle})
		return readAll(p.ctx, p.q, q, &s)
	})
}

// pgSequenceName is a sequence's PostgreSQL schema and name, the key of
// pg_catalog.pg_sequences.
type pgSequenceName struct{ Schema, Name string }

// sequenceLastValues reads the last value each sequence handed out, NULL
// until it hands one out.
func (p *plainCatalog) sequenceLastValues() (map[pgSequenceName]sql.NullInt64, error) {
	return cached(p, "pg_catalog.pg_sequences", func() (map[pgSequenceName]sql.NullInt64, error) {
		var k pgSequenceName
		var last sql.NullInt64
		out := map[pgSequenceName]sql.NullInt64{}
		q := selectFromSchema("pg_catalog", "pg_sequences").col("schemaname", nstr{&k.Schema}).
			col("sequencename", nstr{&k.Name}).col("last_value", &last)
		err := q.each(p.ctx, p.q, func() error {
			if _, dup := out[k]; !dup {
				out[k] = last
			}
			return nil
		})
		return out, err
	})
}

// namespaceNames maps a PostgreSQL schema's oid (a T-SQL schema_id) to its
// PostgreSQL name (a database's dbo is <database>_dbo; the built-in types'
// schemas are sys and pg_catalog).
func (p *plainCatalog) namespaceNames() (map[int64]string, error) {
	return cached(p, "pg_catalog.pg_namespace", func() (map[int64]string, error) {
		var oid int64
		var name string
		out := map[int64]string{}
		q := selectFromSchema("pg_catalog", "pg_namespace").col("oid", nint64{&oid}).col("nspname", nstr{&name})
		err := q.each(p.ctx, p.q, func() error {
			out[oid] = name
			return nil
		})
		return out, err
	})
}
