package ddl

import (
	"bytes"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/model"
)

func tableText(t *testing.T, tb *model.Table) (string, []Warning) {
	t.Helper()
	s := Build(&model.Database{Tables: []*model.Table{tb}}, Options{})
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String(), s.Warnings
}

func intCol(name string) *model.Column {
	return &model.Column{Name: name, Type: model.Type{Name: "int"}}
}

func TestMemoryOptimizedTablesGetEveryIndexInline(t *testing.T) {
	id := intCol("Id")
	id.Identity = &model.Identity{Seed: "1", Increment: "1", LastValue: "5"}
	tb := &model.Table{
		QName:           dbo("hot"),
		Columns:         []*model.Column{id, intCol("v")},
		PrimaryKey:      &model.Index{Name: "PK_hot", Kind: "HASH", IsPrimaryKey: true, Columns: []model.IndexColumn{{Name: "Id"}}, BucketCount: 1024},
		Indexes:         []*model.Index{{Name: "IX_v", Kind: "NONCLUSTERED", Columns: []model.IndexColumn{{Name: "v", Descending: true}}}},
		MemoryOptimized: true,
		Durability:      "SCHEMA_AND_DATA",
		FileGroup:       "mem",
	}
	got, _ := tableText(t, tb)
	want := "CREATE TABLE [dbo].[hot] (\n" +
		"\t[Id] int IDENTITY(1,1) NOT NULL,\n" +
		"\t[v] int NOT NULL,\n" +
		"\tCONSTRAINT [PK_hot] PRIMARY KEY NONCLUSTERED HASH ([Id]) WITH (BUCKET_COUNT = 1024),\n" +
		"\tINDEX [IX_v] NONCLUSTERED ([v] DESC)\n" +
		")\nWITH (MEMORY_OPTIMIZED = ON, DURABILITY = SCHEMA_AND_DATA);\nGO\n"
	if !strings.Contains(got, want) {
		t.Errorf("got\n%s\nwant it to contain\n%s", got, want)
	}
	if strings.Contains(got, "CREATE NONCLUSTERED INDEX") {
		t.Error("memory-optimized index scripted in post-data")
	}
	if ReseedStatements(tb) != "" {
		t.Error("DBCC CHECKIDENT scripted for a memory-optimized table")
	}
}

func TestGraphAndLedgerTablesAreScriptedAndWarned(t *testing.T) {
	node := &model.Table{QName: dbo("Person"), IsNode: true, Columns: []*model.Column{
		{Name: "graph_id_1", Type: model.Type{Name: "bigint"}, GraphType: "GRAPH_ID"},
		{Name: "$node_id_ABC", Type: model.Type{Name: "nvarchar", MaxLength: 2000}, GraphType: "GRAPH_ID_COMPUTED"},
		intCol("Id"),
	}}
	got, warns := tableText(t, node)
	if !strings.Contains(got, "CREATE TABLE [dbo].[Person] (\n\t[Id] int NOT NULL\n) AS NODE;") {
		t.Errorf("node table:\n%s", got)
	}
	if len(warns) != 1 || warns[0].Code != WarnGraphTable {
		t.Errorf("warnings %+v", warns)
	}
	start := &model.Column{Name: "ledger_start_transaction_id", Type: model.Type{Name: "bigint"}, GeneratedAlways: "TRANSACTION_ID START", Hidden: true}
	ledger := &model.Table{QName: dbo("Audit"), Ledger: "APPEND_ONLY", Columns: []*model.Column{intCol("Id"), start}}
	got, warns = tableText(t, ledger)
	if !strings.Contains(got, "CREATE TABLE [dbo].[Audit] (\n\t[Id] int NOT NULL,\n"+
		"\t[ledger_start_transaction_id] bigint GENERATED ALWAYS AS TRANSACTION_ID START HIDDEN NOT NULL\n)\nWITH (LEDGER = ON (APPEND_ONLY = ON));") {
		t.Errorf("ledger table:\n%s", got)
	}
	if len(warns) != 1 || warns[0].Code != WarnLedgerTable {
		t.Errorf("warnings %+v", warns)
	}
	if cols := DataColumns(ledger); len(cols) != 1 {
		t.Errorf("ledger data columns %d, want 1 (ledger columns are generated)", len(cols))
	}
}

