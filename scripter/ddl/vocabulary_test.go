package ddl

import (
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/scripter/filter"
	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// documentedSetOptions is the list of SET statements in Microsoft's T-SQL
// reference ("SET Statements (Transact-SQL)"), transcribed option by
// option. SET STATISTICS and SET TRANSACTION ISOLATION LEVEL take a second
// word and are listed by their first.
var documentedSetOptions = words(`
	DATEFIRST DATEFORMAT DEADLOCK_PRIORITY LOCK_TIMEOUT
	CONCAT_NULL_YIELDS_NULL CURSOR_CLOSE_ON_COMMIT FIPS_FLAGGER IDENTITY_INSERT LANGUAGE OFFSETS QUOTED_IDENTIFIER
	ARITHABORT ARITHIGNORE FMTONLY NOCOUNT NOEXEC NUMERIC_ROUNDABORT PARSEONLY QUERY_GOVERNOR_COST_LIMIT ROWCOUNT TEXTSIZE
	ANSI_DEFAULTS ANSI_NULL_DFLT_OFF ANSI_NULL_DFLT_ON ANSI_NULLS ANSI_PADDING ANSI_WARNINGS
	FORCEPLAN SHOWPLAN_ALL SHOWPLAN_TEXT SHOWPLAN_XML STATISTICS
	IMPLICIT_TRANSACTIONS REMOTE_PROC_TRANSACTIONS TRANSACTION XACT_ABORT
	CONTEXT_INFO`)

// documentedDBCC holds the DBCC commands and WITH options the script may
// use, from "DBCC CHECKIDENT (Transact-SQL)".
var documentedDBCC = words(`CHECKIDENT RESEED NORESEED NO_INFOMSGS`)

// documentedWithOptions are the option names of the WITH ( ... ) and
// SET ( ... ) clauses in CREATE TABLE, ALTER TABLE, CREATE INDEX, the
// constraint index options and column masking ("CREATE TABLE", "ALTER
// TABLE", "CREATE INDEX", "CREATE SPATIAL INDEX" and "Dynamic Data
// Masking" in the T-SQL reference).
var documentedWithOptions = words(`
	PAD_INDEX FILLFACTOR SORT_IN_TEMPDB IGNORE_DUP_KEY STATISTICS_NORECOMPUTE STATISTICS_INCREMENTAL
	DROP_EXISTING ONLINE RESUMABLE MAX_DURATION ALLOW_ROW_LOCKS ALLOW_PAGE_LOCKS OPTIMIZE_FOR_SEQUENTIAL_KEY
	MAXDOP DATA_COMPRESSION XML_COMPRESSION BUCKET_COUNT COMPRESSION_DELAY
	MEMORY_OPTIMIZED DURABILITY SYSTEM_VERSIONING HISTORY_TABLE DATA_CONSISTENCY_CHECK HISTORY_RETENTION_PERIOD
	LEDGER APPEND_ONLY LEDGER_VIEW TRANSACTION_ID_COLUMN_NAME SEQUENCE_NUMBER_COLUMN_NAME
	OPERATION_TYPE_COLUMN_NAME OPERATION_TYPE_DESC_COLUMN_NAME
	LOCK_ESCALATION FILESTREAM_ON DATA_DELETION FILETABLE_DIRECTORY FILETABLE_COLLATE_FILENAME
	BOUNDING_BOX GRIDS CELLS_PER_OBJECT FUNCTION`)

func words(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

func TestVocabulary_EverySetOptionIsSpelledAsDocumented(t *testing.T) {
	for _, o := range append(append([]tsql.SessionOption(nil), preambleOptions...),
		tsql.SessionOption{Name: tsql.SetIdentityInsert}) {
		if !documentedSetOptions[o.Name] {
			t.Errorf("SET %s is not a documented SET statement", o.Name)
		}
	}
	for _, w := range []string{tsql.DBCCCheckIdent, tsql.DBCCReseed, tsql.DBCCNoInfoMsgs} {
		if !documentedDBCC[w] {
			t.Errorf("DBCC word %s is not documented", w)
		}
	}
}

func TestVocabulary_PreambleIsTheDocumentedSettings(t *testing.T) {
	got := tsql.SetStatements(preambleOptions...)
	want := "SET NOCOUNT ON;\nSET ANSI_NULLS ON;\nSET ANSI_PADDING ON;\nSET ANSI_WARNINGS ON;\nSET ARITHABORT ON;\n" +
		"SET CONCAT_NULL_YIELDS_NULL ON;\nSET NUMERIC_ROUNDABORT OFF;\nSET QUOTED_IDENTIFIER ON;\n"
	if got != want {
		t.Errorf("preamble:\n%s\nwant:\n%s", got, want)
	}
}

var (
	setStatementRE = regexp.MustCompile(`(?m)^\s*SET ([A-Z_]+)\b`)
	dbccRE         = regexp.MustCompile(`DBCC ([A-Z_]+) \([^)]*?, ([A-Z_]+)[^)]*\)(?: WITH ([A-Z_]+))?`)
	withOptionRE   = regexp.MustCompile(`(?:WITH|SET) \(([^;]*)\)`)
	optionNameRE   = regexp.MustCompile(`(?:^|[(,]\s*)([A-Z_]+)\s*=`)
)

// TestVocabulary_ScriptsUseOnlyDocumentedKeywords scans every script the
// writer makes from the fixtures, with every option set, so that a SET,
// DBCC or WITH option that bypasses the vocabulary table is caught too.
func TestVocabulary_ScriptsUseOnlyDocumentedKeywords(t *testing.T) {
	cases := append([]goldenCase(nil), goldenCases...)
	for _, f := range []string{"pubs", "northwind", "torture"} {
		cases = append(cases, goldenCase{f + "_data_only", f, Options{DataOnly: true}, filter.Spec{}})
	}
	seen := map[string]bool{}
	for _, c := range cases {
		db := selected(t, loadFixture(t, c.fixture), c.spec)
		text := string(script(t, db, c.opts))
		for _, tb := range db.Tables {
			text += ReseedStatements(tb)
		}
		text = withoutModuleBodies(db, text)
		for _, m := range setStatementRE.FindAllStringSubmatch(text, -1) {
			seen["SET "+m[1]] = true
			if !documentedSetOptions[m[1]] {
				t.Errorf("%s: SET %s is not a documented SET statement", c.name, m[1])
			}
		}
		for _, m := range dbccRE.FindAllStringSubmatch(text, -1) {
			seen["DBCC "+m[1]] = true
			for _, w := range m[1:] {
				if w != "" && !documentedDBCC[w] {
					t.Errorf("%s: DBCC word %s is not documented (in %q)", c.name, w, m[0])
				}
			}
		}
		for _, m := range withOptionRE.FindAllStringSubmatch(text, -1) {
			for _, o := range optionNameRE.FindAllStringSubmatch(m[1], -1) {
				seen["WITH "+o[1]] = true
				if !documentedWithOptions[o[1]] {
					t.Errorf("%s: option %s is not documented (in %q)", c.name, o[1], m[0])
				}
			}
		}
	}
	// The scan must see what it checks, or it proves nothing.
	for _, must := range []string{"SET ARITHABORT", "SET QUOTED_IDENTIFIER", "DBCC CHECKIDENT", "WITH DATA_COMPRESSION", "WITH SYSTEM_VERSIONING"} {
		if !seen[must] {
			var got []string
			for k := range seen {
				got = append(got, k)
			}
			sort.Strings(got)
			t.Errorf("the scan never saw %s; it saw %v", must, got)
		}
	}
}

// withoutModuleBodies removes the verbatim text of views, procedures,
// functions and triggers: it is the user's, not the writer's.
func withoutModuleBodies(db *model.Database, text string) string {
	modules := append(append(append([]*model.Module(nil), db.Modules...), db.Rules...), db.Defaults...)
	for _, tb := range db.Tables {
		modules = append(modules, tb.Triggers...)
	}
	for _, m := range modules {
		if m.Definition != nil && *m.Definition != "" {
			text = strings.ReplaceAll(text, *m.Definition, "")
		}
	}
	return text
}
