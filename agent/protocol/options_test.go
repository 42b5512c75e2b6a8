package protocol

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter"
)

// wireFields checks that the wire struct has exactly the fields of the
// scripter's struct that travel (a json tag other than "-"), with the same
// Go names and types: a field added to the scripter without a wire field
// here fails, and so does a wire field the scripter dropped.
func wireFields(t *testing.T, library, wire reflect.Type) {
	t.Helper()
	travels := map[string]reflect.Type{}
	for f := range fieldsOf(library) {
		if tag := f.Tag.Get("json"); tag == "-" {
			continue
		}
		travels[f.Name] = f.Type
		w, ok := wire.FieldByName(f.Name)
		switch {
		case !ok:
			t.Errorf("%s.%s has no field in %s: add it there and to both conversions", library, f.Name, wire)
		case !sameShape(w.Type, f.Type):
			t.Errorf("%s.%s is %s, %s.%s is %s", library, f.Name, f.Type, wire, w.Name, w.Type)
		}
	}
	for f := range fieldsOf(wire) {
		if _, ok := travels[f.Name]; !ok {
			t.Errorf("%s.%s has no field in %s", wire, f.Name, library)
		}
	}
}

// sameShape reports equal types, where a struct stands for its wire struct
// (whose own fields wireFields checks separately).
func sameShape(wire, library reflect.Type) bool {
	switch {
	case wire.Kind() == reflect.Slice && library.Kind() == reflect.Slice:
		return sameShape(wire.Elem(), library.Elem())
	case wire.Kind() == reflect.Struct && library.Kind() == reflect.Struct:
		return wire.PkgPath() != library.PkgPath() || wire == library
	}
	return wire == library
}

func fieldsOf(t reflect.Type) func(func(reflect.StructField) bool) {
	return func(yield func(reflect.StructField) bool) {
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && !yield(f) {
				return
			}
		}
	}
}

// filled sets every field of the struct v points to that travels to a
// value other than its zero value, distinct per field, so a conversion that
// forgets a field (or swaps two) fails to round-trip.
func filled(t *testing.T, v any) {
	t.Helper()
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		f, sf := rv.Field(i), rv.Type().Field(i)
		if sf.Tag.Get("json") == "-" {
			continue
		}
		n := i + 1
		switch f.Kind() {
		case reflect.Bool:
			f.SetBool(true)
		case reflect.Int, reflect.Int64:
			f.SetInt(int64(n))
		case reflect.String:
			f.SetString(strings.Repeat("s", n))
		case reflect.Slice:
			f.Set(reflect.ValueOf([]string{sf.Name}))
		default:
			t.Fatalf("%s.%s: the test cannot fill a %s; teach it", rv.Type(), sf.Name, f.Kind())
		}
	}
}

func TestEveryScripterOptionHasAWireField(t *testing.T) {
	wireFields(t, reflect.TypeOf(scripter.Options{}), reflect.TypeOf(Options{}))
}

func TestEveryScripterProgressCountHasAWireField(t *testing.T) {
	wireFields(t, reflect.TypeOf(scripter.Progress{}), reflect.TypeOf(Counts{}))
}

func TestOptionsRoundTripThroughTheWire(t *testing.T) {
	var o scripter.Options
	filled(t, &o)
	got := OptionsFrom(o).Scripter()
	if !reflect.DeepEqual(got, o) {
		t.Fatalf("round trip:\n got %+v\nwant %+v", got, o)
	}
	var w Options
	filled(t, &w)
	if back := OptionsFrom(w.Scripter()); !reflect.DeepEqual(back, w) {
		t.Fatalf("round trip from the wire:\n got %+v\nwant %+v", back, w)
	}
	// And through JSON, as a job travels.
	b, err := json.Marshal(OptionsFrom(o))
	if err != nil {
		t.Fatal(err)
	}
	var decoded Options
	if err := json.Unmarshal(b, &decoded); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(decoded.Scripter(), o) {
		t.Fatalf("through JSON %s:\n got %+v\nwant %+v", b, decoded.Scripter(), o)
	}
}

func TestOptionsNeverCarryTheProgressCallback(t *testing.T) {
	o := scripter.Options{Format: "sql", Progress: func(scripter.Progress) {}}
	if OptionsFrom(o).Scripter().Progress != nil {
		t.Fatal("a callback crossed the wire")
	}
}

func TestCountsRoundTripThroughTheWire(t *testing.T) {
	var p scripter.Progress
	filled(t, &p)
	if got := CountsFrom(p).Scripter(); got != p {
		t.Fatalf("round trip: got %+v, want %+v", got, p)
	}
}

func TestEveryScripterStatHasAWireField(t *testing.T) {
	wireFields(t, reflect.TypeOf(scripter.Stats{}), reflect.TypeOf(Stats{}))
	wireFields(t, reflect.TypeOf(scripter.Warning{}), reflect.TypeOf(Warning{}))
}

func TestStatsRoundTripThroughTheWire(t *testing.T) {
	for _, s := range []scripter.Stats{
		{},
		{Objects: 12, Tables: 3, Rows: map[string]int64{"dbo.Orders": 100}, Bytes: 123456,
			Warnings: []scripter.Warning{{Code: "snapshot_unavailable", Object: "dbo.t", Message: "read committed used"}}},
		{Warnings: []scripter.Warning{}},
	} {
		if got := StatsFrom(s).Scripter(); !reflect.DeepEqual(got, s) {
			t.Errorf("round trip: got %+v, want %+v", got, s)
		}
	}
}
