// Package catalog reads a SQL Server database's catalog (sys.* views) into a
// model.Database.
//
// It has two layers. The query layer (query*.go) runs one SELECT per catalog
// view and returns plain row structs; it needs a server. The assembly layer
// (assemble.go, which calls one builder per object family in tables.go,
// indexes.go, modules.go, principals.go, ...) turns those rows into the model
// and is pure, so it is tested with row fixtures. Scope narrows what is read
// to what the dump's options script. Queries are version-gated: a column that exists only in
// newer releases (temporal 2016+, graph 2017+, ledger 2022+, ...) is selected
// only when sys.all_columns says the server has it, otherwise a typed NULL
// stands in, so one code path serves SQL Server 2016+ and Azure SQL Database.
// On Babelfish the query layer reads each view with plain SELECTs instead
// and joins the rows here (babelfish_plain*.go), into the same row structs.
package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// Querier is what the reader needs from a connection: *sql.Tx, *sql.Conn and
// *sql.DB all satisfy it. Dump passes the snapshot transaction so that the
// catalog and the data come from the same point in time.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// EngineEditionAzureSQLDatabase is SERVERPROPERTY('EngineEdition') of Azure
// SQL Database.
const EngineEditionAzureSQLDatabase = 5

// Server describes the server and database the catalog comes from.
type Server struct {
	MajorVersion  int // SERVERPROPERTY('ProductMajorVersion'): 13 = 2016, 14 = 2017, 15 = 2019, 16 = 2022
	EngineEdition int // SERVERPROPERTY('EngineEdition'); 5 = Azure SQL Database
	Database      string
	Collation     string
	Compatibility int
	// SnapshotIsolationState is sys.databases.snapshot_isolation_state:
	// 1 = ON (SNAPSHOT transactions allowed).
	SnapshotIsolationState int
	ReadCommittedSnapshot  bool

	// columns holds "view.column" for every gated catalog column the server has.
	columns map[string]bool
	// views holds the names of the probed catalog views (and functions) the
	// server has, lower case.
	views map[string]bool
	// probed is set once DetectServer (or WithCatalog) has looked up every
	// view the reader uses; listsBuiltins when sys.all_objects lists the
	// engine's built-in functions (see capabilities.go).
	probed, listsBuiltins bool

	// Babelfish is set on Babelfish for PostgreSQL (Aurora PostgreSQL's
	// SQL Server compatibility): SERVERPROPERTY('Babelfish') = 1.
	Babelfish        bool
	BabelfishVersion string
	// joinedOnly makes a Babelfish catalog read run the joined queries of
	// query.go instead of plain reads (babelfish_plain.go): the test that
	// compares the two sets it.
	joinedOnly bool
}

// IsAzure reports whether the server is Azure SQL Database.
func (s *Server) IsAzure() bool { return s.EngineEdition == EngineEditionAzureSQLDatabase }

// SnapshotAllowed reports whether a SNAPSHOT isolation transaction may start.
func (s *Server) SnapshotAllowed() bool { return s.SnapshotIsolationState == 1 }

// Has reports whether catalog view sys.<view> has column col on this server.
func (s *Server) Has(view, col string) bool { return s.columns[view+"."+col] }

// HasView reports whether catalog view sys.<view> exists on this server.
func (s *Server) HasView(view string) bool { return s.views[view] }

// col returns expr when sys.<view>.<col> exists, else a NULL of sqlType, so
// a SELECT list keeps its shape on every version.
func (s *Server) col(view, col, expr, sqlType string) string {
	if s.Has(view, col) {
		return expr
	}
	return "CAST(NULL AS " + sqlType + ")"
}

// NewServer builds a Server for tests and fixtures: columns are
// "view.column" strings, views are view names.
func NewServer(major, edition int, columns, views []string) *Server {
	s := &Server{MajorVersion: major, EngineEdition: edition, columns: map[string]bool{}, views: map[string]bool{}}
	for _, c := range columns {
		s.columns[c] = true
	}
	for _, v := range views {
		s.views[v] = true
	}
	return s
}