// A table with a PERIOD but no SYSTEM_VERSIONING keeps the period inline:
// there is no history to load, and its period columns are not inserted.
func TestPeriodWithoutVersioningStaysInline(t *testing.T) {
	from := &model.Column{Name: "f", Type: model.Type{Name: "datetime2", Scale: 7}, GeneratedAlways: "ROW START"}
	to := &model.Column{Name: "t", Type: model.Type{Name: "datetime2", Scale: 7}, GeneratedAlways: "ROW END", Hidden: true}
	tb := &model.Table{QName: dbo("p"), Columns: []*model.Column{intCol("Id"), from, to}}
	got, _ := tableText(t, tb)
	for _, want := range []string{
		"[f] datetime2(7) GENERATED ALWAYS AS ROW START NOT NULL",
		"[t] datetime2(7) GENERATED ALWAYS AS ROW END HIDDEN NOT NULL",
		"PERIOD FOR SYSTEM_TIME ([f], [t])",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	if strings.Contains(got, "SYSTEM_VERSIONING") {
		t.Error("versioning switched on for an unversioned table")
	}
	if n := len(DataColumns(tb)); n != 1 {
		t.Errorf("%d data columns, want 1", n)
	}
}

// The history table of a temporal table is created before it, and the
// current table's period columns are plain until post-data.
func TestTemporalTablesLoadExactPeriodsThenVersion(t *testing.T) {
	db := loadFixture(t, "torture")
	s := Build(db, Options{})
	var pre, post bytes.Buffer
	_ = s.WritePreData(&pre)
	_ = s.WritePostData(&post)
	p := pre.String()
	if strings.Index(p, "CREATE TABLE [dbo].[AccountHistory]") > strings.Index(p, "CREATE TABLE [dbo].[Account] (") {
		t.Error("history table created after its temporal table")
	}
	if strings.Contains(p, "GENERATED ALWAYS") || strings.Contains(p, "PERIOD FOR") {
		t.Error("pre-data declares the period of a system-versioned table; its period values could not be loaded")
	}
	for _, want := range []string{
		"ALTER TABLE [dbo].[Account] ADD PERIOD FOR SYSTEM_TIME ([ValidFrom], [ValidTo]);",
		"ALTER TABLE [dbo].[Account] ALTER COLUMN [ValidFrom] ADD HIDDEN;",
		"SET (SYSTEM_VERSIONING = ON (HISTORY_TABLE = [dbo].[AccountHistory], HISTORY_RETENTION_PERIOD = 6 MONTHS, DATA_CONSISTENCY_CHECK = ON));",
	} {
		if !strings.Contains(post.String(), want) {
			t.Errorf("post-data lacks %q", want)
		}
	}
}

// TestExtendedPropertyValuesKeepTheirBaseTypeExactly: a sql_variant value
// comes back with the same base type and the same value, so restoring and
// dumping again gives the same bytes (binary from its 0x text, decimal with
// its scale, char types with their length, datetime in ISO 8601).
func TestExtendedPropertyValuesKeepTheirBaseTypeExactly(t *testing.T) {
	for _, tc := range []struct{ base, value, want string }{
		{"varbinary", "0x00FF10", "CONVERT(varbinary(3), N'0x00FF10', 1)"},
		{"binary", "0x", "CONVERT(binary(1), N'0x', 1)"},
		{"decimal", "-123.45000000000001", "CONVERT(decimal(17, 14), N'-123.45000000000001')"},
		{"numeric", "0.5", "CONVERT(numeric(1, 1), N'0.5')"},
		{"char", "ab ", "CONVERT(char(3), N'ab ')"},
		{"nchar", "ü", "CONVERT(nchar(1), N'ü')"},
		{"datetime", "2024-01-02T03:04:05.007", "CONVERT(datetime, N'2024-01-02T03:04:05.007', 126)"},
		{"int", "3", "CONVERT(int, N'3')"},
	} {
		db := &model.Database{ExtendedProperties: []*model.ExtendedProperty{{Name: "p", Value: tc.value, BaseType: tc.base}}}
		var buf bytes.Buffer
		if err := Build(db, Options{}).Write(&buf); err != nil {
			t.Fatal(err)
		}
		if want := "DECLARE @value sql_variant = " + tc.want + ";\n"; !strings.Contains(buf.String(), want) {
			t.Errorf("%s %q: got\n%s\nwant it to contain %s", tc.base, tc.value, buf.String(), want)
		}
	}
}

// A memory-optimized table type is created WITH (MEMORY_OPTIMIZED = ON) and
// every index inline: a hash index on a disk-based type is an error.
func TestMemoryOptimizedTableTypeIsCreatedMemoryOptimized(t *testing.T) {
	body := &model.Table{
		QName:           dbo("HotIds"),
		Columns:         []*model.Column{intCol("Id"), intCol("v")},
		PrimaryKey:      &model.Index{Name: "PK_x", Kind: "HASH", IsPrimaryKey: true, Columns: []model.IndexColumn{{Name: "Id"}}, BucketCount: 64},
		Indexes:         []*model.Index{{Name: "IX_v", Kind: "NONCLUSTERED", Columns: []model.IndexColumn{{Name: "v"}}}},
		MemoryOptimized: true,
	}
	s := Build(&model.Database{TableTypes: []*model.TableType{{QName: dbo("HotIds"), Table: body}}}, Options{})
	var buf bytes.Buffer
	if err := s.Write(&buf); err != nil {
		t.Fatal(err)
	}
	want := "CREATE TYPE [dbo].[HotIds] AS TABLE (\n" +
		"\t[Id] int NOT NULL,\n" +
		"\t[v] int NOT NULL,\n" +
		"\tPRIMARY KEY NONCLUSTERED HASH ([Id]) WITH (BUCKET_COUNT = 64),\n" +
		"\tINDEX [IX_v] NONCLUSTERED ([v] ASC)\n" +
		")\nWITH (MEMORY_OPTIMIZED = ON);\nGO\n"
	if !strings.Contains(buf.String(), want) {
		t.Errorf("got\n%s\nwant it to contain\n%s", buf.String(), want)
	}
	if strings.Contains(buf.String(), "CREATE NONCLUSTERED INDEX") {
		t.Error("table-type index scripted outside the type")
	}
}

// A ledger table is created with its ledger view named, column for column,
// its own GENERATED ALWAYS ledger columns declared under their names, and
// (updatable) its history table named: otherwise SQL Server names the view
// and history after the new object id, and a dump of the restored database
// differs. A temporal ledger table keeps its period inline (SYSTEM_VERSIONING
// cannot be switched on later on a ledger table).
func TestLedgerTablesKeepTheirViewHistoryAndColumnNames(t *testing.T) {
	big := model.Type{Name: "bigint"}
	dt := model.Type{Name: "datetime2", Scale: 7}
	tb := &model.Table{
		QName:  dbo("Balance"),
		Ledger: "UPDATABLE",
		Columns: []*model.Column{
			intCol("Id"),
			{Name: "From", Type: dt, GeneratedAlways: "ROW START"},
			{Name: "To", Type: dt, GeneratedAlways: "ROW END"},
			{Name: "tx_start", Type: big, GeneratedAlways: "TRANSACTION_ID START", Hidden: true},
			{Name: "tx_end", Type: big, Nullable: true, GeneratedAlways: "TRANSACTION_ID END", Hidden: true},
			{Name: "seq_start", Type: big, GeneratedAlways: "SEQUENCE_NUMBER START", Hidden: true},
			{Name: "seq_end", Type: big, Nullable: true, GeneratedAlways: "SEQUENCE_NUMBER END", Hidden: true},
		},
		PrimaryKey:      &model.Index{Name: "PK_Balance", Kind: "CLUSTERED", IsPrimaryKey: true, Columns: []model.IndexColumn{{Name: "Id"}}},
		LedgerView:      &model.LedgerView{QName: model.QName{Schema: "audit", Name: "Balance]Ledger"}, TransactionIDColumn: "tx", SequenceNumberColumn: "seq no", OperationTypeColumn: "op", OperationTypeDescColumn: "op_desc"},
		LedgerHistory:   &model.QName{Schema: "audit", Name: "BalanceHistory"},
		LedgerRetention: "3 MONTHS",
	}
	got, _ := tableText(t, tb)
	want := "CREATE TABLE [dbo].[Balance] (\n" +
		"\t[Id] int NOT NULL,\n" +
		"\t[From] datetime2(7) GENERATED ALWAYS AS ROW START NOT NULL,\n" +
		"\t[To] datetime2(7) GENERATED ALWAYS AS ROW END NOT NULL,\n" +
		"\t[tx_start] bigint GENERATED ALWAYS AS TRANSACTION_ID START HIDDEN NOT NULL,\n" +
		"\t[tx_end] bigint GENERATED ALWAYS AS TRANSACTION_ID END HIDDEN NULL,\n" +
		"\t[seq_start] bigint GENERATED ALWAYS AS SEQUENCE_NUMBER START HIDDEN NOT NULL,\n" +
		"\t[seq_end] bigint GENERATED ALWAYS AS SEQUENCE_NUMBER END HIDDEN NULL,\n" +
		"\tPERIOD FOR SYSTEM_TIME ([From], [To]),\n" +
		"\tCONSTRAINT [PK_Balance] PRIMARY KEY CLUSTERED ([Id] ASC)\n" +
		")\nWITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = [audit].[BalanceHistory], HISTORY_RETENTION_PERIOD = 3 MONTHS), " +
		"LEDGER = ON (LEDGER_VIEW = [audit].[Balance]]Ledger] (TRANSACTION_ID_COLUMN_NAME = [tx], SEQUENCE_NUMBER_COLUMN_NAME = [seq no], " +
		"OPERATION_TYPE_COLUMN_NAME = [op], OPERATION_TYPE_DESC_COLUMN_NAME = [op_desc])));\nGO\n"
	if !strings.Contains(got, want) {
		t.Errorf("got\n%s\nwant it to contain\n%s", got, want)
	}
	if strings.Contains(got, "ADD PERIOD") || strings.Contains(got, "SET (SYSTEM_VERSIONING") {
		t.Error("versioning of a ledger table switched on after the data; SQL Server creates it with the table")
	}
	if cols := DataColumns(tb); len(cols) != 1 || cols[0].Name != "Id" {
		t.Errorf("data columns %v: ledger and period columns are generated", cols)
	}

	appendOnly := &model.Table{QName: dbo("Log"), Ledger: "APPEND_ONLY", Columns: []*model.Column{intCol("Id")},
		LedgerView: &model.LedgerView{QName: dbo("Log_Ledger")}}
	got, _ = tableText(t, appendOnly)
	if !strings.Contains(got, "WITH (LEDGER = ON (APPEND_ONLY = ON, LEDGER_VIEW = [dbo].[Log_Ledger]));") {
		t.Errorf("append-only ledger table:\n%s", got)
	}
}
