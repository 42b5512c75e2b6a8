package sqlbatch

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	mssql "github.com/microsoft/go-mssqldb"

	"github.com/mssqldump/mssqldump/scripter/sqlerr"
)

// fakeServer stands in for SQL Server in Restore's retry tests. It knows a
// few statements, enough to fail the way the server does when objects come
// in the wrong order:
//
//	CREATE VIEW|FUNCTION|PROCEDURE|TRIGGER|INDEX|TABLE name ... [FROM|JOIN|ON name]...
//	GRANT ... ON name / INSERT name / RAISERROR / SET option value
//
// and the DDL writer's sp_executesql form around one CREATE.
type fakeServer struct {
	objects  map[string]string // created object -> the settings it was created under
	settings map[string]string
	sent     []string
}

func newFakeServer() *fakeServer {
	return &fakeServer{objects: map[string]string{}, settings: map[string]string{}}
}

func (f *fakeServer) settingsKey() string {
	var kv []string
	for k, v := range f.settings {
		kv = append(kv, k+"="+v)
	}
	sort.Strings(kv)
	return strings.Join(kv, " ")
}

func serverError(number int32, line int, msg string) error {
	return mssql.Error{Number: number, Class: 16, State: 1, LineNo: int32(line), Message: msg}
}

func (f *fakeServer) ExecContext(_ context.Context, query string, _ ...any) (sql.Result, error) {
	f.sent = append(f.sent, query)
	if sets, ok := settingStatements(query); ok {
		for _, s := range sets {
			w := strings.Fields(strings.TrimSuffix(s.text, ";"))
			f.settings[s.key] = w[len(w)-1]
		}
		return nil, nil
	}
	if def, ok := strings.CutPrefix(query, "DECLARE @definition nvarchar(max) = N'';\nSET @definition += N'"); ok {
		query, _, _ = strings.Cut(def, "';\n")
	}
	words := strings.Fields(query)
	if len(words) == 0 {
		return nil, nil
	}
	// missing returns the first name after FROM, JOIN or ON that does not
	// exist, and its line.
	missing := func() (string, int) {
		for i := 1; i < len(words); i++ {
			switch strings.ToUpper(words[i-1]) {
			case "FROM", "JOIN", "ON":
				if _, ok := f.objects[words[i]]; !ok {
					return words[i], 1 + strings.Count(query[:strings.Index(query, " "+words[i])], "\n")
				}
			}
		}
		return "", 0
	}
	switch strings.ToUpper(words[0]) {
	case "CREATE":
		kind, name := strings.ToUpper(words[1]), words[2]
		if name, line := missing(); name != "" {
			number := map[string]int32{"TRIGGER": 8197, "INDEX": 1088}[kind]
			if number == 0 {
				number = 208
			}
			return nil, serverError(number, line, fmt.Sprintf("Invalid object name '%s'.", name))
		}
		f.objects[name] = f.settingsKey()
	case "GRANT":
		if name, line := missing(); name != "" {
			return nil, serverError(15151, line, fmt.Sprintf("Cannot find the object '%s', because it does not exist or you do not have permission.", name))
		}
	case "INSERT":
		if _, ok := f.objects[words[1]]; !ok {
			return nil, serverError(208, 1, fmt.Sprintf("Invalid object name '%s'.", words[1]))
		}
	}
	if strings.HasPrefix(query, "RAISERROR") {
		return nil, serverError(50000, 1, query)
	}
	return nil, nil
}

func restoreFake(t *testing.T, f *fakeServer, script string, opts RestoreOptions) (RestoreStats, error) {
	t.Helper()
	return restore(context.Background(), f, strings.NewReader(script), opts)
}

func TestRestore_ViewCreatedBeforeItsTableRestoresAfterRetry(t *testing.T) {
	f := newFakeServer()
	var last RestoreProgress
	st, err := restoreFake(t, f, "CREATE VIEW v AS SELECT x FROM t\nGO\nCREATE TABLE t (x int)\nGO\n",
		RestoreOptions{Progress: func(p RestoreProgress) { last = p }})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := f.objects["v"]; !ok {
		t.Fatalf("view not created; sent %q", f.sent)
	}
	if st.Batches != 2 || st.Failed != 0 || st.Retried != 1 || last.Retried != 1 || last.Batches != 2 {
		t.Fatalf("stats %+v, last progress %+v", st, last)
	}
}

func TestRestore_ModuleInTheSpExecutesqlFormIsRetriedToo(t *testing.T) {
	f := newFakeServer()
	script := "DECLARE @definition nvarchar(max) = N'';\nSET @definition += N'CREATE VIEW v AS SELECT x FROM t';\nIF OBJECT_ID(N'v') IS NULL\n\tEXEC sys.sp_executesql @definition;\nGO\nCREATE TABLE t (x int)\nGO\n"
	if st, err := restoreFake(t, f, script, RestoreOptions{}); err != nil || st.Retried != 1 {
		t.Fatalf("stats %+v, err %v", st, err)
	}
	if _, ok := f.objects["v"]; !ok {
		t.Fatalf("view not created; sent %q", f.sent)
	}
}