// gatedViews are the catalog views whose columns vary across versions.
var gatedViews = []string{
	"tables", "columns", "indexes", "sequences", "masked_columns", "database_principals",
	"hash_indexes", "xml_indexes", "spatial_index_tessellations", "change_tracking_tables",
	"index_columns", "views", "table_types",
}

// DetectServer reads the server's version, edition, database settings and
// which gated catalog columns exist. One cheap query first tells the
// engine; Babelfish then gets plain reads (detectBabelfishPlain), SQL
// Server the joined queries.
func DetectServer(ctx context.Context, q Querier) (*Server, error) {
	return detectServer(ctx, q, false, &plainCatalog{})
}

// detectServer is DetectServer; on Babelfish its plain reads go through
// shared, whose views the catalog read that follows reuses (ReadScope).
func detectServer(ctx context.Context, q Querier, joined bool, shared *plainCatalog) (*Server, error) {
	s := &Server{columns: map[string]bool{}, views: map[string]bool{}}
	e, err := readEngine(ctx, q)
	if err != nil {
		return nil, err
	}
	if e.babelfish && !joined {
		shared.ctx, shared.q, shared.s = ctx, q, s
		if err := s.detectBabelfishPlain(shared, e); err != nil {
			return nil, err
		}
		s.probed = true
		return s, nil
	}
	if err := s.readProperties(ctx, q); err != nil {
		return nil, err
	}
	if err := s.probe(ctx, forEngine(q, s)); err != nil {
		return nil, err
	}
	s.probed = true
	return s, nil
}

// engineQuery tells the engine with what every engine answers cheaply: its
// first two items are the query the scripter's reader sends before the
// catalog is read (readIsolationState), so that Babelfish's parser, which
// learns each construct once per connection, has learned its shape
// already; SERVERPROPERTY gives NULL for a property the engine lacks.
const engineQuery = `SELECT CAST(SERVERPROPERTY('Babelfish') AS int), DB_NAME(), ` +
	`CAST(SERVERPROPERTY('ProductMajorVersion') AS int), CAST(SERVERPROPERTY('EngineEdition') AS int), ` +
	`CAST(SERVERPROPERTY('BabelfishVersion') AS nvarchar(128))`

// engine is what engineQuery reads.
type engine struct {
	babelfish        bool
	database         string
	majorVersion     int
	engineEdition    int
	babelfishVersion string
}

// readEngine runs engineQuery; of several rows the last one counts, and
// none gives the zero engine.
func readEngine(ctx context.Context, q Querier) (engine, error) {
	rows, err := query(ctx, q, "server properties", engineQuery, func(rows *sql.Rows, e *engine) error {
		var bbf int
		if err := rows.Scan(nint{&bbf}, nstr{&e.database}, nint{&e.majorVersion}, nint{&e.engineEdition},
			nstr{&e.babelfishVersion}); err != nil {
			return err
		}
		e.babelfish = bbf == 1
		return nil
	})
	if err != nil || len(rows) == 0 {
		return engine{}, err
	}
	return rows[len(rows)-1], nil
}

