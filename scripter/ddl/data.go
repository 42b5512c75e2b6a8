package ddl

import (
	"math/big"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
	"github.com/mssqldump/mssqldump/scripter/tsql"
)

// DataColumns returns the columns the data section inserts into t, in table
// order: computed and rowversion columns are never inserted, nor are graph
// internal columns, ledger columns or GENERATED ALWAYS columns of a table
// whose period is scripted inline. The period columns of a system-versioned
// table ARE included: pre-data creates them as plain columns (see the
// package comment) so their exact values load.
func DataColumns(t *model.Table) []*model.Column {
	var out []*model.Column
	for _, c := range t.Columns {
		switch {
		case c.Computed != nil, c.IsRowversion, c.GraphType != "", ledgerColumn(t, c):
			continue
		case c.GeneratedAlways != "" && !(t.Temporal != nil && periodColumn(c)):
			continue
		}
		out = append(out, c)
	}
	return out
}

// ReseedStatements returns the batch to run after t's rows are loaded so
// that the next identity value equals the source's: DBCC CHECKIDENT RESEED
// to the source's last value. A table that received no rows in the restore
// has never had an insert, and SQL Server then hands out the reseed value
// itself first, so that case reseeds to last + increment. It returns "" when
// t has no identity, the source never used it, or t is memory-optimized
// (DBCC CHECKIDENT does not apply there).
func ReseedStatements(t *model.Table) string {
	if t.MemoryOptimized {
		return ""
	}
	var id *model.Identity
	for _, c := range t.Columns {
		if c.Identity != nil {
			id = c.Identity
			break
		}
	}
	if id == nil || id.LastValue == "" {
		return ""
	}
	last, ok1 := new(big.Int).SetString(id.LastValue, 10)
	inc, ok2 := new(big.Int).SetString(numOr(id.Increment, "1"), 10)
	if !ok1 || !ok2 {
		return ""
	}
	next := new(big.Int).Add(last, inc)
	name := nlit(qn(t.QName))
	arg := checkIdentTable(t.QName)
	var sb strings.Builder
	sb.WriteString("IF EXISTS (SELECT 1 FROM sys.identity_columns WHERE object_id = OBJECT_ID(" + name + ") AND last_value IS NOT NULL)\n")
	sb.WriteString("\t" + checkIdentReseed(arg, last) + "\n")
	sb.WriteString("ELSE\n")
	sb.WriteString("\t" + checkIdentReseed(arg, next) + "\n")
	sb.WriteString("GO\n")
	return sb.String()
}

// checkIdentTable is the table argument of DBCC CHECKIDENT: a plain
// '...' literal when the name is ASCII, because Babelfish rejects N'...'
// there (SQL Server takes either, and ASCII text is the same in every code
// page); other names keep N'...', which SQL Server needs for them.
func checkIdentTable(q model.QName) string {
	name := qn(q)
	lit, simple := strLit(name)
	if simple && isASCII(name) && strings.HasPrefix(lit, "N'") {
		return lit[1:]
	}
	return lit
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// checkIdentReseed is DBCC CHECKIDENT (table, RESEED, value) WITH NO_INFOMSGS.
func checkIdentReseed(table string, value *big.Int) string {
	return "DBCC " + tsql.DBCCCheckIdent + " (" + table + ", " + tsql.DBCCReseed + ", " + value.String() + ") WITH " + tsql.DBCCNoInfoMsgs + ";"
}
