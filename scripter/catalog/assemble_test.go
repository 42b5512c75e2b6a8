package catalog

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// fixtureRows is a small catalog in the shapes SQL Server returns: system
// types, an alias type, a temporal table with its history, identity,
// computed and default columns, keys, a cyclic FK pair, an indexed view,
// a trigger, a CLR procedure and extended properties.
func fixtureRows() *Rows {
	def := func(s string) *string { return &s }
	five := 5
	srv := NewServer(16, 3, nil, nil)
	srv.Database, srv.Collation = "shop", "Latin1_General_CI_AS"
	return &Rows{
		Server: srv,
		Types: []TypeRow{
			{UserTypeID: 56, SystemTypeID: 56, Schema: "sys", Name: "int", MaxLength: 4, Precision: 10},
			{UserTypeID: 231, SystemTypeID: 231, Schema: "sys", Name: "nvarchar", MaxLength: 8000},
			{UserTypeID: 256, SystemTypeID: 231, Schema: "sys", Name: "sysname", MaxLength: 256},
			{UserTypeID: 189, SystemTypeID: 189, Schema: "sys", Name: "timestamp", MaxLength: 8},
			{UserTypeID: 42, SystemTypeID: 42, Schema: "sys", Name: "datetime2", MaxLength: 8, Precision: 27, Scale: 7},
			{UserTypeID: 128, SystemTypeID: 240, Schema: "sys", Name: "hierarchyid", MaxLength: 892, IsAssemblyType: true},
			{UserTypeID: 257, SystemTypeID: 231, Schema: "dbo", Name: "Phone", MaxLength: 40, IsNullable: true, IsUserDefined: true},
			{UserTypeID: 258, SystemTypeID: 243, Schema: "dbo", Name: "IdList", IsUserDefined: true, IsTableType: true, TypeTableObjectID: 900},
			{UserTypeID: 259, SystemTypeID: 240, Schema: "dbo", Name: "Clr", IsUserDefined: true, IsAssemblyType: true},
		},
		Schemas: []SchemaRow{{SchemaID: 6, Name: "sales", Owner: "dbo"}, {SchemaID: 5, Name: "hr", Owner: "boss"}},
		Objects: []ObjectRow{
			{ObjectID: 100, Schema: "dbo", Name: "Orders", Type: "U "},
			{ObjectID: 101, Schema: "dbo", Name: "OrdersHistory", Type: "U "},
			{ObjectID: 102, Schema: "dbo", Name: "Customers", Type: "U "},
			{ObjectID: 103, Schema: "dbo", Name: "PK_Orders", Type: "PK", ParentObjectID: 100},
			{ObjectID: 200, Schema: "dbo", Name: "vOrders", Type: "V "},
			{ObjectID: 201, Schema: "dbo", Name: "trOrders", Type: "TR", ParentObjectID: 100},
			{ObjectID: 202, Schema: "dbo", Name: "ClrProc", Type: "PC"},
			{ObjectID: 203, Schema: "dbo", Name: "fnTax", Type: "FN"},
			{ObjectID: 204, Schema: "dbo", Name: "DF_Orders_Note", Type: "D ", ParentObjectID: 100},
			{ObjectID: 205, Schema: "dbo", Name: "seq", Type: "SO"},
		},
		Tables: []TableRow{
			{ObjectID: 100, Schema: "dbo", Name: "Orders", LockEscalation: "TABLE", TemporalType: 2, HistoryTableID: 101,
				RetentionPeriod: 6, RetentionUnit: "MONTH", Compression: "PAGE", LedgerType: "NON_LEDGER_TABLE"},
			{ObjectID: 101, Schema: "dbo", Name: "OrdersHistory", LockEscalation: "TABLE", TemporalType: 1, Compression: "NONE"},
			{ObjectID: 102, Schema: "dbo", Name: "Customers", LockEscalation: "TABLE", Compression: "NONE", FileGroup: "ps_year", Partitioned: true},
			{ObjectID: 104, Schema: "dbo", Name: "MSSQL_LedgerHistoryFor_1", LedgerType: "HISTORY_TABLE"},
			{ObjectID: 105, Schema: "dbo", Name: "Ext", IsExternal: true},
		},
		Columns: []ColumnRow{
			{ObjectID: 100, ColumnID: 1, Name: "Id", UserTypeID: 56, MaxLength: 4, Precision: 10, IsIdentity: true,
				IdentitySeed: "1", IdentityIncr: "1", IdentityLast: "41"},
			{ObjectID: 100, ColumnID: 2, Name: "Customer", UserTypeID: 56, MaxLength: 4, Precision: 10, IsNullable: true},
			{ObjectID: 100, ColumnID: 3, Name: "Phone", UserTypeID: 257, MaxLength: 40, IsNullable: true,
				Collation: "Latin1_General_CI_AS"},
			{ObjectID: 100, ColumnID: 4, Name: "Note", UserTypeID: 231, MaxLength: -1, IsNullable: true, Collation: "Japanese_CI_AS",
				HasDefaultObject: true, DefaultName: "DF_Orders_Note", DefaultDef: "(N'')", DefaultSysNamed: false},
			{ObjectID: 100, ColumnID: 5, Name: "Ver", UserTypeID: 189, MaxLength: 8},
			{ObjectID: 100, ColumnID: 6, Name: "Twice", UserTypeID: 56, MaxLength: 4, IsComputed: true, ComputedDef: "([Id]*(2))", ComputedPersist: true},
			{ObjectID: 100, ColumnID: 7, Name: "ValidFrom", UserTypeID: 42, MaxLength: 8, Precision: 27, Scale: 7, GeneratedAlways: "AS_ROW_START", IsHidden: true},
			{ObjectID: 100, ColumnID: 8, Name: "ValidTo", UserTypeID: 42, MaxLength: 8, Precision: 27, Scale: 7, GeneratedAlways: "AS_ROW_END", IsHidden: true},
			{ObjectID: 100, ColumnID: 9, Name: "Node", UserTypeID: 128, MaxLength: 892, IsNullable: true},
			{ObjectID: 100, ColumnID: 10, Name: "Tx", UserTypeID: 56, MaxLength: 8, GeneratedAlways: "AS_TRANSACTION_ID_START"},
			{ObjectID: 102, ColumnID: 1, Name: "Id", UserTypeID: 56, MaxLength: 4},
			{ObjectID: 102, ColumnID: 2, Name: "LastOrder", UserTypeID: 56, MaxLength: 4, IsNullable: true},
			{ObjectID: 900, ColumnID: 1, Name: "Id", UserTypeID: 56, MaxLength: 4},
		},
		Indexes: []IndexRow{
			{ObjectID: 100, IndexID: 1, Name: "PK_Orders", Type: 1, IsUnique: true, IsPrimaryKey: true, AllowRowLocks: true, AllowPageLocks: true, Compression: "PAGE"},
			{ObjectID: 100, IndexID: 3, Name: "IX_b", Type: 2, AllowRowLocks: true, AllowPageLocks: false, HasFilter: true, Filter: "([Customer] IS NOT NULL)"},
			{ObjectID: 100, IndexID: 2, Name: "IX_a", Type: 2, AllowRowLocks: true, AllowPageLocks: true, Compression: "NONE"},
			{ObjectID: 200, IndexID: 1, Name: "CIX_v", Type: 1, IsUnique: true, AllowRowLocks: true, AllowPageLocks: true},
			{ObjectID: 102, IndexID: 1, Name: "PK__Customer__3214EC07", Type: 1, IsUnique: true, IsPrimaryKey: true, IsSystemNamed: true, AllowRowLocks: true, AllowPageLocks: true},
		},
		IndexColumns: []IndexColumnRow{
			{ObjectID: 100, IndexID: 3, KeyOrdinal: 0, IndexColumnID: 3, Name: "Note", Included: true},
			{ObjectID: 100, IndexID: 3, KeyOrdinal: 2, IndexColumnID: 2, Name: "Id"},
			{ObjectID: 100, IndexID: 3, KeyOrdinal: 1, IndexColumnID: 1, Name: "Customer", Descending: true},
			{ObjectID: 100, IndexID: 1, KeyOrdinal: 1, IndexColumnID: 1, Name: "Id"},
			{ObjectID: 100, IndexID: 2, KeyOrdinal: 1, IndexColumnID: 1, Name: "Phone"},
			{ObjectID: 200, IndexID: 1, KeyOrdinal: 1, IndexColumnID: 1, Name: "Id"},
			{ObjectID: 102, IndexID: 1, KeyOrdinal: 1, IndexColumnID: 1, Name: "Id"},
		},
		ForeignKeys: []ForeignKeyRow{
			{ObjectID: 300, ParentObjectID: 100, Name: "FK_Orders_Customers", RefSchema: "dbo", RefName: "Customers", OnDelete: "SET_NULL", OnUpdate: "NO_ACTION"},
			{ObjectID: 301, ParentObjectID: 102, Name: "FK_Customers_LastOrder", RefSchema: "dbo", RefName: "Orders", OnDelete: "NO_ACTION", OnUpdate: "NO_ACTION", Disabled: true, NotTrusted: true},
		},
		FKColumns: []FKColumnRow{
			{ObjectID: 300, Ordinal: 1, Column: "Customer", RefColumn: "Id"},
			{ObjectID: 301, Ordinal: 1, Column: "LastOrder", RefColumn: "Id"},
		},
		Checks: []CheckRow{{ParentObjectID: 100, Name: "CK_b", Definition: "([Id]>(0))", Column: "Id"}, {ParentObjectID: 100, Name: "CK_a", Definition: "([Customer]<>(0))"}},
		Modules: []ModuleRow{
			{ObjectID: 200, Schema: "dbo", Name: "vOrders", Type: "V ", Definition: def("CREATE VIEW dbo.vOrders WITH SCHEMABINDING AS SELECT Id FROM dbo.Orders"), AnsiNulls: true, QuotedIdent: true, SchemaBound: true, HasSQLModule: true},
			{ObjectID: 202, Schema: "dbo", Name: "ClrProc", Type: "PC"},
			{ObjectID: 203, Schema: "dbo", Name: "fnTax", Type: "FN", IsEncrypted: true, HasSQLModule: true},
		},
		Triggers: []TriggerRow{
			{ObjectID: 201, Name: "trOrders", ParentClass: 1, ParentID: 100, Definition: def("CREATE TRIGGER trOrders ON dbo.Orders AFTER INSERT AS SELECT 1"), AnsiNulls: true, QuotedIdent: true},
			{ObjectID: 400, Name: "ddlAudit", ParentClass: 0, Definition: def("CREATE TRIGGER ddlAudit ON DATABASE FOR CREATE_TABLE AS SELECT 1"), Disabled: true},
		},
		TriggerOrder: []TriggerEventRow{{ObjectID: 201, Event: "INSERT", IsFirst: true}},
		Sequences: []SequenceRow{{Schema: "dbo", Name: "seq", UserTypeID: 56, Precision: 10, Start: "1", Increment: "1", Min: "-2147483648", Max: "2147483647",
			IsCached: true, CacheSize: &five, Current: "7", LastUsed: true}},
		ExtProps: []ExtPropRow{
			{Class: 1, MajorID: 100, MinorID: 2, MinorName: "Customer", Name: "MS_Description", Value: "who", BaseType: "nvarchar"},
			{Class: 1, MajorID: 103, Name: "MS_Description", Value: "the key", BaseType: "varchar"},
			{Class: 0, Name: "Version", Value: "3", BaseType: "int"},
			{Class: 3, MajorID: 6, MajorName: "sales", Name: "Owner", IsNull: true},
			{Class: 1, MajorID: -5, Name: "system object"},
		},
		Dependencies: []DependencyRow{
			{ReferencingID: 200, ReferencedID: 100},
			{ReferencingID: 200, ReferencedID: 100},
			{ReferencingID: 203, ReferencedSch: "", ReferencedName: "Customers"},
			{ReferencingID: 203, ReferencedName: "Missing"},
			{ReferencingID: 204, ReferencedID: 205},
		},
	}
}

