package catalog

import "github.com/mssqldump/mssqldump/scripter/model"

// buildSequences adds the sequences with their current value, so that the
// script restarts each where the original stopped.
func (a *assembler) buildSequences(db *model.Database) {
	for _, s := range a.rows.Sequences {
		seq := &model.Sequence{
			QName: model.QName{Schema: s.Schema, Name: s.Name},
			Type:  a.typeOf(s.UserTypeID, 0, s.Precision, s.Scale),
			Start: s.Start, Increment: s.Increment, Min: s.Min, Max: s.Max,
			Cycle: s.IsCycling, Current: s.Current, Exhausted: s.IsExhausted, LastUsed: s.LastUsed,
		}
		seq.Cache = sequenceCache(s)
		db.Sequences = append(db.Sequences, seq)
	}
}

// sequenceCache is the CACHE clause: nil for the engine's default size, 0
// for NO CACHE.
func sequenceCache(s SequenceRow) *int {
	switch {
	case !s.IsCached:
		zero := 0
		return &zero
	case s.CacheSize != nil:
		n := *s.CacheSize
		return &n
	}
	return nil
}
