package sqlbatch

import (
	"errors"
	"strings"

	mssql "github.com/microsoft/go-mssqldb"
)

// DefaultRetryPasses is how many times Restore runs again, after the rest of
// the script, the batches it set aside because an object they name did not
// exist yet (RestoreOptions.RetryPasses).
const DefaultRetryPasses = 10

// missingObjectNumbers are the server errors that say an object a statement
// names does not exist (yet). Each is raised before the statement changes
// anything, so running the batch again later is safe.
var missingObjectNumbers = map[int32]bool{
	// Invalid object name: a view or table-valued function reading a
	// table, view or function not created yet; also a data or trigger
	// batch naming a view set aside. Babelfish raises it too where it
	// checks names itself.
	208: true,
	// Cannot find either column or the user-defined function or
	// aggregate: a module calling a scalar function not created yet.
	4121: true,
	// Cannot find the object ... because it does not exist: CREATE INDEX
	// on a view not created yet (indexed views).
	1088: true,
	// The same message from ALTER TABLE / ALTER INDEX.
	4902: true,
	// The object does not exist or is invalid for this operation: CREATE
	// TRIGGER on a view not created yet.
	8197: true,
	// Extended properties are not permitted on ..., or the object does
	// not exist: sp_addextendedproperty on an object not created yet.
	15135: true,
	// Cannot find the object, because it does not exist or you do not
	// have permission: GRANT / DENY on an object not created yet.
	15151: true,
	// Not listed: 2020 is a dependency-reporting warning, not a failure;
	// 2812 (stored procedure not found) never fails a CREATE (procedures
	// resolve names when they run), and the script EXECs only system
	// procedures.
}

// babelfishUnmapped is the number Babelfish gives a PostgreSQL error it has
// no SQL Server number for; its message is PostgreSQL's. Babelfish's own
// error map (babelfish_extensions, contrib/babelfishpg_tds/error_mapping.txt)
// has no number for a query on a missing relation or function, so those
// arrive as this number with PostgreSQL's "... does not exist" text.
const babelfishUnmapped = 33557097

// missingObjectError reports one server error that means "not created yet".
func missingObjectError(number int32, message string) bool {
	if missingObjectNumbers[number] {
		return true
	}
	if number == babelfishUnmapped && strings.Contains(message, " does not exist") {
		// PostgreSQL's "relation ... does not exist", "function ... does
		// not exist", and Babelfish's sp_addextendedproperty's "Object is
		// invalid. Extended properties are not permitted on '...', or the
		// object does not exist."
		return strings.HasPrefix(message, "relation ") || strings.HasPrefix(message, "function ") ||
			strings.HasSuffix(message, ", or the object does not exist.")
	}
	return false
}

// missingObject reports whether every error the server raised for a batch
// says an object did not exist: a batch that also failed for another reason
// is a real failure, not one to run again later.
func missingObject(err error) bool {
	var e mssql.Error
	var pe *mssql.Error
	switch {
	case errors.As(err, &e):
	case errors.As(err, &pe) && pe != nil:
		e = *pe
	default:
		return false
	}
	all := e.All
	if len(all) == 0 {
		all = []mssql.Error{e}
	}
	for _, x := range all {
		if !missingObjectError(x.Number, x.Message) {
			return false
		}
	}
	return true
}

// createsModule reports whether a batch creates a view, procedure, function
// or trigger: CREATE [OR ALTER] VIEW|PROC|PROCEDURE|FUNCTION|TRIGGER after
// any comments, or the sp_executesql form the DDL writer uses for module
// text sqlcmd would alter (scripter/ddl's moduleText). These are the
// batches a missing object can fail only because of the order of the script.
func createsModule(text string) bool {
	const dynamic = "DECLARE @definition nvarchar(max) = N'';\n"
	if strings.HasPrefix(text, dynamic) {
		return strings.HasSuffix(strings.TrimRight(text, " \t\r\n"), "EXEC sys.sp_executesql @definition;")
	}
	w := words{text: text}
	if !strings.EqualFold(w.next(), "CREATE") {
		return false
	}
	kind := w.next()
	if strings.EqualFold(kind, "OR") {
		if !strings.EqualFold(w.next(), "ALTER") {
			return false
		}
		kind = w.next()
	}
	switch strings.ToUpper(kind) {
	case "VIEW", "PROC", "PROCEDURE", "FUNCTION", "TRIGGER":
		return true
	}
	return false
}