func TestAssembleBuildsTheModelFromCatalogRows(t *testing.T) {
	db, warnings := Assemble(fixtureRows())

	if len(db.Tables) != 3 {
		t.Fatalf("tables = %d, want 3 (ledger history dropped)", len(db.Tables))
	}
	if got := []string{db.Tables[0].Name, db.Tables[1].Name, db.Tables[2].Name}; !reflect.DeepEqual(got, []string{"Customers", "Orders", "OrdersHistory"}) {
		t.Errorf("table order = %v", got)
	}
	orders := db.Tables[1]
	if orders.Temporal == nil || orders.Temporal.PeriodStart != "ValidFrom" || orders.Temporal.PeriodEnd != "ValidTo" ||
		orders.Temporal.History != (model.QName{Schema: "dbo", Name: "OrdersHistory"}) || orders.Temporal.RetentionPeriod != "6 MONTHS" {
		t.Errorf("temporal = %+v", orders.Temporal)
	}
	if h := db.Tables[2].HistoryOf; h == nil || *h != (model.QName{Schema: "dbo", Name: "Orders"}) {
		t.Errorf("history_of = %v", h)
	}
	if !orders.HasIdentity || orders.Columns[0].Identity.LastValue != "41" {
		t.Errorf("identity not read: %+v", orders.Columns[0].Identity)
	}
	phone := orders.Columns[2]
	if phone.Type.Schema != "dbo" || phone.Type.Name != "Phone" || phone.Type.System != "nvarchar" || !phone.Type.UserDefined || phone.Collation != "" {
		t.Errorf("alias column = %+v", phone)
	}
	if orders.Columns[3].Collation != "Japanese_CI_AS" || orders.Columns[3].Default.Name != "DF_Orders_Note" {
		t.Errorf("note column = %+v", orders.Columns[3])
	}
	if !orders.Columns[4].IsRowversion || orders.Columns[5].Computed == nil || !orders.Columns[5].Computed.Persisted {
		t.Errorf("rowversion/computed not marked")
	}
	if g := orders.Columns[9].GeneratedAlways; g != "TRANSACTION_ID START" {
		t.Errorf("generated always = %q", g)
	}
	if n := orders.Columns[8].Type; n.Name != "hierarchyid" || n.System != "hierarchyid" || n.UserDefined {
		t.Errorf("hierarchyid type = %+v", n)
	}
	if db.Tables[0].FileGroup != "" {
		t.Errorf("partition scheme kept as a filegroup: %q", db.Tables[0].FileGroup)
	}
	if orders.Compression != "PAGE" || db.Tables[0].Compression != "" {
		t.Errorf("compression = %q / %q", orders.Compression, db.Tables[0].Compression)
	}
	if orders.PrimaryKey == nil || orders.PrimaryKey.Name != "PK_Orders" || len(orders.Indexes) != 2 ||
		orders.Indexes[0].Name != "IX_a" || orders.Indexes[1].Name != "IX_b" {
		t.Fatalf("indexes = %+v / %+v", orders.PrimaryKey, orders.Indexes)
	}
	ixb := orders.Indexes[1]
	if !reflect.DeepEqual(ixb.Columns, []model.IndexColumn{{Name: "Customer", Descending: true}, {Name: "Id"}}) ||
		!reflect.DeepEqual(ixb.Included, []string{"Note"}) || ixb.Filter == "" || !ixb.DisallowPageLocks || ixb.DisallowRowLocks {
		t.Errorf("IX_b = %+v", ixb)
	}
	if fk := orders.ForeignKeys[0]; fk.OnDelete != "SET NULL" || fk.OnUpdate != "" || fk.References.Name != "Customers" {
		t.Errorf("fk = %+v", fk)
	}
	if fk := db.Tables[0].ForeignKeys[0]; !fk.Disabled || !fk.NotTrusted {
		t.Errorf("disabled fk = %+v", fk)
	}
	if orders.Checks[0].Name != "CK_a" || orders.Checks[1].Column != "Id" {
		t.Errorf("checks = %+v", orders.Checks)
	}
	if len(orders.Triggers) != 1 || orders.Triggers[0].Parent.Name != "Orders" ||
		!reflect.DeepEqual(orders.Triggers[0].TriggerOrder, []model.TriggerOrder{{Order: "First", Event: "INSERT"}}) {
		t.Errorf("triggers = %+v", orders.Triggers)
	}
	if len(db.TableTypes) != 1 || len(db.TableTypes[0].Table.Columns) != 1 || len(db.Types) != 1 || db.Types[0].Base.Name != "nvarchar" {
		t.Errorf("types = %+v / %+v", db.TableTypes, db.Types)
	}
	// Modules: ddlAudit (no schema) sorts first, then fnTax and vOrders; ClrProc is a warning.
	var mods []string
	for _, m := range db.Modules {
		mods = append(mods, m.Schema+"."+m.Name+":"+m.Kind)
	}
	if !reflect.DeepEqual(mods, []string{".ddlAudit:TRIGGER", "dbo.fnTax:FUNCTION", "dbo.vOrders:VIEW"}) {
		t.Errorf("modules = %v", mods)
	}
	if !db.Modules[1].Encrypted || db.Modules[1].Definition != nil {
		t.Errorf("encrypted module = %+v", db.Modules[1])
	}
	if len(db.Modules[2].Indexes) != 1 || db.Modules[2].Indexes[0].Name != "CIX_v" {
		t.Errorf("indexed view indexes = %+v", db.Modules[2].Indexes)
	}
	if db.Sequences[0].Cache == nil || *db.Sequences[0].Cache != 5 || db.Sequences[0].Current != "7" {
		t.Errorf("sequence = %+v", db.Sequences[0])
	}
	wantWarn := map[string]bool{"clr_module": false, "clr_type": false, "external_table": false, "partitioned_table": false}
	for _, w := range warnings {
		wantWarn[w.Code] = true
	}
	for c, ok := range wantWarn {
		if !ok {
			t.Errorf("missing warning %s in %+v", c, warnings)
		}
	}
	if len(db.ExtendedProperties) != 4 {
		t.Fatalf("extended properties = %+v", db.ExtendedProperties)
	}
	ep := db.ExtendedProperties
	if ep[0].Level0Type != "" || ep[0].BaseType != "int" {
		t.Errorf("database property = %+v", ep[0])
	}
	if ep[1].Level0Type != "SCHEMA" || ep[1].Level0Name != "dbo" || ep[3].Level0Name != "sales" || !ep[3].IsNull {
		t.Errorf("ordering = %+v %+v %+v", *ep[1], *ep[2], *ep[3])
	}
	found := false
	for _, p := range ep {
		if p.Level2Type == "CONSTRAINT" && p.Level2Name == "PK_Orders" && p.Level1Name == "Orders" && p.BaseType == "varchar" {
			found = true
		}
	}
	if !found {
		t.Errorf("constraint property not resolved: %+v", ep)
	}
	wantDeps := []model.Dependency{
		{Referencing: model.QName{Schema: "dbo", Name: "Orders"}, Referenced: model.QName{Schema: "dbo", Name: "seq"}},
		{Referencing: model.QName{Schema: "dbo", Name: "fnTax"}, Referenced: model.QName{Schema: "dbo", Name: "Customers"}},
		{Referencing: model.QName{Schema: "dbo", Name: "vOrders"}, Referenced: model.QName{Schema: "dbo", Name: "Orders"}},
	}
	if !reflect.DeepEqual(db.Dependencies, wantDeps) {
		t.Errorf("dependencies = %+v", db.Dependencies)
	}
	if db.Schemas[0].Name != "hr" || db.Schemas[0].Owner != "boss" || db.Schemas[1].Owner != "" {
		t.Errorf("schemas = %+v", db.Schemas)
	}
}

