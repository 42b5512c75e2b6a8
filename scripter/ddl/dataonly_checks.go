package ddl

import (
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// A data-only script (Options.DataOnly) loads rows into tables that already
// have their foreign keys, CHECK constraints and triggers, which the full
// dump only creates after the data. Row order cannot satisfy cyclic or
// self-referencing FKs, and a trigger would change the rows it sees (or
// write elsewhere) while they load. mysqldump's data-only dumps switch key
// checks off; this is the SQL Server equivalent, per table in restore order:
//
//   - before the rows: NOCHECK CONSTRAINT for every FK and CHECK enabled in
//     the source, DISABLE TRIGGER for every DML trigger enabled there;
//   - after the rows: WITH CHECK CHECK CONSTRAINT for those trusted in the
//     source (the rows are verified and the constraint is trusted again),
//     WITH NOCHECK CHECK CONSTRAINT for enabled-but-untrusted ones, and
//     ENABLE TRIGGER, so is_disabled and is_not_trusted end as they were.
//
// Constraints and triggers disabled in the source are left alone. Only what
// the model holds is touched, each statement guarded by OBJECT_ID, so a
// target made with fewer objects (--skip-triggers, an FK whose referenced
// table was not dumped) does not fail the load.

// dataOnlyConstraint is a FK or CHECK as the data-only switches see it.
type dataOnlyConstraint struct {
	name       string
	typeCode   string // F or C, for OBJECT_ID
	notTrusted bool
}

// enabledConstraints lists t's FKs then CHECKs, each sorted by name, that
// are enabled in the source.
func enabledConstraints(t *model.Table) []dataOnlyConstraint {
	var out []dataOnlyConstraint
	for _, fk := range sortedFKs(t.ForeignKeys) {
		if !fk.Disabled {
			out = append(out, dataOnlyConstraint{fk.Name, "F", fk.NotTrusted})
		}
	}
	for _, ck := range sortedChecks(t.Checks) {
		if !ck.Disabled {
			out = append(out, dataOnlyConstraint{ck.Name, "C", ck.NotTrusted})
		}
	}
	return out
}

// enabledTriggers lists t's DML triggers enabled in the source, by name.
func enabledTriggers(t *model.Table) []*model.Module {
	var out []*model.Module
	for _, tr := range sortedQNames(t.Triggers, func(m *model.Module) model.QName { return m.QName }) {
		if !tr.Disabled {
			out = append(out, tr)
		}
	}
	return out
}

// ifExists guards stmt with OBJECT_ID(name, typeCode) IS NOT NULL.
func ifExists(name model.QName, typeCode, stmt string) string {
	return "IF OBJECT_ID(" + nlit(qn(name)) + ", N'" + typeCode + "') IS NOT NULL\n\t" + stmt + "\n"
}

// constraintsOff is the pre-data object per table with enabled FKs or
// CHECKs: NOCHECK each of them before the rows load.
func (b *builder) constraintsOff() []Object {
	return b.perTable(TypeConstraintsOff, "constraints", "CONSTRAINTS OFF", func(t *model.Table) string {
		var st strings.Builder
		for _, c := range enabledConstraints(t) {
			st.WriteString(ifExists(model.QName{Schema: t.Schema, Name: c.name}, c.typeCode, noCheckConstraint(t.QName, c.name)))
		}
		return st.String()
	})
}

// constraintsOn is the post-data object per table with enabled FKs or
// CHECKs: each is enabled again with the trust it had in the source.
func (b *builder) constraintsOn() []Object {
	return b.perTable(TypeConstraintsOn, "constraints", "CONSTRAINTS ON", func(t *model.Table) string {
		var st strings.Builder
		for _, c := range enabledConstraints(t) {
			with := "WITH CHECK"
			if c.notTrusted {
				with = "WITH NOCHECK"
			}
			stmt := "ALTER TABLE " + qn(t.QName) + " " + with + " CHECK CONSTRAINT " + ident(c.name) + ";"
			st.WriteString(ifExists(model.QName{Schema: t.Schema, Name: c.name}, c.typeCode, stmt))
		}
		return st.String()
	})
}

// triggersOff is the pre-data object per table with enabled DML triggers.
func (b *builder) triggersOff() []Object {
	return b.perTable(TypeTriggersOff, "triggers", "TRIGGERS OFF", func(t *model.Table) string {
		return triggerSwitch(t, "DISABLE")
	})
}

// triggersOn is the post-data object per table with enabled DML triggers.
func (b *builder) triggersOn() []Object {
	return b.perTable(TypeTriggersOn, "triggers", "TRIGGERS ON", func(t *model.Table) string {
		return triggerSwitch(t, "ENABLE")
	})
}

func triggerSwitch(t *model.Table, verb string) string {
	var st strings.Builder
	for _, tr := range enabledTriggers(t) {
		st.WriteString(ifExists(tr.QName, "TR", verb+" TRIGGER "+qn(tr.QName)+" ON "+qn(t.QName)+";"))
	}
	return st.String()
}

// perTable makes one object of type typ per table (restore order) for which
// body returns statements; the table's statements form one batch. The
// object is named what it switches (its zip file is then
// constraints_off/<schema>.<table>.constraints.sql).
func (b *builder) perTable(typ, what, title string, body func(*model.Table) string) []Object {
	var out []Object
	for _, t := range b.orderedTables() {
		text := body(t)
		if text == "" {
			continue
		}
		var sb strings.Builder
		header(&sb, title, qn(t.QName))
		batch(&sb, text)
		out = append(out, Object{Type: typ, QName: model.QName{Schema: t.Schema, Name: what}, Parent: t.QName, Text: sb.String()})
	}
	return out
}
