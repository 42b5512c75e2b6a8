package ddl

import (
	"maps"
	"slices"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// nameDependencies adds an edge from each view, function and procedure in g
// to every object of g its text names (scanNameRefs). The catalog's
// sys.sql_expression_dependencies misses references made before the object
// existed, through dynamic SQL or on engines that do not maintain it
// (Babelfish returns no rows), and a view created before what it reads fails
// the restore. Names in text can also be false positives (a column or alias
// spelled like a table), so these edges give way in a cycle where catalog
// dependencies, which are true, do not: a schema-qualified name is a soft
// edge, a one-part name (the usual column or alias) a weak one.
func (b *builder) nameDependencies(g *graph, idx *nameIndex, deps dependencies) {
	for _, n := range g.nodes {
		m, ok := n.obj.(*model.Module)
		if !ok || m.Definition == nil {
			continue
		}
		for _, ref := range scanNameRefs(*m.Definition, m.UsesQuotedIdentifier) {
			to, ok := idx.resolve(ref, b.db.Name, m.Schema)
			if !ok || to == m.QName {
				continue // a module's own name is in its CREATE statement
			}
			if g.nodes[to].rank == rankProcedure && n.rank != rankProcedure {
				continue // views and functions cannot call procedures: a false positive
			}
			s := soft
			if ref.schema == "" {
				s = weak
			}
			deps.add(m.QName, to, s)
		}
	}
}

// columnFunctionDependencies makes a table wait for the functions its
// defaults and computed columns call, which sys.sql_expression_dependencies
// reports only where the engine maintains it. A scalar function call needs
// a schema-qualified name, and a column expression names nothing else
// schema-qualified, so such a name that resolves to a function is a call:
// these edges are hard, which keeps the table out of the early release of
// tables held back only by foreign keys.
func (b *builder) columnFunctionDependencies(g *graph, idx *nameIndex, deps dependencies) {
	for _, n := range g.nodes {
		t, ok := n.obj.(*model.Table)
		if !ok {
			continue
		}
		for _, c := range t.Columns {
			var exprs []string
			if c.Default != nil {
				exprs = append(exprs, c.Default.Definition)
			}
			if c.Computed != nil {
				exprs = append(exprs, c.Computed.Definition)
			}
			for _, e := range exprs {
				for _, ref := range scanNameRefs(e, true) {
					if ref.schema == "" {
						continue
					}
					to, ok := idx.resolve(ref, b.db.Name, t.Schema)
					if ok && g.nodes[to].rank == rankFunction {
						deps.add(t.QName, to, hard)
					}
				}
			}
		}
	}
}

// nameIndex finds the objects of a graph by name the way SQL Server's default collation
// compares names: case-insensitively. In a database with a case-sensitive
// collation two objects may differ only in case; the exact spelling wins,
// else the binary-smallest, so the choice never depends on input order.
type nameIndex struct {
	exact  map[model.QName]bool
	folded map[model.QName]model.QName // folded name -> binary-smallest object
}

func foldName(s string) string { return strings.ToLower(s) }

func foldQName(schema, name string) model.QName {
	return model.QName{Schema: foldName(schema), Name: foldName(name)}
}

func newNameIndex(g *graph) *nameIndex {
	keys := slices.Collect(maps.Keys(g.nodes))
	x := &nameIndex{exact: map[model.QName]bool{}, folded: map[model.QName]model.QName{}}
	for _, k := range sortedQNames(keys, func(q model.QName) model.QName { return q }) {
		x.exact[k] = true
		f := foldQName(k.Schema, k.Name)
		if _, taken := x.folded[f]; !taken {
			x.folded[f] = k
		}
	}
	return x
}

func (x *nameIndex) lookup(schema, name string) (model.QName, bool) {
	q := model.QName{Schema: schema, Name: name}
	if x.exact[q] {
		return q, true
	}
	q, ok := x.folded[foldQName(schema, name)]
	return q, ok
}

// resolve maps ref, written in a module of schema moduleSchema in database
// dbName, to an object: a three-part name only when it names dbName, a name
// without schema in the module's schema, else in dbo.
func (x *nameIndex) resolve(ref nameRef, dbName, moduleSchema string) (model.QName, bool) {
	if ref.db != "" && foldName(ref.db) != foldName(dbName) {
		return model.QName{}, false
	}
	if ref.schema != "" {
		return x.lookup(ref.schema, ref.name)
	}
	if q, ok := x.lookup(moduleSchema, ref.name); ok {
		return q, true
	}
	return x.lookup("dbo", ref.name)
}
