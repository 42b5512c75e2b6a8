package ddl

import (
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// textOfType concatenates the text of every object of type typ, and
// reports the sections they are in.
func textOfType(s *Script, typ string) (string, map[Section]bool) {
	var sb strings.Builder
	sections := map[Section]bool{}
	for _, o := range s.Objects {
		if o.Type == typ {
			sb.WriteString(o.Text)
			sections[o.Section] = true
		}
	}
	return sb.String(), sections
}

func TestDataOnlySwitchesEachEnabledConstraintOffAndBackOnWithItsSourceTrust(t *testing.T) {
	db := loadFixture(t, "torture")
	s := Build(db, Options{DataOnly: true})
	off, offSections := textOfType(s, TypeConstraintsOff)
	on, onSections := textOfType(s, TypeConstraintsOn)
	if len(offSections) != 1 || !offSections[PreData] || len(onSections) != 1 || !onSections[PostData] {
		t.Fatalf("constraints off in %v, on in %v; want pre-data and post-data", offSections, onSections)
	}
	type want struct {
		table                      model.QName
		name, typeCode             string
		disabled, notTrusted, isFK bool
	}
	var all []want
	for _, tb := range db.Tables {
		for _, fk := range tb.ForeignKeys {
			all = append(all, want{tb.QName, fk.Name, "F", fk.Disabled, fk.NotTrusted, true})
		}
		for _, ck := range tb.Checks {
			all = append(all, want{tb.QName, ck.Name, "C", ck.Disabled, ck.NotTrusted, false})
		}
	}
	var trusted, untrusted, disabled int
	for _, c := range all {
		guard := "IF OBJECT_ID(" + nlit(qn(model.QName{Schema: c.table.Schema, Name: c.name})) + ", N'" + c.typeCode + "') IS NOT NULL\n\t"
		nocheck := guard + "ALTER TABLE " + qn(c.table) + " NOCHECK CONSTRAINT " + ident(c.name) + ";\n"
		withCheck := guard + "ALTER TABLE " + qn(c.table) + " WITH CHECK CHECK CONSTRAINT " + ident(c.name) + ";\n"
		withNoCheck := guard + "ALTER TABLE " + qn(c.table) + " WITH NOCHECK CHECK CONSTRAINT " + ident(c.name) + ";\n"
		switch {
		case c.disabled:
			disabled++
			if strings.Contains(off+on, " CONSTRAINT "+ident(c.name)+";") {
				t.Errorf("%s is disabled in the source, yet switched", c.name)
			}
		case c.notTrusted:
			untrusted++
			if !strings.Contains(off, nocheck) || !strings.Contains(on, withNoCheck) || strings.Contains(on, withCheck) {
				t.Errorf("untrusted %s: want NOCHECK before the data and WITH NOCHECK CHECK after", c.name)
			}
		default:
			trusted++
			if !strings.Contains(off, nocheck) || !strings.Contains(on, withCheck) {
				t.Errorf("trusted %s: want NOCHECK before the data and WITH CHECK CHECK after", c.name)
			}
		}
	}
	if trusted == 0 || untrusted == 0 || disabled == 0 {
		t.Fatalf("the fixture must have trusted (%d), untrusted (%d) and disabled (%d) constraints", trusted, untrusted, disabled)
	}
}

func TestDataOnlyDisablesEnabledTriggersAroundTheDataAndLeavesDisabledOnesAlone(t *testing.T) {
	db := loadFixture(t, "torture")
	s := Build(db, Options{DataOnly: true})
	off, offSections := textOfType(s, TypeTriggersOff)
	on, onSections := textOfType(s, TypeTriggersOn)
	if !offSections[PreData] || len(offSections) != 1 || !onSections[PostData] || len(onSections) != 1 {
		t.Fatalf("triggers off in %v, on in %v; want pre-data and post-data", offSections, onSections)
	}
	var enabled, disabled int
	for _, tb := range db.Tables {
		for _, tr := range tb.Triggers {
			guard := "IF OBJECT_ID(" + nlit(qn(tr.QName)) + ", N'TR') IS NOT NULL\n\t"
			disable := guard + "DISABLE TRIGGER " + qn(tr.QName) + " ON " + qn(tb.QName) + ";\n"
			enable := guard + "ENABLE TRIGGER " + qn(tr.QName) + " ON " + qn(tb.QName) + ";\n"
			if tr.Disabled {
				disabled++
				if strings.Contains(off+on, qn(tr.QName)) {
					t.Errorf("trigger %s is disabled in the source, yet switched", objName(tr.QName))
				}
				continue
			}
			enabled++
			if !strings.Contains(off, disable) || !strings.Contains(on, enable) {
				t.Errorf("trigger %s: want DISABLE before the data and ENABLE after", objName(tr.QName))
			}
		}
	}
	if enabled == 0 || disabled == 0 {
		t.Fatalf("the fixture must have enabled (%d) and disabled (%d) triggers", enabled, disabled)
	}
}

func TestOnlyDataOnlyScriptsSwitchConstraintsAndTriggers(t *testing.T) {
	s := Build(loadFixture(t, "torture"), Options{})
	for _, typ := range []string{TypeConstraintsOff, TypeConstraintsOn, TypeTriggersOff, TypeTriggersOn} {
		if text, _ := textOfType(s, typ); text != "" {
			t.Errorf("a full script has %s objects:\n%s", typ, text)
		}
	}
}
