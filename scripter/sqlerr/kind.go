package sqlerr

// Kind says whose problem a failed connection or query is, and so whether
// trying again can help.
type Kind string

// The kinds, as scripter.ServerError reports them. The string values appear
// in error messages.
const (
	// Login: the login was refused (wrong password, disabled, expired,
	// firewall rule of Azure SQL Database).
	Login Kind = "login"
	// Database: the database does not exist, is offline or cannot be opened.
	Database Kind = "database"
	// Permission: the login lacks a permission the work needs.
	Permission Kind = "permission"
	// Unreachable: SQL Server could not be reached (refused, DNS, no route,
	// dial timeout, SQL Browser silent, Azure "not currently available");
	// retrying later may help.
	Unreachable Kind = "unreachable"
	// Encryption: the connection asks for encryption and the server cannot
	// encrypt, so the login was never sent (see --encrypt).
	Encryption Kind = "encryption"
	// Certificate: the TLS handshake failed, nearly always because the
	// server's certificate is not trusted or names another host. The
	// server was reached; only a change of TLS settings or certificate
	// helps, so this is not Unreachable.
	Certificate Kind = "certificate"
	// Canceled: the caller's context was canceled or its deadline passed.
	Canceled Kind = "canceled"
	// Server: any other error SQL Server returned.
	Server Kind = "server"
	// Other: an error that is none of the above (not from SQL Server, the
	// network or TLS).
	Other Kind = ""
)
