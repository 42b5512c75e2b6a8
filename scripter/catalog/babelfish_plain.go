package catalog

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strconv"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// Babelfish parses every T-SQL batch with an ANTLR parser whose prediction
// cache starts empty in each connection (each connection is a new
// PostgreSQL backend). The first time a connection's queries use a
// construct (a qualified name c.[x], an alias, a join, a WHERE, a CASE,
// each built-in function) the parser spends tens to hundreds of
// milliseconds of CPU learning it. The joined queries of query.go use
// dozens of constructs and cost a new connection 1.8 s of parsing for a
// data-only catalog; the same views read with one plain
// "SELECT [a], [b] FROM sys.[v]" each cost 0.3 s (measured on Babelfish
// 4.3, fresh connection, data-only scope).
//
// So on Babelfish the reader reads each view it needs whole, with plain
// SELECTs only, once per catalog read (plainCatalog caches what several
// steps share), and does the joins, filters and ordering of the joined
// queries here. The result is the same rows: an integration test compares
// the two readers on Babelfish. SQL Server, which caches its plans across
// connections, keeps the joined queries.

// plainStep reads one step's rows (see readSteps) into r with plain reads.
type plainStep func(p *plainCatalog, r *Rows) error

// plainSteps are the read steps the plain reader implements, by their
// readStep.what; the others run their joined query on Babelfish too.
func plainSteps() map[string]plainStep {
	out := map[string]plainStep{}
	for _, m := range []map[string]plainStep{plainObjectSteps(), plainColumnSteps(), plainConstraintSteps(), plainModuleSteps(), plainPermissionSteps()} {
		for what, step := range m {
			out[what] = step
		}
	}
	return out
}

// readsPlain reports whether the catalog of s is read with plain reads.
func (s *Server) readsPlain() bool { return s.Babelfish && !s.joinedOnly }

// usePlainReads replaces the read of every step the plain reader
// implements with its plain step, reading through p.
func usePlainReads(p *plainCatalog, r *Rows, steps []readStep) {
	plain := plainSteps()
	for i := range steps {
		if step, ok := plain[steps[i].what]; ok {
			steps[i].read = func() error { return step(p, r) }
		}
	}
}

// plainCatalog is one catalog read's plain reads, with the views several
// steps use read once.
type plainCatalog struct {
	ctx context.Context
	q   Querier
	s   *Server
	// cache holds what a loader read, by the loader's name (see cached).
	cache map[string]any
}

// cached returns what load returns for key, running it once per catalog
// read.
func cached[T any](p *plainCatalog, key string, load func() (T, error)) (T, error) {
	if v, ok := p.cache[key]; ok {
		return v.(T), nil
	}
	v, err := load()
	if err != nil {
		return v, err
	}
	if p.cache == nil {
		p.cache = map[string]any{}
	}
	p.cache[key] = v
	return v, nil
}

// groupBy groups rows by key, each group in the rows' order: the rows a
// LEFT JOIN on that key matches.
func groupBy[T any, K comparable](rows []T, key func(T) K) map[K][]T {
	out := map[K][]T{}
	for _, r := range rows {
		k := key(r)
		out[k] = append(out[k], r)
	}
	return out
}

// trimType is RTRIM(type): sys.objects types are char(2) ("V ").
func trimType(t string) string { return strings.TrimRight(t, " ") }

// sqlTypeIs compares a char(n) type code as T-SQL's "=" does on Babelfish:
// trailing blanks do not count and the default collation ignores case.
func sqlTypeIs(typ string, codes ...string) bool {
	typ = trimType(typ)
	for _, c := range codes {
		if strings.EqualFold(typ, c) {
			return true
		}
	}
	return false
}

// plainQuery is one plain SELECT, "SELECT [a], [b] FROM schema.[view]",
// and what each column is scanned into. Its text uses only bracketed
// names: no alias, join, WHERE, ORDER BY or function.
type plainQuery struct {
	schema, view string
	cols         []string
	dests        []any
	// where is " WHERE [col] IN (...)", or "": see whereIn.
	where string
}

// selectFrom starts a plain SELECT from sys.[view].
func selectFrom(view string) *plainQuery { return &plainQuery{schema: "sys", view: view} }

// selectFromSchema starts a plain SELECT from schema.[view] (pg_catalog
// views on Babelfish).
func selectFromSchema(schema, view string) *plainQuery {
	return &plainQuery{schema: schema, view: view}
}

// col selects column name, scanned into dest.
func (p *plainQuery) col(name string, dest any) *plainQuery {
	p.cols = append(p.cols, name)
	p.dests = append(p.dests, dest)
	return p
}

// gated selects column name when the server has it (Server.Has, for the
// gated views); otherwise dest keeps its zero value, as the joined query's
// typed NULL gives.
func (p *plainQuery) gated(s *Server, name string, dest any) *plainQuery {
	if s.Has(p.view, name) {
		p.col(name, dest)
	}
	return p
}

