package ddl

import (
	"sort"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// Script is a database scripted into objects in restore order. Build it once
// and write the sections around the data.
type Script struct {
	// Objects in restore order: all PreData objects, then all PostData ones.
	Objects []Object
	// Warnings about anything skipped or approximated, in a stable order.
	Warnings []Warning
	// Tables are the tables whose rows the data section loads, in load order
	// (foreign-key parents first where the FK graph is acyclic).
	Tables []*model.Table
}

// builder carries the state of one Build.
type builder struct {
	db    *model.Database
	opts  Options
	warns []Warning

	present map[model.QName]string // every scripted schema object -> its type
	tables  map[model.QName]*model.Table
	order   []*node // pre-data dependency order (tables, synonyms, modules)
}

// Build scripts db. It never fails: what cannot be scripted becomes a
// comment and a warning.
func Build(db *model.Database, opts Options) *Script {
	b := &builder{db: db, opts: opts, present: map[model.QName]string{}, tables: map[model.QName]*model.Table{}}
	b.index()
	b.orderObjects()

	var pre, post []Object
	if opts.AddDropTable {
		pre = append(pre, b.drops()...)
	}
	pre = append(pre, b.settings(PreData))
	if opts.Permissions {
		pre = append(pre, b.principals()...)
	}
	pre = append(pre, b.schemas()...)
	pre = append(pre, b.xmlSchemaCollections()...)
	pre = append(pre, b.bindables()...)
	pre = append(pre, b.aliasTypes()...)
	pre = append(pre, b.tableTypes()...)
	pre = append(pre, b.sequences()...)
	pre = append(pre, b.ordered()...)
	if opts.DataOnly {
		pre = append(pre, b.versioningOff()...)
		pre = append(pre, b.constraintsOff()...)
		pre = append(pre, b.triggersOff()...)
	}

	post = append(post, b.settings(PostData))
	post = append(post, b.tableIndexes()...)
	post = append(post, b.viewIndexes()...)
	post = append(post, b.foreignKeys()...)
	post = append(post, b.checks()...)
	post = append(post, b.disabledKeys()...)
	if opts.DataOnly {
		post = append(post, b.constraintsOn()...)
	}
	post = append(post, b.bindings()...)
	post = append(post, b.triggers()...)
	if opts.DataOnly {
		post = append(post, b.triggersOn()...)
	}
	post = append(post, b.systemVersioning()...)
	post = append(post, b.changeTracking()...)
	post = append(post, b.extendedProperties()...)
	if opts.Permissions {
		post = append(post, b.roleMembers()...)
		post = append(post, b.permissions()...)
	}
	for i := range pre {
		pre[i].Section = PreData
	}
	for i := range post {
		post[i].Section = PostData
	}
	s := &Script{Objects: append(pre, post...), Warnings: b.warns}
	for _, n := range b.order {
		if t, ok := n.obj.(*model.Table); ok {
			s.Tables = append(s.Tables, t)
		}
	}
	sortWarnings(s.Warnings)
	return s
}

// Objects returns db's objects in restore order (for the zip format) and the
// warnings.
func Objects(db *model.Database, opts Options) ([]Object, []Warning) {
	s := Build(db, opts)
	return s.Objects, s.Warnings
}

// DataOrder returns the tables of db in the order their rows should load.
func DataOrder(db *model.Database) []*model.Table {
	return Build(&model.Database{Tables: db.Tables, Dependencies: db.Dependencies}, Options{}).Tables
}

func (b *builder) warn(code, object, msg string) {
	b.warns = append(b.warns, Warning{Code: code, Object: object, Message: msg})
}

func sortWarnings(ws []Warning) {
	sort.SliceStable(ws, func(i, j int) bool {
		if ws[i].Code != ws[j].Code {
			return ws[i].Code < ws[j].Code
		}
		if ws[i].Object != ws[j].Object {
			return ws[i].Object < ws[j].Object
		}
		return ws[i].Message < ws[j].Message
	})
}

// objName is the display form used in warnings: schema.name without quoting.
func objName(q model.QName) string {
	if q.Schema == "" {
		return q.Name
	}
	return q.Schema + "." + q.Name
}

// index records what the model holds, for dependency checks and filtering.
func (b *builder) index() {
	for _, t := range b.db.Tables {
		b.tables[t.QName] = t
		b.register(t.QName, TypeTable)
		for _, c := range t.Columns {
			if unsafeName(c.Name) {
				b.warn(WarnUnsafeIdentifier, objName(t.QName)+"."+c.Name, "column name contains \"$(\" or a line break; restore with sqlcmd -x or mssqldump restore")
			}
		}
	}
	for _, m := range b.db.Modules {
		if m.Kind != model.KindTrigger {
			b.register(m.QName, model.ModuleType(m))
		}
	}
	for _, s := range b.db.Synonyms {
		b.register(s.QName, TypeSynonym)
	}
	for _, s := range b.db.Sequences {
		b.register(s.QName, TypeSequence)
	}
	for _, t := range b.db.Types {
		b.register(t.QName, TypeAliasType)
	}
	for _, t := range b.db.TableTypes {
		b.register(t.QName, TypeTableType)
	}
	for _, x := range b.db.XMLSchemaCollections {
		b.register(x.QName, TypeXMLSchemaCollection)
	}
	for _, d := range b.db.Defaults {
		b.register(d.QName, TypeDefault)
	}
	for _, r := range b.db.Rules {
		b.register(r.QName, TypeRule)
	}
}

// register records a schema-scoped object as present and warns when its
// name is one sqlcmd would corrupt.
func (b *builder) register(q model.QName, typ string) {
	b.present[q] = typ
	if unsafeName(q.Schema) || unsafeName(q.Name) {
		b.warn(WarnUnsafeIdentifier, objName(q), "name contains \"$(\" or a line break; restore with sqlcmd -x or mssqldump restore")
	}
}

// orderObjects sorts tables, synonyms and modules into one dependency order:
// a default can call a function, a schema-bound function can read a table, a
// view can read a synonym.
func (b *builder) orderObjects() {
	g := newGraph()
	for _, t := range b.db.Tables {
		g.add(t.QName, rankTable, t)
	}
	for _, s := range b.db.Synonyms {
		g.add(s.QName, rankSynonym, s)
	}
	for _, m := range b.db.Modules {
		switch model.ModuleType(m) {
		case TypeTrigger:
			continue
		case TypeView:
			g.add(m.QName, rankView, m)
		case TypeProcedure:
			g.add(m.QName, rankProcedure, m)
		default:
			g.add(m.QName, rankFunction, m)
		}
	}
	deps := dependencies{}
	for _, d := range b.db.Dependencies {
		deps.add(d.Referencing, d.Referenced, hard)
	}
	for _, t := range b.db.Tables {
		for _, fk := range t.ForeignKeys {
			deps.add(t.QName, fk.References, soft)
		}
		// A temporal table's history table is created first, so that the
		// pair appears in a stable order.
		if t.Temporal != nil {
			deps.add(t.QName, t.Temporal.History, soft)
		}
	}
	// A synonym must exist before a view that reads through it, and its
	// target (when it is in this database) before the synonym is used:
	// base_object_name is [schema].[name], or [db].[schema].[name] when
	// the synonym was created with a three-part name.
	idx := newNameIndex(g)
	for _, s := range b.db.Synonyms {
		if refs := scanNameRefs(s.Target, true); len(refs) == 1 && refs[0].schema != "" {
			if to, ok := idx.resolve(refs[0], b.db.Name, s.Schema); ok {
				deps.add(s.QName, to, hard)
			}
		}
	}
	b.columnFunctionDependencies(g, idx, deps)
	b.nameDependencies(g, idx, deps)
	g.edges(deps)
	b.order = g.sorted()
}

// batch appends one GO-terminated batch.
func batch(sb *strings.Builder, text string) {
	sb.WriteString(text)
	if !strings.HasSuffix(text, "\n") {
		sb.WriteByte('\n')
	}
	sb.WriteString("GO\n")
}

// header is the comment line that starts each object.
func header(sb *strings.Builder, kind, name string) {
	sb.WriteString("-- ")
	sb.WriteString(kind)
	sb.WriteString(" ")
	sb.WriteString(comment(name))
	sb.WriteString("\n")
}

// preambleOptions are the settings every section runs under, in the order
// SSMS scripts them: the values filtered indexes, indexed views and
// computed-column indexes require.
var preambleOptions = []tsql.SessionOption{
	{Name: tsql.SetNoCount, On: true},
	{Name: tsql.SetAnsiNulls, On: true},
	{Name: tsql.SetAnsiPadding, On: true},
	{Name: tsql.SetAnsiWarnings, On: true},
	{Name: tsql.SetArithAbort, On: true},
	{Name: tsql.SetConcatNullYieldsNull, On: true},
	{Name: tsql.SetNumericRoundAbort, On: false},
	{Name: tsql.SetQuotedIdentifier, On: true},
}

// settings sets the session options every section relies on: sqlcmd runs
// with QUOTED_IDENTIFIER OFF by default, and filtered indexes, indexed views
// and computed-column indexes need these values.
func (b *builder) settings(s Section) Object {
	var sb strings.Builder
	sb.WriteString("-- ")
	sb.WriteString(s.String())
	sb.WriteString("\n")
	batch(&sb, tsql.SetStatements(preambleOptions...))
	return Object{Type: TypeSettings, QName: model.QName{Name: s.String()}, Text: sb.String()}
}

// guardKept is guard for what AddDropTable does not drop (principals):
// a second run of its script over the same database must not create them
// again.
func (b *builder) guardKept(cond, stmt string) string {
	if b.opts.AddDropTable {
		return "IF " + cond + "\n" + stmt
	}
	return b.guard(cond, stmt)
}

// guard prefixes stmt with an existence test when IfNotExists is on.
func (b *builder) guard(cond, stmt string) string {
	if !b.opts.IfNotExists {
		return stmt
	}
	return "IF " + cond + "\n" + stmt
}

// objectIDIsNull is the IfNotExists test for a schema-scoped object.
func objectIDIsNull(q model.QName, typ string) string {
	lit, _ := strLit(qn(q))
	if typ == "" {
		return "OBJECT_ID(" + lit + ") IS NULL"
	}
	return "OBJECT_ID(" + lit + ", N'" + typ + "') IS NULL"
}

// nlit is strLit for text known to be short and plain (names): it falls
// back to the expression form, which is valid wherever an expression is.
func nlit(s string) string {
	e, _ := strLit(s)
	return e
}

// sortedQNames returns a sorted copy of a slice of named items.
func sortedQNames[T any](items []T, key func(T) model.QName) []T {
	out := append([]T(nil), items...)
	sort.SliceStable(out, func(i, j int) bool {
		a, c := key(out[i]), key(out[j])
		if a.Schema != c.Schema {
			return a.Schema < c.Schema
		}
		return a.Name < c.Name
	})
	return out
}