// TestAssembleIgnoresRowOrder: the model must not depend on the order rows
// arrive in (object ids differ between a database and its restore).
func TestAssembleIgnoresRowOrder(t *testing.T) {
	want, _ := Assemble(fixtureRows())
	wantJSON, _ := json.Marshal(want)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 20; i++ {
		r := fixtureRows()
		shuffle(rng, r.Tables)
		shuffle(rng, r.Objects)
		shuffle(rng, r.Indexes)
		shuffle(rng, r.IndexColumns)
		shuffle(rng, r.ForeignKeys)
		shuffle(rng, r.Checks)
		shuffle(rng, r.Modules)
		shuffle(rng, r.Triggers)
		shuffle(rng, r.ExtProps)
		shuffle(rng, r.Dependencies)
		shuffle(rng, r.Schemas)
		got, _ := Assemble(r)
		gotJSON, _ := json.Marshal(got)
		if string(gotJSON) != string(wantJSON) {
			t.Fatalf("shuffle %d changed the model:\n got %s\nwant %s", i, gotJSON, wantJSON)
		}
	}
}

func shuffle[T any](rng *rand.Rand, s []T) {
	rng.Shuffle(len(s), func(i, j int) { s[i], s[j] = s[j], s[i] })
}

func TestServerGatesColumnsThatOlderVersionsLack(t *testing.T) {
	old := NewServer(13, 3, []string{"tables.temporal_type"}, []string{"tables"})
	if got := old.col("tables", "ledger_type_desc", "t.ledger_type_desc", "nvarchar(60)"); got != "CAST(NULL AS nvarchar(60))" {
		t.Errorf("missing column rendered as %q", got)
	}
	if got := old.col("tables", "temporal_type", "t.temporal_type", "tinyint"); got != "t.temporal_type" {
		t.Errorf("present column rendered as %q", got)
	}
	if NewServer(12, 5, nil, nil).IsAzure() != true {
		t.Error("engine edition 5 is Azure SQL Database")
	}
}

