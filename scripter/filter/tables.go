package filter

import (
	"fmt"
	"slices"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// resolveTables maps the exact Tables entries onto db's names: an exact
// match first, else a unique case-insensitive one (SQL Server names are
// usually case-insensitive). An entry that names no table is an error, as
// in mysqldump. The Filter is left as it is; the resolved matcher is for
// this Apply only.
func (f *Filter) resolveTables(db *model.Database) (*matcher, error) {
	if len(f.tables.exact) == 0 {
		return f.tables, nil
	}
	names := make(map[string]bool, len(db.Tables))
	for _, t := range db.Tables {
		names[key(t.QName)] = true
	}
	resolved := &matcher{exact: slices.Clone(f.tables.exact), res: f.tables.res}
	for i, want := range resolved.exact {
		if names[want] {
			continue
		}
		var found []string
		for n := range names {
			if strings.EqualFold(n, want) {
				found = append(found, n)
			}
		}
		switch len(found) {
		case 1:
			resolved.exact[i] = found[0]
		case 0:
			return nil, &Error{Option: "Tables", Message: fmt.Sprintf("table %q not found in database %q", want, db.Name)}
		default:
			slices.Sort(found)
			return nil, &Error{Option: "Tables", Message: fmt.Sprintf("table %q is ambiguous: %s", want, strings.Join(found, ", "))}
		}
	}
	return resolved, nil
}

// applyTables keeps the tables the filter keeps and the history tables of
// the temporal ones among them (SQL Server cannot switch versioning on
// without it), and on each kept table the triggers the filter keeps.
func (f *Filter) applyTables(db *model.Database, tables *matcher, k *kept) {
	keep := map[model.QName]bool{}
	for _, t := range db.Tables {
		if f.keepTable(tables, t.QName) {
			keep[t.QName] = true
		}
	}
	for _, t := range db.Tables {
		if keep[t.QName] && t.Temporal != nil {
			keep[t.Temporal.History] = true
		}
	}
	db.Tables = slices.DeleteFunc(db.Tables, func(t *model.Table) bool { return !keep[t.QName] })
	for _, t := range db.Tables {
		k.add(t.QName)
		t.Triggers = slices.DeleteFunc(t.Triggers, func(m *model.Module) bool {
			return f.skipTriggers || !f.keep(model.TypeTrigger, m.QName)
		})
	}
}