// detectBabelfishPlain reads, on Babelfish, what readProperties and probe
// read, with plain SELECTs (see babelfish_plain.go): the joined two cost a
// new connection about 0.5 s of parsing there. The database's row of
// sys.databases is picked here, and each probed name is looked up among
// the rows of sys.all_objects in the sys schema, as OBJECT_ID(N'sys.' +
// name) finds it.
func (s *Server) detectBabelfishPlain(p *plainCatalog, e engine) error {
	var d databaseRow
	dbs, err := readAll(p.ctx, p.q, selectFrom("databases").col("name", nstr{&d.Name}).
		col("collation_name", nstr{&d.Collation}).col("compatibility_level", nint{&d.Compatibility}).
		col("snapshot_isolation_state", nint{&d.SnapshotIsolationState}).
		col("is_read_committed_snapshot_on", nbool{&d.ReadCommittedSnapshot}), &d)
	if err != nil {
		return err
	}
	db, ok := currentDatabase(dbs, e.database)
	if !ok {
		return fmt.Errorf("catalog: sys.databases has no row for the current database")
	}
	s.MajorVersion, s.EngineEdition = e.majorVersion, e.engineEdition
	s.Database, s.Collation, s.Compatibility = db.Name, db.Collation, db.Compatibility
	s.SnapshotIsolationState, s.ReadCommittedSnapshot = db.SnapshotIsolationState, db.ReadCommittedSnapshot
	s.Babelfish, s.BabelfishVersion = true, e.babelfishVersion
	// The plain catalog's own read of sys.all_objects: ReadScope reads the
	// catalog through p too, and reads it once.
	objects, err := p.allObjects()
	if err != nil {
		return err
	}
	sysID, err := sysSchemaID(p)
	if err != nil {
		return err
	}
	var c probeColumn
	cols, err := readAll(p.ctx, p.q, selectFrom("all_columns").col("object_id", &c.ObjectID).col("name", &c.Name), &c)
	if err != nil {
		return err
	}
	s.recordProbe(sysSchemaObjects(objects, sysID), cols)
	return nil
}

// databaseRow is a row of sys.databases.
type databaseRow struct {
	Name, Collation                       string
	Compatibility, SnapshotIsolationState int
	ReadCommittedSnapshot                 bool
}

// currentDatabase picks the row of the database DB_NAME() names (which is
// what DB_ID() identifies): by its exact name, else by the name compared
// case-insensitively, as database names are.
func currentDatabase(dbs []databaseRow, name string) (databaseRow, bool) {
	for _, d := range dbs {
		if d.Name == name {
			return d, true
		}
	}
	for _, d := range dbs {
		if strings.EqualFold(d.Name, name) {
			return d, true
		}
	}
	return databaseRow{}, false
}

// sysSchemaID is the schema_id of the sys schema, which Babelfish's
// sys.schemas does not list: its PostgreSQL namespace's OID.
func sysSchemaID(p *plainCatalog) (int64, error) {
	namespaces, err := p.namespaceNames()
	if err != nil {
		return 0, err
	}
	for oid, name := range namespaces {
		if name == "sys" {
			return oid, nil
		}
	}
	return 0, fmt.Errorf("catalog: pg_catalog.pg_namespace has no sys schema")
}

// probeColumn is a row of sys.all_columns: a column of a view.
type probeColumn struct {
	ObjectID int64
	Name     string
}

// sysSchemaObjects maps each object name of the sys schema, lower case, to the
// object OBJECT_ID(N'sys.' + name) finds: names compare case-insensitively
// there; of several objects with one name (Babelfish's overloaded
// functions) the first by object_id stands for them all.
func sysSchemaObjects(objects []plainObject, sysID int64) map[string]plainObject {
	out := map[string]plainObject{}
	for _, o := range objects {
		if o.SchemaID != sysID {
			continue
		}
		if _, ok := out[strings.ToLower(o.Name)]; !ok {
			out[strings.ToLower(o.Name)] = o
		}
	}
	return out
}

// recordProbe records what probe reads, from the sys objects
// (sysSchemaObjects) and the columns of every view: the probed names that
// exist, and the columns of the gated views, under the view's name as
// OBJECT_NAME gives it, lower case.
func (s *Server) recordProbe(sys map[string]plainObject, cols []probeColumn) {
	for _, name := range probedNames() {
		if _, ok := sys[name]; ok {
			s.views[name] = true
			if name == probeFunction {
				s.listsBuiltins = true
			}
		}
	}
	gated := map[int64]string{}
	for _, v := range gatedViews {
		if o, ok := sys[v]; ok {
			gated[o.ObjectID] = strings.ToLower(o.Name)
		}
	}
	for _, c := range cols {
		if view, ok := gated[c.ObjectID]; ok {
			s.views[view] = true
			s.columns[view+"."+c.Name] = true
		}
	}
}