func TestGeneratedAlwaysAndRetentionForms(t *testing.T) {
	for in, want := range map[string]string{"": "", "NOT_APPLICABLE": "", "AS_ROW_START": "ROW START", "AS_ROW_END": "ROW END",
		"AS_SEQUENCE_NUMBER_END": "SEQUENCE_NUMBER END"} {
		if got := generatedAlways(in); got != want {
			t.Errorf("generatedAlways(%q) = %q, want %q", in, got, want)
		}
	}
	if retention(-1, "INFINITE") != "" || retention(1, "DAY") != "1 DAY" || retention(3, "YEAR") != "3 YEARS" {
		t.Error("retention forms")
	}
}

// sys.index_columns lists an XML or spatial index's column with
// key_ordinal 0 (they have no key); the column must still reach the model,
// or the index is scripted as "ON [t] ()".
func TestXMLAndSpatialIndexesKeepTheirColumn(t *testing.T) {
	rows := fixtureRows()
	rows.Indexes = append(rows.Indexes,
		IndexRow{ObjectID: 102, IndexID: 3, Name: "PXML_doc", Type: 3, AllowRowLocks: true, AllowPageLocks: true},
		IndexRow{ObjectID: 102, IndexID: 4, Name: "SXML_doc", Type: 3, AllowRowLocks: true, AllowPageLocks: true,
			XMLPrimaryName: "PXML_doc", XMLSecondaryType: "PATH"},
		IndexRow{ObjectID: 102, IndexID: 5, Name: "SIX_shape", Type: 4, AllowRowLocks: true, AllowPageLocks: true,
			SpatialScheme: "GEOMETRY_AUTO_GRID", SpatialBox: []string{"0", "0", "10", "10"}, SpatialCellsPerOb: 16})
	rows.IndexColumns = append(rows.IndexColumns,
		IndexColumnRow{ObjectID: 102, IndexID: 3, KeyOrdinal: 0, IndexColumnID: 1, Name: "Doc"},
		IndexColumnRow{ObjectID: 102, IndexID: 4, KeyOrdinal: 0, IndexColumnID: 1, Name: "Doc"},
		IndexColumnRow{ObjectID: 102, IndexID: 5, KeyOrdinal: 0, IndexColumnID: 1, Name: "Shape"})
	db, _ := Assemble(rows)
	var customers *model.Table
	for _, tb := range db.Tables {
		if tb.Name == "Customers" {
			customers = tb
		}
	}
	if customers == nil {
		t.Fatal("no Customers table")
	}
	want := map[string]string{"PXML_doc": "Doc", "SXML_doc": "Doc", "SIX_shape": "Shape"}
	for _, ix := range customers.Indexes {
		col, ok := want[ix.Name]
		if !ok {
			continue
		}
		delete(want, ix.Name)
		if len(ix.Columns) != 1 || ix.Columns[0].Name != col || len(ix.Included) != 0 {
			t.Errorf("%s (%s): columns %+v, included %v; want [%s]", ix.Name, ix.Kind, ix.Columns, ix.Included, col)
		}
	}
	if len(want) != 0 {
		t.Errorf("indexes missing from the model: %v", want)
	}
}

