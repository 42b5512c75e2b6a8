package filter

import (
	"errors"
	"regexp"
	"testing"
)

// badPattern is a var so that linters do not flag the deliberate error.
var badPattern = "(["

func TestCompileRejectsEachBadEntryNamingItsOption(t *testing.T) {
	_, reErr := regexp.Compile(badPattern)
	for _, c := range []struct {
		spec Spec
		want string
	}{
		{Spec{IncludeObjects: []string{"/([/"}}, `invalid IncludeObjects: bad regular expression "/([/": ` + reErr.Error()},
		{Spec{ExcludeTypes: []string{"tabel"}}, `invalid ExcludeTypes: unknown object type "tabel" (known: table, view, procedure, function, trigger, sequence, synonym, type, xml_schema_collection, schema, role, user, default, rule)`},
		{Spec{Tables: []string{" "}}, `invalid Tables: empty object name`},
		{Spec{IgnoreTables: []string{"a."}}, `invalid IgnoreTables: bad name "a."`},
		{Spec{ExcludeObjects: []string{"[a"}}, `invalid ExcludeObjects: bad name "[a": tsql: malformed identifier`},
	} {
		_, err := Compile(c.spec)
		var fe *Error
		if !errors.As(err, &fe) {
			t.Errorf("%+v: err = %v, want *Error", c.spec, err)
			continue
		}
		equal(t, "error", err.Error(), c.want)
	}
}

func TestTypeNamesAreCaseAndSpaceInsensitive(t *testing.T) {
	if _, err := Compile(Spec{IncludeTypes: []string{" Table ", "XML_SCHEMA_COLLECTION"}}); err != nil {
		t.Fatal(err)
	}
}
