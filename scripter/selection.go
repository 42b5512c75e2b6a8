package scripter

import (
	"errors"

	"github.com/mssqldump/mssqldump/scripter/filter"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// Object types that IncludeTypes/ExcludeTypes name (model's vocabulary,
// which ddl and filter share).
const (
	TypeTable               = model.TypeTable
	TypeView                = model.TypeView
	TypeProcedure           = model.TypeProcedure
	TypeFunction            = model.TypeFunction
	TypeTrigger             = model.TypeTrigger
	TypeSequence            = model.TypeSequence
	TypeSynonym             = model.TypeSynonym
	TypeType                = model.TypeType // alias types and table types
	TypeXMLSchemaCollection = model.TypeXMLSchemaCollection
	TypeSchema              = model.TypeSchema
	TypeRole                = model.TypeRole
	TypeUser                = model.TypeUser
	TypeDefault             = model.TypeDefault // stand-alone CREATE DEFAULT
	TypeRule                = model.TypeRule    // CREATE RULE
)

// filterSpec is the selection half of o.
func (o *Options) filterSpec() filter.Spec {
	return filter.Spec{
		Tables:         o.Tables,
		IgnoreTables:   o.IgnoreTables,
		IncludeSchemas: o.IncludeSchemas,
		ExcludeSchemas: o.ExcludeSchemas,
		IncludeTypes:   o.IncludeTypes,
		ExcludeTypes:   o.ExcludeTypes,
		IncludeObjects: o.IncludeObjects,
		ExcludeObjects: o.ExcludeObjects,
		SkipRoutines:   o.SkipRoutines,
		// A data-only script creates no trigger, and still switches the
		// target's triggers off around the rows: there is nothing for
		// SkipTriggers to leave out.
		SkipTriggers:           o.SkipTriggers && !o.NoCreateInfo,
		SkipExtendedProperties: o.SkipExtendedProperties,
		Permissions:            o.Permissions,
	}
}

// compileFilter compiles o's selection; a bad entry is an *OptionError.
func compileFilter(o *Options) (*filter.Filter, error) {
	f, err := filter.Compile(o.filterSpec())
	return f, optionError(err)
}

// applyFilter prunes db to what f keeps; an unknown table is an *OptionError.
func applyFilter(f *filter.Filter, db *model.Database) error {
	return optionError(f.Apply(db))
}

// optionError turns the filter's *filter.Error into the *OptionError
// callers of Dump match on, with the same text.
func optionError(err error) error {
	var fe *filter.Error
	if errors.As(err, &fe) {
		return &OptionError{Option: fe.Option, Message: fe.Message, Err: fe.Err}
	}
	return err
}

// key is the "schema.name" form Stats.Rows is keyed by.
func key(q model.QName) string { return q.Schema + "." + q.Name }