// sys.table_types.is_memory_optimized reaches the table type's body, whose
// indexes then carry no lock options (memory-optimized indexes reject them).
func TestMemoryOptimizedTableTypeKeepsItsFlag(t *testing.T) {
	rows := fixtureRows()
	for i := range rows.Types {
		if rows.Types[i].Name == "IdList" {
			rows.Types[i].IsMemoryOptimized = true
		}
	}
	rows.Indexes = append(rows.Indexes,
		IndexRow{ObjectID: 900, IndexID: 2, Name: "PK_IdList", Type: 7, IsUnique: true, IsPrimaryKey: true, BucketCount: 64},
		IndexRow{ObjectID: 900, IndexID: 3, Name: "IX_IdList", Type: 2, AllowRowLocks: true})
	rows.IndexColumns = append(rows.IndexColumns,
		IndexColumnRow{ObjectID: 900, IndexID: 2, KeyOrdinal: 1, IndexColumnID: 1, Name: "Id"},
		IndexColumnRow{ObjectID: 900, IndexID: 3, KeyOrdinal: 1, IndexColumnID: 1, Name: "Id"})
	db, _ := Assemble(rows)
	if len(db.TableTypes) != 1 {
		t.Fatalf("%d table types, want 1", len(db.TableTypes))
	}
	body := db.TableTypes[0].Table
	if !body.MemoryOptimized {
		t.Fatal("memory-optimized table type lost its flag")
	}
	if body.PrimaryKey == nil || body.PrimaryKey.Kind != "HASH" || body.PrimaryKey.BucketCount != 64 {
		t.Errorf("primary key %+v", body.PrimaryKey)
	}
	if len(body.Indexes) != 1 || body.Indexes[0].DisallowPageLocks || body.Indexes[0].DisallowRowLocks {
		t.Errorf("indexes %+v: a memory-optimized index takes no lock options", body.Indexes)
	}
}

