package filter

import (
	"reflect"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

func dbo(name string) model.QName { return model.QName{Schema: "dbo", Name: name} }

func in(schema, name string) model.QName { return model.QName{Schema: schema, Name: name} }

// apply compiles spec and applies it to db, failing the test on an error.
func apply(t *testing.T, spec Spec, db *model.Database) *model.Database {
	t.Helper()
	f, err := Compile(spec)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Apply(db); err != nil {
		t.Fatal(err)
	}
	return db
}

// qnames lists the names of objects, in order.
func qnames[T any](objs []T, name func(T) model.QName) []model.QName {
	out := []model.QName{}
	for _, o := range objs {
		out = append(out, name(o))
	}
	return out
}

func tableNames(ts []*model.Table) []model.QName {
	return qnames(ts, func(t *model.Table) model.QName { return t.QName })
}

func moduleNames(ms []*model.Module) []model.QName {
	return qnames(ms, func(m *model.Module) model.QName { return m.QName })
}

func equal[T any](t *testing.T, what string, got, want T) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}
