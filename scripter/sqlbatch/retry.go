package sqlbatch

import "strings"

// DefaultRetryPasses is how many times Restore runs again, after the rest of
// the script, the batches it set aside because an object they name did not
// exist yet (RestoreOptions.RetryPasses).
const DefaultRetryPasses = 10

// The first line and the last statement of the sp_executesql batch that
// scripter/ddl writes for module text sqlcmd would alter: the DDL writer
// builds the batch from these, and createsModule recognises it by them.
const (
	DynamicModuleHead = "DECLARE @definition nvarchar(max) = N'';\n"
	DynamicModuleExec = "EXEC sys.sp_executesql @definition;"
)

// createsModule reports whether a batch creates a view, procedure, function
// or trigger: CREATE [OR ALTER] VIEW|PROC|PROCEDURE|FUNCTION|TRIGGER after
// any comments, or the sp_executesql form the DDL writer uses for module
// text sqlcmd would alter (scripter/ddl's moduleText). These are the
// batches a missing object can fail only because of the order of the script.
func createsModule(text string) bool {
	if strings.HasPrefix(text, DynamicModuleHead) {
		return strings.HasSuffix(strings.TrimRight(text, " \t\r\n"), DynamicModuleExec)
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
