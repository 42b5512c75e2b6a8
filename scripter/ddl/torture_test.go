package ddl

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// torture.sql (which the integration tests run against a real server) and
// fixtures/torture.json describe the same database: the script must split
// cleanly without sqlcmd variables, create every table and type of the
// fixture, and create every module with exactly the fixture's definition.
func TestTortureScriptMatchesTheTortureFixture(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "testdata", "torture.sql"))
	if err != nil {
		t.Fatal(err)
	}
	bs := batches(t, src)
	have := map[string]bool{}
	for _, b := range bs {
		have[b] = true
	}
	db := loadFixture(t, "torture")
	// Created through sp_executesql from CONCAT(...) because sqlcmd could
	// not carry their text; the golden test checks their encoding.
	dynamic := map[model.QName]bool{dbo("usp'Tricky]"): true, {Schema: weirdSchemaName, Name: "trg ]weird"}: true}
	for _, m := range allModules(db) {
		if m.Definition == nil || dynamic[m.QName] {
			continue
		}
		if !have[*m.Definition] {
			t.Errorf("torture.sql does not create %+v with the fixture's definition", m.QName)
		}
	}
	text := string(src)
	for _, tb := range db.Tables {
		if !strings.Contains(text, "CREATE TABLE "+qn(tb.QName)) {
			t.Errorf("torture.sql does not create table %s", qn(tb.QName))
		}
	}
	for _, q := range []model.QName{dbo("Money2"), dbo("Phone"), dbo("OrderLines")} {
		if !strings.Contains(text, "CREATE TYPE "+qn(q)) {
			t.Errorf("torture.sql does not create type %s", qn(q))
		}
	}
	for _, s := range db.Sequences {
		if !strings.Contains(text, "CREATE SEQUENCE "+qn(s.QName)) {
			t.Errorf("torture.sql does not create sequence %s", qn(s.QName))
		}
	}
}

const weirdSchemaName = "we]ird 'sch' ü"
