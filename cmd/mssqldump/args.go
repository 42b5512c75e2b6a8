package main

import (
	"strings"
)

// normalizeArgs rewrites the command line into a form urfave/cli parses the
// way mysqldump users expect. urfave/cli (like Go's flag package) cannot
// express three mysqldump habits, so they are handled here, explicitly:
//
//   - -p with no attached value prompts for the password (so "-p DATABASE"
//     never eats DATABASE), -pSECRET and --password=SECRET carry it inline,
//     and a bare --password prompts too;
//   - options may follow the positional arguments ("mssqldump db -r x.sql");
//   - a database literally named like a subcommand ("wait", "fetch",
//     "restore", "help") is given after "--" and is then passed as
//     --database, because urfave/cli would otherwise dispatch to the
//     subcommand even after "--".
//
// valueFlags holds every flag name (without dashes) that takes a value, so
// that a value such as "-w -p" is never mistaken for a flag.
func normalizeArgs(args []string, valueFlags, commands map[string]bool) []string {
	var flags, pos []string
	literal := -1 // index in pos of the first argument after "--"
	help := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			if literal < 0 {
				literal = len(pos)
			}
			pos = append(pos, args[i+1:]...)
			break
		}
		if a == "-" || !strings.HasPrefix(a, "-") {
			pos = append(pos, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if pw := passwordArgs(a); pw != nil {
			flags = append(flags, pw...)
			continue
		}
		if name == "help" || name == "?" {
			help = true
		}
		flags = append(flags, a)
		if valueFlags[name] && !hasValue && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}

	return arrangeArgs(flags, pos, literal, help, commands)
}

// passwordArgs rewrites mysqldump's password forms (-p, -pSECRET,
// --password, --password=SECRET) into the CLI's flags, or returns nil for
// any other argument.
func passwordArgs(a string) []string {
	single := !strings.HasPrefix(a, "--")
	name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
	switch {
	case single && name == "p" && !hasValue:
		return []string{"--password-prompt"}
	case single && strings.HasPrefix(name, "p") && !hasValue:
		// -pSECRET, exactly as mysqldump reads it; like mysql, say
		// that it shows in the process list.
		return []string{"--password=" + a[2:], "--password-on-command-line"}
	case name == "password" && hasValue:
		return []string{a, "--password-on-command-line"}
	case name == "password" && !hasValue:
		return []string{"--password-prompt"}
	}
	return nil
}

// arrangeArgs puts the sorted flags and positional arguments back together:
// literal is the index in pos of the first argument after "--" (-1: none).
func arrangeArgs(flags, pos []string, literal int, help bool, commands map[string]bool) []string {
	switch {
	case len(pos) > 0 && literal != 0 && commands[pos[0]]:
		// A subcommand: root flags first (subcommands read them through
		// their lineage), then the command and its arguments.
		if help {
			return []string{pos[0], "--help"}
		}
		out := append(flags, pos[0])
		if len(pos) > 1 {
			out = append(out, "--")
			out = append(out, pos[1:]...)
		}
		return out
	case len(pos) > 0 && literal == 0 && commands[pos[0]]:
		out := append(flags, "--database="+pos[0])
		if len(pos) > 1 {
			out = append(out, "--")
			out = append(out, pos[1:]...)
		}
		return out
	default:
		if len(pos) > 0 {
			flags = append(flags, "--")
			flags = append(flags, pos...)
		}
		return flags
	}
}