// whereIn keeps the rows whose column col is one of ids. Only the
// pg_catalog reads use it: those views list every database of the
// Babelfish server (pg_depend has tens of thousands of rows on a small
// one), so reading them whole would grow with the server rather than with
// the database dumped. The WHERE costs a connection's parser one more
// construct. ids must not be empty (read nothing instead).
func (p *plainQuery) whereIn(col string, ids []int64) *plainQuery {
	items := make([]string, len(ids))
	for i, id := range ids {
		items[i] = strconv.FormatInt(id, 10)
	}
	p.where = " WHERE [" + col + "] IN (" + strings.Join(items, ", ") + ")"
	return p
}

// whereInNames keeps the rows whose column col is one of names.
func (p *plainQuery) whereInNames(col string, names []string) *plainQuery {
	items := make([]string, len(names))
	for i, n := range names {
		items[i] = tsql.QuoteString(n)
	}
	p.where = " WHERE [" + col + "] IN (" + strings.Join(items, ", ") + ")"
	return p
}

// text is the SELECT.
func (p *plainQuery) text() string {
	var b strings.Builder
	b.WriteString("SELECT ")
	for i, c := range p.cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(tsql.QuoteIdent(c))
	}
	b.WriteString(" FROM " + p.schema + ".[" + p.view + "]")
	b.WriteString(p.where)
	return b.String()
}

// each runs the query (with query, whose errors name schema.view) and
// calls row after each row has been scanned into the dests (which every
// row overwrites: row copies what it keeps).
func (p *plainQuery) each(ctx context.Context, q Querier, row func() error) error {
	_, err := query(ctx, q, p.schema+"."+p.view, p.text(), func(rows *sql.Rows, _ *struct{}) error {
		if err := rows.Scan(p.dests...); err != nil {
			return err
		}
		return row()
	})
	return err
}

// readAll runs the query, scanning each row into *cur and appending a copy
// of it: cur is the struct the dests point into.
func readAll[T any](ctx context.Context, q Querier, pq *plainQuery, cur *T) ([]T, error) {
	var out []T
	err := pq.each(ctx, q, func() error {
		out = append(out, *cur)
		return nil
	})
	return out, err
}

// plainObject is a row of sys.all_objects, which several steps join to
// (for is_ms_shipped, the type, SCHEMA_NAME and OBJECT_NAME).
type plainObject struct {
	ObjectID       int64
	SchemaID       int64
	Name           string
	Type           string // char(2) as read: "U ", "V ", "PK" ...
	ParentObjectID int64
	IsMSShipped    bool
}

// allObjects reads sys.all_objects, every row, in object_id order.
func (p *plainCatalog) allObjects() ([]plainObject, error) {
	return cached(p, "all_objects", func() ([]plainObject, error) {
		var o plainObject
		q := selectFrom("all_objects").col("object_id", &o.ObjectID).col("schema_id", nint64{&o.SchemaID}).
			col("name", &o.Name).col("type", nstr{&o.Type}).col("parent_object_id", nint64{&o.ParentObjectID}).
			col("is_ms_shipped", nbool{&o.IsMSShipped})
		out, err := readAll(p.ctx, p.q, q, &o)
		slices.SortStableFunc(out, func(a, b plainObject) int { return cmp.Compare(a.ObjectID, b.ObjectID) })
		return out, err
	})
}

// objectsByID indexes allObjects by object_id.
func (p *plainCatalog) objectsByID() (map[int64]plainObject, error) {
	return cached(p, "objects by id", func() (map[int64]plainObject, error) {
		all, err := p.allObjects()
		if err != nil {
			return nil, err
		}
		out := make(map[int64]plainObject, len(all))
		for _, o := range all {
			out[o.ObjectID] = o
		}
		return out, nil
	})
}

// schemaNames maps schema_id to name (what SCHEMA_NAME returns), from
// sys.schemas.
func (p *plainCatalog) schemaNames() (map[int64]string, error) {
	return cached(p, "schema names", func() (map[int64]string, error) {
		schemas, err := p.sysSchemas()
		out := map[int64]string{}
		for _, s := range schemas {
			out[s.SchemaID] = s.Name
		}
		return out, err
	})
}

// columnKey is a column's (object_id, column_id).
type columnKey struct{ ObjectID, ColumnID int64 }

// columnNames maps (object_id, column_id) to the column's name, from
// sys.columns.
func (p *plainCatalog) columnNames() (map[columnKey]string, error) {
	return cached(p, "column names", func() (map[columnKey]string, error) {
		var k columnKey
		var name string
		out := map[columnKey]string{}
		err := selectFrom("columns").col("object_id", &k.ObjectID).col("column_id", &k.ColumnID).col("name", &name).
			each(p.ctx, p.q, func() error {
				out[k] = name
				return nil
			})
		return out, err
	})
}
