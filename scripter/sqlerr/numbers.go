package sqlerr

// number is what one SQL Server error number means here: its kind, and the
// words a message to a user puts before the server's own text.
type number struct {
	kind Kind
	says string
}

// numbers are the server errors with a kind other than Server
// (sys.messages; Azure SQL Database numbers included). One list for the
// scripter and the agent: they used to keep two that disagreed.
var numbers = map[int32]number{
	18456: {Login, "login failed"},
	18452: {Login, "login failed (untrusted domain or Windows authentication not allowed)"},
	18470: {Login, "login failed: account disabled"},
	18486: {Login, "login failed: account locked out"},
	18487: {Login, "login failed: password expired"},
	18488: {Login, "login failed: password must be changed"},
	4064:  {Login, "cannot open the login's default database"},
	40532: {Login, "login failed: cannot open the server the login names"},
	40615: {Login, "login failed: the client's address is not allowed by the server's firewall"},

	4060: {Database, "cannot open database"},
	911:  {Database, "database does not exist"},
	942:  {Database, "database is offline"},
	952:  {Database, "database is in transition"},
	945:  {Database, "database cannot be opened (files missing, not enough memory or disk space)"},
	922:  {Database, "database is being recovered"},

	916:   {Permission, "permission denied: the login cannot access the database"},
	229:   {Permission, "permission denied"},
	230:   {Permission, "permission denied"},
	262:   {Permission, "permission denied"},
	297:   {Permission, "permission denied"},
	300:   {Permission, "permission denied"},
	15247: {Permission, "permission denied"},
	15151: {Permission, "permission denied (or the object does not exist)"},

	40613: {Unreachable, "database not currently available"},
	40197: {Unreachable, "service error processing the request"},
	40501: {Unreachable, "service busy"},
	49918: {Unreachable, "not enough resources to process the request"},
	49919: {Unreachable, "too many operations in progress"},
	49920: {Unreachable, "too many operations in progress"},
	10928: {Unreachable, "resource limit reached"},
	10929: {Unreachable, "resource limit reached"},
}

// NumberKind is the kind of SQL Server error number n: Server for a
// number this package does not list.
func NumberKind(n int32) Kind {
	if x, ok := numbers[n]; ok {
		return x.kind
	}
	return Server
}

// Says is the short phrase for error number n that a message puts before
// the server's own text ("login failed: password expired"), or "" for a
// number this package does not list.
func Says(n int32) string {
	return numbers[n].says
}