// The DDL writer sets ANSI_NULLS and QUOTED_IDENTIFIER before each module
// and back to ON after one that had them OFF; SQL Server stores them with
// the module, so a retried module must see the ones it was written under.
func TestRestore_RetriedModuleRunsUnderTheSettingsItFirstRanUnder(t *testing.T) {
	f := newFakeServer()
	script := "SET ANSI_NULLS ON;\nSET QUOTED_IDENTIFIER ON;\nGO\n" +
		"SET ANSI_NULLS OFF;\nSET QUOTED_IDENTIFIER OFF;\nGO\nCREATE VIEW legacy AS SELECT x FROM t\nGO\n" +
		"SET ANSI_NULLS ON;\nSET QUOTED_IDENTIFIER ON;\nGO\nCREATE VIEW modern AS SELECT x FROM t\nGO\n" +
		"CREATE TABLE t (x int)\nGO\n"
	st, err := restoreFake(t, f, script, RestoreOptions{})
	if err != nil || st.Retried != 2 {
		t.Fatalf("stats %+v, err %v", st, err)
	}
	want := map[string]string{
		"legacy": "ANSI_NULLS=OFF QUOTED_IDENTIFIER=OFF",
		"modern": "ANSI_NULLS=ON QUOTED_IDENTIFIER=ON",
		"t":      "ANSI_NULLS=ON QUOTED_IDENTIFIER=ON",
	}
	if !reflect.DeepEqual(f.objects, want) {
		t.Fatalf("objects and their settings %v, want %v", f.objects, want)
	}
}

func TestRestore_LaterBatchesOnASetAsideViewAreSetAsideAndRunInOrder(t *testing.T) {
	f := newFakeServer()
	script := "CREATE VIEW v AS SELECT x FROM t\nGO\nCREATE TRIGGER tr ON v INSTEAD OF INSERT AS RETURN\nGO\nGRANT SELECT ON v TO app\nGO\nCREATE TABLE t (x int)\nGO\n"
	st, err := restoreFake(t, f, script, RestoreOptions{})
	if err != nil || st.Retried != 3 || st.Failed != 0 {
		t.Fatalf("stats %+v, err %v", st, err)
	}
	if _, ok := f.objects["tr"]; !ok {
		t.Fatalf("trigger not created; sent %q", f.sent)
	}
	retries := f.sent[4:]
	if len(retries) != 3 || !strings.HasPrefix(retries[0], "CREATE VIEW") || !strings.HasPrefix(retries[1], "CREATE TRIGGER") || !strings.HasPrefix(retries[2], "GRANT") {
		t.Fatalf("retried %q, want the view, the trigger and the grant in script order", retries)
	}
}

func TestRestore_MissingObjectOutsideAModuleIsNotSetAside(t *testing.T) {
	f := newFakeServer()
	st, err := restoreFake(t, f, "INSERT t VALUES (1)\nGO\nCREATE TABLE t (x int)\nGO\n", RestoreOptions{})
	var be *BatchError
	if !errors.As(err, &be) || be.Batch != 1 || st.Retried != 0 || len(f.sent) != 1 {
		t.Fatalf("err %v, stats %+v, sent %q: want batch 1 to stop the restore", err, st, f.sent)
	}
}

func TestRestore_BrokenModuleStillFailsWithItsOwnBatchNumberAndLine(t *testing.T) {
	f := newFakeServer()
	script := "CREATE TABLE t (x int)\nGO\n\nCREATE VIEW v AS\nSELECT x\nFROM nowhere\nGO\nCREATE TABLE u (x int)\nGO\n"
	st, err := restoreFake(t, f, script, RestoreOptions{})
	var be *BatchError
	if !errors.As(err, &be) {
		t.Fatalf("err = %v, want a BatchError", err)
	}
	if be.Batch != 2 || be.Line != 4 || be.ErrorLine != 6 || be.Excerpt != "FROM nowhere" || !sqlerr.MissingObject(be.Err) {
		t.Fatalf("BatchError %+v", be)
	}
	if !strings.HasPrefix(err.Error(), "batch 2 (line 4): mssql: Invalid object name 'nowhere'. (208)") {
		t.Fatalf("message %q", err.Error())
	}
	if _, ok := f.objects["u"]; !ok {
		t.Fatal("the batches after the set-aside one did not run")
	}
	// One retry pass made no progress: the restore stops retrying there.
	if st.Retried != 1 || st.Failed != 1 || len(f.sent) != 4 {
		t.Fatalf("stats %+v, sent %q", st, f.sent)
	}
}

