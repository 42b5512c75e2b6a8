package catalog

import (
	"database/sql"
	"slices"
	"strconv"
)

// The plain read of sequences (plainModuleSteps).

// typeSize is a sys.types row's precision and scale.
type typeSize struct{ Precision, Scale int }

// sequenceSources is what the sequences step joins.
type sequenceSources struct {
	objects    []plainObject                    // sys.objects, object_id order
	sequences  []pgSequence                     // pg_catalog.pg_sequence
	owned      map[int64]bool                   // sequences a column owns (identity), by relid
	types      map[int64]typeSize               // sys.types by user_type_id
	schemas    map[int64]string                 // SCHEMA_NAME by schema_id
	namespaces map[int64]string                 // pg_namespace.nspname by oid
	lastValues map[pgSequenceName]sql.NullInt64 // pg_sequences.last_value
}

// plainSequences is readBabelfishSequences with plain reads.
func plainSequences(p *plainCatalog, r *Rows) error {
	src, err := p.sequenceSources()
	if err != nil {
		return err
	}
	r.Sequences = joinSequences(src)
	return nil
}

// sequenceSources reads the views the sequences step joins. pg_depend is
// read only when a sequence is found, and pg_sequences, pg_namespace and
// sys.types only for a sequence that is no identity's.
func (p *plainCatalog) sequenceSources() (sequenceSources, error) {
	var src sequenceSources
	var err error
	if src.objects, err = p.sysObjects(); err != nil {
		return src, err
	}
	if !slices.ContainsFunc(src.objects, func(o plainObject) bool { return trimType(o.Type) == "SO" }) {
		return src, nil
	}
	if src.sequences, err = p.pgSequences(); err != nil {
		return src, err
	}
	if src.owned, err = p.ownedSequences(); err != nil {
		return src, err
	}
	if src.types, err = p.typeSizes(); err != nil {
		return src, err
	}
	if src.schemas, err = p.schemaNames(); err != nil {
		return src, err
	}
	if src.namespaces, err = p.namespaceNames(); err != nil {
		return src, err
	}
	src.lastValues, err = p.sequenceLastValues()
	return src, err
}

// ownedSequences are the sequences PostgreSQL made for identity (and
// serial) columns: pg_depend rows of class pg_class (1259) with deptype
// 'a' (auto) or 'i' (internal), by the sequence's oid.
func (p *plainCatalog) ownedSequences() (map[int64]bool, error) {
	depends, err := p.pgDepends()
	out := map[int64]bool{}
	for _, d := range depends {
		if d.ClassID == 1259 && (d.DepType == "a" || d.DepType == "i") {
			out[d.ObjID] = true
		}
	}
	return out, err
}

// typeSizes maps sys.types' user_type_id to the type's precision and
// scale (the last row of an id wins).
func (p *plainCatalog) typeSizes() (map[int64]typeSize, error) {
	types, err := p.sysTypes()
	out := map[int64]typeSize{}
	for _, t := range types {
		out[t.UserTypeID] = typeSize{Precision: t.Precision, Scale: t.Scale}
	}
	return out, err
}

// joinSequences is readBabelfishSequences' join: each sys.objects row of
// type SO with its pg_sequence row, unless a column owns it, with its
// type's precision and scale and the last value pg_sequences shows for it
// (found by the PostgreSQL name of its schema, which is what
// babelfish_namespace_ext maps SCHEMA_NAME to), in object_id order. Like
// readBabelfishSequences, it returns an empty slice, not nil, for none.
func joinSequences(src sequenceSources) []SequenceRow {
	byRelID := groupBy(src.sequences, func(s pgSequence) int64 { return s.RelID })
	out := []SequenceRow{}
	for _, o := range src.objects {
		if trimType(o.Type) != "SO" || src.owned[o.ObjectID] {
			continue
		}
		for _, s := range byRelID[o.ObjectID] {
			t := src.types[s.TypeID]
			row := SequenceRow{
				Schema: schemaName(src.schemas, o.SchemaID), Name: o.Name, UserTypeID: s.TypeID,
				Precision: t.Precision, Scale: t.Scale,
				Start: decimal(s.Start), Increment: decimal(s.Increment), Min: decimal(s.Min), Max: decimal(s.Max),
				IsCycling: s.Cycle,
			}
			nsp, ok := src.namespaces[o.SchemaID]
			if last, found := src.lastValues[pgSequenceName{nsp, o.Name}]; ok && found && last.Valid {
				row.Current = decimal(last.Int64)
			}
			out = append(out, finishBabelfishSequence(row, s.Cache))
		}
	}
	return out
}

// finishBabelfishSequence is readBabelfishSequences' reading of a row: no
// last value means none handed out yet (the sequence restarts at its
// start), and PostgreSQL's cache of 1 (its "no cache") is the default
// cache, as Babelfish refuses NO CACHE.
func finishBabelfishSequence(r SequenceRow, cache int64) SequenceRow {
	r.LastUsed = r.Current != ""
	if !r.LastUsed {
		r.Current = r.Start
	}
	r.IsCached = true
	if cache > 1 {
		n := int(cache)
		r.CacheSize = &n
	}
	return r
}

// decimal is CONVERT(nvarchar(64), CAST(x AS bigint)): the decimal text.
func decimal(x int64) string { return strconv.FormatInt(x, 10) }