// A selective XML index (xml_index_type 2) and a secondary one on it (3)
// would script as ordinary XML indexes, which is wrong DDL: they are left
// out with a warning each, and plain XML indexes stay.
func TestSelectiveXMLIndexesAreSkippedWithAWarning(t *testing.T) {
	rows := fixtureRows()
	rows.Indexes = append(rows.Indexes,
		IndexRow{ObjectID: 102, IndexID: 3, Name: "PXML_doc", Type: 3, AllowRowLocks: true, AllowPageLocks: true},
		IndexRow{ObjectID: 102, IndexID: 4, Name: "SXI_doc", Type: 3, XMLIndexType: 2, AllowRowLocks: true, AllowPageLocks: true},
		IndexRow{ObjectID: 102, IndexID: 5, Name: "SXI2_doc", Type: 3, XMLIndexType: 3, XMLPrimaryName: "SXI_doc", AllowRowLocks: true, AllowPageLocks: true})
	rows.IndexColumns = append(rows.IndexColumns,
		IndexColumnRow{ObjectID: 102, IndexID: 3, KeyOrdinal: 0, IndexColumnID: 1, Name: "Doc"},
		IndexColumnRow{ObjectID: 102, IndexID: 4, KeyOrdinal: 0, IndexColumnID: 1, Name: "Doc"},
		IndexColumnRow{ObjectID: 102, IndexID: 5, KeyOrdinal: 0, IndexColumnID: 1, Name: "Doc"})
	db, warns := Assemble(rows)
	var names []string
	for _, tb := range db.Tables {
		if tb.Name == "Customers" {
			for _, ix := range tb.Indexes {
				names = append(names, ix.Name)
			}
		}
	}
	if !reflect.DeepEqual(names, []string{"PXML_doc"}) {
		t.Errorf("Customers indexes %v, want only the primary XML index", names)
	}
	got := map[string]bool{}
	for _, w := range warns {
		if w.Code == "selective_xml_index" {
			got[w.Object] = true
		}
	}
	if !got["dbo.Customers.SXI_doc"] || !got["dbo.Customers.SXI2_doc"] || len(got) != 2 {
		t.Errorf("selective_xml_index warnings %v", got)
	}
}

