package catalog

import (
	"database/sql"
	"slices"
)

// The PostgreSQL catalogs Babelfish keeps what its sys views leave out
// in: which sequence backs an identity column (pg_depend), a sequence's
// settings (pg_sequence) and last value (pg_sequences), and the
// PostgreSQL name of a schema (pg_namespace). One PostgreSQL database holds
// every Babelfish database, so these list all of them: each read keeps,
// with one WHERE ... IN, the rows of the dumped database's objects (see
// plainQuery.whereIn), and runs at most once per catalog read.

// plainDepend is a row of pg_catalog.pg_depend.
type plainDepend struct {
	ClassID, ObjID, RefClassID, RefObjID, RefObjSubID int64
	DepType                                           string // "char": 'a' auto, 'i' internal, ...
}

// pgDepends reads the rows of pg_depend that depend on a table of the
// database (refobjid: its tables and table types): what ties a sequence to
// the column it serves, which no sys view shows. The whole of pg_depend
// is every dependency of every database (17,164 rows on the test server
// with 14 databases).
func (p *plainCatalog) pgDepends() ([]plainDepend, error) {
	return cached(p, "pg_catalog.pg_depend", func() ([]plainDepend, error) {
		tables, err := p.objectIDsOfType("U", "TT")
		if err != nil || len(tables) == 0 {
			return nil, err
		}
		var d plainDepend
		q := selectFromSchema("pg_catalog", "pg_depend").col("classid", nint64{&d.ClassID}).col("objid", nint64{&d.ObjID}).
			col("refclassid", nint64{&d.RefClassID}).col("refobjid", nint64{&d.RefObjID}).
			col("refobjsubid", nint64{&d.RefObjSubID}).col("deptype", nstr{&d.DepType}).whereIn("refobjid", tables)
		return readAll(p.ctx, p.q, q, &d)
	})
}

// objectIDsOfType lists the object_ids of sys.all_objects rows (shipped
// or not) of the given types, in object_id order.
func (p *plainCatalog) objectIDsOfType(types ...string) ([]int64, error) {
	all, err := p.allObjects()
	var ids []int64
	for _, o := range all {
		if sqlTypeIs(o.Type, types...) {
			ids = append(ids, o.ObjectID)
		}
	}
	return ids, err
}

// sequenceSchemas lists the PostgreSQL names of the schemas that hold a
// sequence of the database (pg_sequences names a sequence's schema so).
func (p *plainCatalog) sequenceSchemas() ([]string, error) {
	all, err := p.allObjects()
	if err != nil {
		return nil, err
	}
	namespaces, err := p.namespaceNames()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, o := range all {
		if n, ok := namespaces[o.SchemaID]; ok && sqlTypeIs(o.Type, "SO") && !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	return names, nil
}

// pgSequence is a row of pg_catalog.pg_sequence: a PostgreSQL sequence's
// settings.
type pgSequence struct {
	RelID, TypeID                     int64
	Start, Increment, Max, Min, Cache int64
	Cycle                             bool
}

// pgSequences reads the pg_sequence rows of the database's sequences
// (sys.all_objects of type SO: the user's, the identity columns', and
// Babelfish's own).
func (p *plainCatalog) pgSequences() ([]pgSequence, error) {
	return cached(p, "pg_catalog.pg_sequence", func() ([]pgSequence, error) {
		ids, err := p.objectIDsOfType("SO")
		if err != nil || len(ids) == 0 {
			return nil, err
		}
		var s pgSequence
		q := selectFromSchema("pg_catalog", "pg_sequence").col("seqrelid", &s.RelID).col("seqtypid", &s.TypeID).
			col("seqstart", &s.Start).col("seqincrement", &s.Increment).col("seqmax", &s.Max).col("seqmin", &s.Min).
			col("seqcache", nint64{&s.Cache}).col("seqcycle", nbool{&s.Cycle}).whereIn("seqrelid", ids)
		return readAll(p.ctx, p.q, q, &s)
	})
}

// pgSequenceName is a sequence's PostgreSQL schema and name, the key of
// pg_catalog.pg_sequences.
type pgSequenceName struct{ Schema, Name string }

// sequenceLastValues reads the last value each sequence of the
// database's schemas handed out, NULL until it hands one out.
func (p *plainCatalog) sequenceLastValues() (map[pgSequenceName]sql.NullInt64, error) {
	return cached(p, "pg_catalog.pg_sequences", func() (map[pgSequenceName]sql.NullInt64, error) {
		out := map[pgSequenceName]sql.NullInt64{}
		schemas, err := p.sequenceSchemas()
		if err != nil || len(schemas) == 0 {
			return out, err
		}
		var k pgSequenceName
		var last sql.NullInt64
		q := selectFromSchema("pg_catalog", "pg_sequences").col("schemaname", nstr{&k.Schema}).
			col("sequencename", nstr{&k.Name}).col("last_value", &last).whereInNames("schemaname", schemas)
		err = q.each(p.ctx, p.q, func() error {
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