// propertiesQuery reads the version, edition and database settings. Its
// names are bracketed as bracketNames would (see babelfish_parse.go): it
// runs before the engine is known, and bracketed they cost Babelfish's
// parser less (about 0.1 s of server CPU on a new connection) and mean
// the same to SQL Server.
const propertiesQuery = `SELECT
  CONVERT(int, ISNULL(SERVERPROPERTY('ProductMajorVersion'), 0)),
  CONVERT(int, SERVERPROPERTY('EngineEdition')),
  d.[name],
  CONVERT(nvarchar(128), d.[collation_name]),
  CONVERT(int, d.[compatibility_level]),
  CONVERT(int, d.[snapshot_isolation_state]),
  d.[is_read_committed_snapshot_on],
  CONVERT(int, ISNULL(SERVERPROPERTY('Babelfish'), 0)),
  CONVERT(nvarchar(128), SERVERPROPERTY('BabelfishVersion'))
FROM sys.[databases] AS d
WHERE d.[database_id] = DB_ID()`

// readProperties reads the version, edition and database settings.
func (s *Server) readProperties(ctx context.Context, q Querier) error {
	rows, err := q.QueryContext(ctx, propertiesQuery)
	if err != nil {
		return fmt.Errorf("catalog: reading server properties: %w", err)
	}
	found := false
	for rows.Next() {
		var coll, bbfVersion sql.NullString
		var bbf int
		if err := rows.Scan(&s.MajorVersion, &s.EngineEdition, &s.Database, &coll, &s.Compatibility,
			&s.SnapshotIsolationState, &s.ReadCommittedSnapshot, &bbf, &bbfVersion); err != nil {
			rows.Close()
			return fmt.Errorf("catalog: reading server properties: %w", err)
		}
		s.Collation = coll.String
		s.Babelfish, s.BabelfishVersion = bbf == 1, bbfVersion.String
		found = true
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("catalog: reading server properties: %w", err)
	}
	if !found {
		return fmt.Errorf("catalog: sys.databases has no row for the current database")
	}
	return nil
}

// probe records which of the probed sys views and functions exist and the
// columns of the gated views. Each name is looked up with OBJECT_ID
// (sys.<name> resolves to exactly the sys-schema row of sys.all_objects
// the name has) and only the gated views' columns are read from
// sys.all_columns, by object id: a join of sys.all_objects with
// sys.all_columns over every probed name took most of a second on
// Babelfish, where both views are built over PostgreSQL's catalog.
func (s *Server) probe(ctx context.Context, q Querier) error {
	rows, err := q.QueryContext(ctx, probeQuery())
	if err != nil {
		return fmt.Errorf("catalog: reading catalog columns: %w", err)
	}
	for rows.Next() {
		var view string
		var col sql.NullString
		if err := rows.Scan(&view, &col); err != nil {
			rows.Close()
			return fmt.Errorf("catalog: reading catalog columns: %w", err)
		}
		view = strings.ToLower(view)
		s.views[view] = true
		if view == probeFunction {
			s.listsBuiltins = true
		}
		if col.Valid {
			s.columns[view+"."+col.String] = true
		}
	}
	if err := closeRows(rows); err != nil {
		return fmt.Errorf("catalog: reading catalog columns: %w", err)
	}
	return nil
}

// probeQuery lists each probed name that exists (with a NULL column), then
// each column of the gated views.
func probeQuery() string {
	probe := probedNames()
	values := make([]string, len(probe))
	for i, v := range probe {
		values[i] = "(N'" + v + "')"
	}
	ids := make([]string, len(gatedViews))
	for i, v := range gatedViews {
		ids[i] = "OBJECT_ID(N'sys." + v + "')"
	}
	return `SELECT v.name, CAST(NULL AS sysname)
FROM (VALUES ` + strings.Join(values, ", ") + `) AS v(name)
WHERE OBJECT_ID(N'sys.' + v.name) IS NOT NULL
UNION ALL
SELECT OBJECT_NAME(c.object_id), c.name
FROM sys.all_columns AS c
WHERE c.object_id IN (` + strings.Join(ids, ", ") + `)`
}

func closeRows(rows *sql.Rows) error {
	err := rows.Err()
	if cerr := rows.Close(); err == nil {
		err = cerr
	}
	return err
}
