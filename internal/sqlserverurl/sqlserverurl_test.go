package sqlserverurl

import (
	"reflect"
	"strings"
	"testing"
)

func TestBuildThenParseGivesTheSameParts(t *testing.T) {
	cases := map[string]URL{
		"host only":            {Host: "db.example.com"},
		"port":                 {Host: "db.example.com", Port: 1433, Params: map[string]string{"database": "Sales"}},
		"instance":             {Host: "db", Instance: "SQLEXPRESS", User: "sa", Password: "x"},
		"special characters":   {Host: "db", User: `back up\domain`, Password: `p@ss:w/rd?&#%=+ ü`, Params: map[string]string{"database": "Sales & Co"}},
		"empty password":       {Host: "db", User: "u"},
		"IPv6 with a port":     {Host: "2001:db8::1", Port: 1444},
		"IPv6 without a port":  {Host: "::1", Params: map[string]string{"encrypt": "strict"}},
		"parameters with keys": {Host: "db", Params: map[string]string{"app name": "mssqldump", "dial timeout": "10", "TrustServerCertificate": "false", "hostNameInCertificate": "a=b&c"}},
	}
	for name, want := range cases {
		s := want.String()
		got, err := Parse(s)
		if err != nil {
			t.Errorf("%s: Parse(%q): %v", name, s, err)
			continue
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: %q parsed to %+v, want %+v", name, s, got, want)
		}
		if again := got.String(); again != s {
			t.Errorf("%s: built %q, then %q", name, s, again)
		}
	}
}

func TestStringIsTheDriverForm(t *testing.T) {
	u := URL{Host: "db.example.com", Port: 1433, User: "back up", Password: "p@ss",
		Params: map[string]string{"encrypt": "mandatory", "database": "Sales"}}
	if got, want := u.String(), "sqlserver://back%20up:p%40ss@db.example.com:1433?database=Sales&encrypt=mandatory"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
	if got, want := (URL{Host: "db", Instance: "SQLEXPRESS"}).String(), "sqlserver://db/SQLEXPRESS"; got != want {
		t.Fatalf("got %s, want %s", got, want)
	}
}

func TestParseReadsWhatUsersWrite(t *testing.T) {
	u, err := Parse("sqlserver://u:S3cret!@[::1]:1444/INST?database=a&database=Sales&encrypt=true")
	if err != nil {
		t.Fatal(err)
	}
	want := URL{Host: "::1", Port: 1444, Instance: "INST", User: "u", Password: "S3cret!",
		Params: map[string]string{"database": "Sales", "encrypt": "true"}}
	if !reflect.DeepEqual(u, want) {
		t.Fatalf("got %+v, want %+v (the last of a repeated parameter wins)", u, want)
	}
}

func TestParseErrorsNeverQuoteThePassword(t *testing.T) {
	for _, s := range []string{
		"mysql://u:hunter2@h",
		"sqlserver://u:hunter2@h:99999999999999999999",
		"sqlserver://u:hunter2@h:port",
		"sqlserver://u:hunter2@h/%zz",
	} {
		_, err := Parse(s)
		if err == nil {
			t.Errorf("%s: parsed", s)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%s: error quotes the password: %v", s, err)
		}
	}
}
