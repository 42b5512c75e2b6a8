package sqlerr

import (
	"errors"
	"fmt"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"
)

func TestMissingObjectReadsEveryErrorTheServerRaised(t *testing.T) {
	e208 := mssql.Error{Number: 208, Message: "Invalid object name 't'."}
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"208", e208, true},
		{"pointer", &mssql.Error{Number: 4121, Message: "Cannot find either column \"dbo\" or the user-defined function"}, true},
		{"wrapped", fmt.Errorf("exec: %w", e208), true},
		{"all missing", mssql.Error{Number: 208, All: []mssql.Error{{Number: 208}, e208}}, true},
		{"one other error among them", mssql.Error{Number: 208, All: []mssql.Error{{Number: 102, Message: "Incorrect syntax"}, e208}}, false},
		{"syntax error", mssql.Error{Number: 102}, false},
		{"Babelfish missing relation", mssql.Error{Number: BabelfishUnmapped, Message: `relation "dbo.t" does not exist`}, true},
		{"Babelfish missing function", mssql.Error{Number: BabelfishUnmapped, Message: "function dbo.f(integer) does not exist"}, true},
		{"Babelfish other", mssql.Error{Number: BabelfishUnmapped, Message: "'UNPIVOT' is not currently supported in Babelfish"}, false},
		{"not a server error", errors.New("Invalid object name"), false},
	}
	for _, c := range cases {
		if got := MissingObject(c.err); got != c.want {
			t.Errorf("%s: MissingObject = %v, want %v", c.name, got, c.want)
		}
	}
}