// A chain created in reverse order needs one pass per link; RetryPasses
// bounds the passes.
func TestRestore_RetryPassesAreBounded(t *testing.T) {
	script := "CREATE VIEW v1 AS SELECT x FROM v2\nGO\nCREATE VIEW v2 AS SELECT x FROM v3\nGO\nCREATE VIEW v3 AS SELECT x FROM t\nGO\nCREATE TABLE t (x int)\nGO\n"
	f := newFakeServer()
	st, err := restoreFake(t, f, script, RestoreOptions{})
	if err != nil || st.Retried != 3 || len(f.objects) != 4 {
		t.Fatalf("default passes: stats %+v, err %v, objects %v", st, err, f.objects)
	}
	f = newFakeServer()
	st, err = restoreFake(t, f, script, RestoreOptions{RetryPasses: 2})
	var be *BatchError
	if !errors.As(err, &be) || be.Batch != 1 || st.Failed != 1 || st.Retried != 3 {
		t.Fatalf("2 passes: err %v, stats %+v", err, st)
	}
	if _, ok := f.objects["v2"]; !ok {
		t.Fatalf("2 passes created %v, want v3 then v2", f.objects)
	}
	// 4 batches, then pass 1 (v1, v2, v3), then pass 2 (v1, v2)
	if len(f.sent) != 9 {
		t.Fatalf("sent %d batches: %q", len(f.sent), f.sent)
	}
}

func TestRestore_NegativeRetryPassesSetsNothingAside(t *testing.T) {
	f := newFakeServer()
	st, err := restoreFake(t, f, "CREATE VIEW v AS SELECT x FROM t\nGO\nCREATE TABLE t (x int)\nGO\n", RestoreOptions{RetryPasses: -1})
	var be *BatchError
	if !errors.As(err, &be) || be.Batch != 1 || st.Retried != 0 || len(f.sent) != 1 {
		t.Fatalf("err %v, stats %+v, sent %q", err, st, f.sent)
	}
}

func TestRestore_ContinueOnErrorReportsEveryFailureInScriptOrder(t *testing.T) {
	f := newFakeServer()
	script := "CREATE VIEW v AS SELECT x FROM nowhere\nGO\nRAISERROR('x', 16, 1)\nGO\nCREATE VIEW w AS SELECT x FROM t\nGO\nCREATE TABLE t (x int)\nGO\n"
	st, err := restoreFake(t, f, script, RestoreOptions{ContinueOnError: true})
	if !errors.Is(err, ErrBatchesFailed) {
		t.Fatalf("err = %v", err)
	}
	var be *BatchError
	if !errors.As(err, &be) || be.Batch != 1 {
		t.Fatalf("first error %v, want batch 1", err)
	}
	if st.Batches != 4 || st.Failed != 2 || st.Retried != 2 || len(st.Errors) != 2 || st.Errors[0].Batch != 1 || st.Errors[1].Batch != 2 {
		t.Fatalf("stats %+v", st)
	}
	if _, ok := f.objects["w"]; !ok {
		t.Fatalf("w not created after retry: %v", f.objects)
	}
}

func TestCreatesModuleKnowsTheFormsScriptsUse(t *testing.T) {
	cases := map[string]bool{
		"CREATE VIEW dbo.v AS SELECT 1 AS x":                                                                      true,
		"-- header\n/* a /* nested */ comment */\ncreate   procedure dbo.p AS":                                    true,
		"CREATE PROC p AS RETURN":                                                                                 true,
		"CREATE OR ALTER FUNCTION f() RETURNS int AS BEGIN RETURN 1 END":                                          true,
		"CREATE TRIGGER tr ON t AFTER INSERT AS RETURN":                                                           true,
		"DECLARE @definition nvarchar(max) = N'';\nSET @definition += N'x';\nEXEC sys.sp_executesql @definition;": true,
		"CREATE TABLE t (x int)":                                                                                  false,
		"CREATE OR REPLACE VIEW v AS SELECT 1":                                                                    false,
		"INSERT v VALUES (1)":                                                                                     false,
		"DECLARE @definition nvarchar(max) = N'';\nSELECT 1;":                                                     false,
		"EXEC sys.sp_addextendedproperty N'x', N'y', N'SCHEMA'":                                                   false,
		"SELECT 'CREATE VIEW v AS SELECT 1' AS not_a_module_here":                                                 false,
	}
	for text, want := range cases {
		if got := createsModule(text); got != want {
			t.Errorf("createsModule(%q) = %v, want %v", text, got, want)
		}
	}
}

func TestSessionFollowsOnlyPlainSettingBatches(t *testing.T) {
	var s session
	for _, b := range []string{
		"-- PRE-DATA\nSET NOCOUNT ON;\nSET ANSI_NULLS ON;\nSET QUOTED_IDENTIFIER ON;",
		"USE [Sales]",
		"SET ANSI_NULLS, QUOTED_IDENTIFIER OFF",
		"SET IDENTITY_INSERT dbo.t ON",                 // a table's state, not a setting
		"SET ANSI_NULLS ON; INSERT dbo.t VALUES (1)",   // does something else too
		"SET LANGUAGE N'us_english'",                   // a literal: not followed
		"SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", // not an option ON/OFF
		"SET DATEFORMAT dmy",
	} {
		s.observe(b)
	}
	want := "SET NOCOUNT ON;\nUSE [Sales];\nSET ANSI_NULLS OFF;\nSET QUOTED_IDENTIFIER OFF;\nSET DATEFORMAT dmy;\n"
	if got := s.batch(); got != want {
		t.Errorf("session batch\n%q\nwant\n%q", got, want)
	}
}
