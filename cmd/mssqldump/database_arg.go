package main

import "strings"

// databaseArgs decides which database a command works on and what the
// other positional arguments are (tables for a dump, FILE for restore).
//
// mysqldump users type the database name, so the first positional argument
// is the database whatever --dsn says, unless --database (or
// MSSQLDUMP_DATABASE) is given: then every positional argument is a table
// (or the FILE). A DSN's database=... is used only when no positional
// argument names one. When the DSN and the first argument name different
// databases the command stops with a usage error naming both rather than
// guess: dumping or restoring into the wrong database is worse than asking.
// SQL Server compares database names case-insensitively (whatever the
// server collation), so "sales" and "Sales" agree.
//
// missing is the usage line shown when no database is named at all.
func databaseArgs(flagDatabase string, flagSet bool, dsnDatabase string, args []string, missing string) (string, []string, error) {
	switch {
	case flagSet && flagDatabase != "":
		return flagDatabase, args, nil
	case len(args) > 0:
		if dsnDatabase != "" && !strings.EqualFold(dsnDatabase, args[0]) {
			return "", nil, errUsage("--dsn names database %q but the first argument names database %q: "+
				"give the database once, or --database %s to take every argument as a table or file",
				dsnDatabase, args[0], dsnDatabase)
		}
		return args[0], args[1:], nil
	case dsnDatabase != "":
		return dsnDatabase, nil, nil
	}
	return "", nil, errUsage("missing DATABASE: %s", missing)
}