// Stand-alone defaults (type D without a parent) and rules reach the model
// with their text, and the columns and alias types bound to them name them;
// a DEFAULT constraint (type D with its table as parent) is not mistaken
// for a bound default.
func TestBoundDefaultsAndRulesAreReadWithTheirBindings(t *testing.T) {
	def := func(s string) *string { return &s }
	rows := fixtureRows()
	rows.Objects = append(rows.Objects,
		ObjectRow{ObjectID: 500, Schema: "dbo", Name: "Zero", Type: "D "},
		ObjectRow{ObjectID: 501, Schema: "dbo", Name: "Positive", Type: "R "})
	rows.Modules = append(rows.Modules,
		ModuleRow{ObjectID: 500, Schema: "dbo", Name: "Zero", Type: "D ", Definition: def("CREATE DEFAULT dbo.Zero AS 0"), AnsiNulls: true, QuotedIdent: true, HasSQLModule: true},
		ModuleRow{ObjectID: 501, Schema: "dbo", Name: "Positive", Type: "R ", Definition: def("CREATE RULE dbo.Positive AS @v > 0"), AnsiNulls: true, QuotedIdent: true, HasSQLModule: true})
	for i := range rows.Columns {
		c := &rows.Columns[i]
		switch {
		case c.ObjectID == 102 && c.Name == "LastOrder":
			c.HasDefaultObject, c.DefaultObjectID, c.RuleObjectID = true, 500, 501
		case c.ObjectID == 100 && c.Name == "Note":
			c.DefaultObjectID = 204 // its DEFAULT constraint
		}
	}
	for i := range rows.Types {
		if rows.Types[i].Name == "Phone" {
			rows.Types[i].DefaultObjectID, rows.Types[i].RuleObjectID = 500, 501
		}
	}
	db, warns := Assemble(rows)
	for _, w := range warns {
		if w.Object == "dbo.Zero" || w.Object == "dbo.Positive" {
			t.Errorf("unexpected warning %+v", w)
		}
	}
	if len(db.Defaults) != 1 || db.Defaults[0].Name != "Zero" || db.Defaults[0].Kind != model.KindDefault || *db.Defaults[0].Definition != "CREATE DEFAULT dbo.Zero AS 0" {
		t.Errorf("defaults %+v", db.Defaults)
	}
	if len(db.Rules) != 1 || db.Rules[0].Name != "Positive" || db.Rules[0].Kind != model.KindRule {
		t.Errorf("rules %+v", db.Rules)
	}
	for _, m := range db.Modules {
		if m.Name == "Zero" || m.Name == "Positive" {
			t.Errorf("%s listed with the modules", m.Name)
		}
	}
	zero, positive := model.QName{Schema: "dbo", Name: "Zero"}, model.QName{Schema: "dbo", Name: "Positive"}
	for _, tb := range db.Tables {
		for _, c := range tb.Columns {
			switch {
			case tb.Name == "Customers" && c.Name == "LastOrder":
				if c.Default != nil || c.BoundDefault == nil || *c.BoundDefault != zero || c.BoundRule == nil || *c.BoundRule != positive {
					t.Errorf("LastOrder: default %+v, bound default %v, bound rule %v", c.Default, c.BoundDefault, c.BoundRule)
				}
			case c.BoundDefault != nil || c.BoundRule != nil:
				t.Errorf("%s.%s bound to %v / %v", tb.Name, c.Name, c.BoundDefault, c.BoundRule)
			}
		}
	}
	if len(db.Types) != 1 || db.Types[0].BoundDefault == nil || *db.Types[0].BoundDefault != zero || *db.Types[0].BoundRule != positive {
		t.Errorf("alias type bindings %+v", db.Types)
	}
}

