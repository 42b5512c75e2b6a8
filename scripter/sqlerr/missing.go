package sqlerr

import (
	"strings"

	mssql "github.com/microsoft/go-mssqldb"
)

// missingObjectNumbers are the server errors that say an object a statement
// names does not exist (yet). Each is raised before the statement changes
// anything, so running the batch again later is safe.
//
// 15151 is also in numbers, as Permission: the server says "does not exist
// or you do not have permission" and the caller's context decides. Reading
// a database (the scripter) it is a permission the login lacks; restoring
// a script (sqlbatch), where every object is being created, it is a GRANT
// that came before its object.
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

// BabelfishUnmapped is the number Babelfish gives a PostgreSQL error it has
// no SQL Server number for; its message is PostgreSQL's. Babelfish's own
// error map (babelfish_extensions, contrib/babelfishpg_tds/error_mapping.txt)
// has no number for a query on a missing relation or function, so those
// arrive as this number with PostgreSQL's "... does not exist" text.
const BabelfishUnmapped = 33557097

// missingObjectError reports one server error that means "not created yet".
func missingObjectError(number int32, message string) bool {
	if missingObjectNumbers[number] {
		return true
	}
	if number == BabelfishUnmapped && strings.Contains(message, " does not exist") {
		// PostgreSQL's "relation ... does not exist", "function ... does
		// not exist", and Babelfish's sp_addextendedproperty's "Object is
		// invalid. Extended properties are not permitted on '...', or the
		// object does not exist."
		return strings.HasPrefix(message, "relation ") || strings.HasPrefix(message, "function ") ||
			strings.HasSuffix(message, ", or the object does not exist.")
	}
	return false
}

// MissingObject reports whether every error the server raised for a batch
// says an object did not exist: a batch that also failed for another reason
// is a real failure, not one to run again later.
func MissingObject(err error) bool {
	e, ok := ServerError(err)
	if !ok {
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