// An updatable ledger table keeps its ledger view (with its column names)
// and its history table's name; the history table and the view are not
// objects of their own, a dropped ledger column is not a column, a temporal
// ledger table is not scripted as an ordinary temporal table, and a view
// reading the ledger view depends on the ledger table.
func TestLedgerTablesKeepTheirViewAndHistoryNames(t *testing.T) {
	rows := fixtureRows()
	rows.Objects = append(rows.Objects,
		ObjectRow{ObjectID: 600, Schema: "dbo", Name: "Balance", Type: "U"},
		ObjectRow{ObjectID: 601, Schema: "dbo", Name: "BalanceHistory", Type: "U"},
		ObjectRow{ObjectID: 602, Schema: "audit", Name: "Balance_Ledger", Type: "V"},
		ObjectRow{ObjectID: 603, Schema: "dbo", Name: "vBalance", Type: "V"})
	rows.Tables = append(rows.Tables,
		TableRow{ObjectID: 600, Schema: "dbo", Name: "Balance", LedgerType: "UPDATABLE_LEDGER_TABLE", TemporalType: 2, HistoryTableID: 601,
			RetentionPeriod: -1, RetentionUnit: "INFINITE",
			LedgerViewSchema: "audit", LedgerViewName: "Balance_Ledger", LedgerTxColumn: "tx", LedgerSeqColumn: "seq", LedgerOpColumn: "op", LedgerOpDescColumn: "op_desc"},
		TableRow{ObjectID: 601, Schema: "dbo", Name: "BalanceHistory", LedgerType: "HISTORY_TABLE", TemporalType: 1})
	rows.Columns = append(rows.Columns,
		ColumnRow{ObjectID: 600, ColumnID: 1, Name: "Id", UserTypeID: 56, MaxLength: 4},
		ColumnRow{ObjectID: 600, ColumnID: 2, Name: "MSSQL_DroppedLedgerColumn_x", UserTypeID: 56, MaxLength: 4, IsNullable: true, IsHidden: true, IsDroppedLedger: true})
	rows.Dependencies = append(rows.Dependencies, DependencyRow{ReferencingID: 603, ReferencedID: 602})
	db, _ := Assemble(rows)
	var bal *model.Table
	for _, tb := range db.Tables {
		switch tb.Name {
		case "Balance":
			bal = tb
		case "BalanceHistory":
			t.Error("the ledger history table is scripted as a table of its own")
		}
	}
	if bal == nil {
		t.Fatal("no Balance table")
	}
	want := &model.LedgerView{QName: model.QName{Schema: "audit", Name: "Balance_Ledger"}, TransactionIDColumn: "tx",
		SequenceNumberColumn: "seq", OperationTypeColumn: "op", OperationTypeDescColumn: "op_desc"}
	if !reflect.DeepEqual(bal.LedgerView, want) {
		t.Errorf("ledger view %+v, want %+v", bal.LedgerView, want)
	}
	if bal.LedgerHistory == nil || *bal.LedgerHistory != (model.QName{Schema: "dbo", Name: "BalanceHistory"}) || bal.LedgerRetention != "" {
		t.Errorf("ledger history %v retention %q", bal.LedgerHistory, bal.LedgerRetention)
	}
	if bal.Temporal != nil {
		t.Error("a temporal ledger table is modelled as an ordinary temporal table")
	}
	if len(bal.Columns) != 1 {
		t.Errorf("columns %d, want 1 (a dropped ledger column is not a column)", len(bal.Columns))
	}
	found := false
	for _, d := range db.Dependencies {
		if d.Referencing.Name == "vBalance" && d.Referenced == (model.QName{Schema: "dbo", Name: "Balance"}) {
			found = true
		}
	}
	if !found {
		t.Errorf("a view reading the ledger view does not depend on the ledger table: %+v", db.Dependencies)
	}
}
