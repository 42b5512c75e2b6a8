package ddl

import (
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/mssqldump/mssqldump/scripter/model"
)

func extPropKey(p *model.ExtendedProperty) string {
	return strings.Join([]string{p.Level0Type, p.Level0Name, p.Level1Type, p.Level1Name, p.Level2Type, p.Level2Name, p.Name}, "\x00")
}

// extPropWanted reports whether p belongs to an object in the dump:
// properties of objects left out are left out too.
func (b *builder) extPropWanted(p *model.ExtendedProperty) bool {
	switch p.Level0Type {
	case "":
		return true
	case "SCHEMA":
	case "USER", "ROLE":
		return b.opts.Permissions
	default:
		return true
	}
	if p.Level1Type == "" {
		if builtinSchema(p.Level0Name) {
			return true
		}
		for _, s := range b.db.Schemas {
			if s.Name == p.Level0Name {
				return true
			}
		}
		return false
	}
	_, ok := b.present[model.QName{Schema: p.Level0Name, Name: p.Level1Name}]
	return ok
}

// extendedProperties scripts sp_addextendedproperty calls, one object per
// owning object.
func (b *builder) extendedProperties() []Object {
	ps := append([]*model.ExtendedProperty(nil), b.db.ExtendedProperties...)
	sort.SliceStable(ps, func(i, j int) bool { return extPropKey(ps[i]) < extPropKey(ps[j]) })
	var out []Object
	var cur *Object
	var simple strings.Builder
	flush := func(sb *strings.Builder) {
		if simple.Len() > 0 {
			batch(sb, simple.String())
			simple.Reset()
		}
	}
	var sb *strings.Builder
	var curKey [4]string
	for _, p := range ps {
		if !b.extPropWanted(p) {
			continue
		}
		key := [4]string{p.Level0Type, p.Level0Name, p.Level1Type, p.Level1Name}
		if cur == nil || key != curKey {
			if cur != nil {
				flush(sb)
				cur.Text = sb.String()
				out = append(out, *cur)
			}
			curKey = key
			sb = &strings.Builder{}
			target := "DATABASE"
			q := model.QName{}
			switch {
			case p.Level1Name != "":
				q = model.QName{Schema: p.Level0Name, Name: p.Level1Name}
				target = p.Level1Type + " " + qn(q)
			case p.Level0Name != "":
				q = model.QName{Name: p.Level0Name}
				target = p.Level0Type + " " + ident(p.Level0Name)
			}
			header(sb, "EXTENDED PROPERTIES", target)
			cur = &Object{Type: TypeExtendedProperty, QName: q}
		}
		stmt, needsBatch := b.extProp(p)
		if needsBatch {
			flush(sb)
			batch(sb, stmt)
		} else {
			simple.WriteString(stmt)
		}
	}
	if cur != nil {
		flush(sb)
		cur.Text = sb.String()
		out = append(out, *cur)
	}
	return out
}

// extPropValue is the expression that turns the property's text (as the
// catalog reader reads it: CONVERT(nvarchar(max), value), with lossless
// styles for float, money, datetime and binary) back into a value of its
// base type, so that sql_variant keeps the base type and a re-dump is the
// same. Lengths and scales come from the text itself: a sql_variant holds
// no max types, and property values are at most 7,500 bytes.
func extPropValue(baseType, text string) string {
	lit, _ := strLit(text)
	n := utf8.RuneCountInString(text)
	switch baseType {
	case "varchar", "char", "nchar":
		return fmt.Sprintf("CONVERT(%s(%d), %s)", baseType, max(n, 1), lit)
	case "varbinary", "binary":
		// Style 1: the text is 0x-prefixed hex (read with style 1).
		size := max((len(text)-2)/2, 1)
		return fmt.Sprintf("CONVERT(%s(%d), %s, 1)", baseType, size, lit)
	case "decimal", "numeric":
		digits, scale := decimalShape(text)
		return fmt.Sprintf("CONVERT(%s(%d, %d), %s)", baseType, digits, scale, lit)
	case "datetime", "smalldatetime":
		// Style 126 (ISO 8601) reads back the same in every session language.
		return "CONVERT(" + baseType + ", " + lit + ", 126)"
	}
	return "CONVERT(" + baseType + ", " + lit + ")"
}

// decimalShape is the precision and scale that hold the decimal text
// exactly ("-123.4500" → 7, 4).
func decimalShape(text string) (precision, scale int) {
	intPart, frac, _ := strings.Cut(strings.TrimLeft(text, "+-"), ".")
	scale = len(frac)
	precision = max(len(strings.TrimLeft(intPart, "0"))+scale, scale, 1)
	return min(precision, 38), min(scale, 38)
}

// extProp renders one call. Arguments of EXEC must be literals or
// variables, so values that need an expression (a non-nvarchar base type,
// text sqlcmd would alter) go through variables in a batch of their own.
func (b *builder) extProp(p *model.ExtendedProperty) (string, bool) {
	var decl strings.Builder
	n := 0
	// Variables take the parameter's type: names are sysname, values
	// sql_variant (which cannot hold a max type; property values are
	// limited to 7,500 bytes anyway).
	arg := func(name, v string) string {
		e, ok := strLit(v)
		if ok {
			return ", @" + name + " = " + e
		}
		if name == "value" {
			decl.WriteString("DECLARE @value sql_variant = CONVERT(nvarchar(4000), " + e + ");\n")
		} else {
			decl.WriteString("DECLARE @" + name + " sysname = " + e + ";\n")
		}
		n++
		return ", @" + name + " = @" + name
	}
	var call strings.Builder
	call.WriteString("EXEC sys.sp_addextendedproperty")
	call.WriteString(strings.TrimPrefix(arg("name", p.Name), ","))
	switch {
	case p.IsNull:
		call.WriteString(", @value = NULL")
	case p.BaseType != "" && p.BaseType != "nvarchar":
		decl.WriteString("DECLARE @value sql_variant = " + extPropValue(p.BaseType, p.Value) + ";\n")
		n++
		call.WriteString(", @value = @value")
	default:
		call.WriteString(arg("value", p.Value))
	}
	levels := [][2]string{{p.Level0Type, p.Level0Name}, {p.Level1Type, p.Level1Name}, {p.Level2Type, p.Level2Name}}
	var fnArgs []string
	for i, l := range levels {
		if l[0] == "" {
			fnArgs = append(fnArgs, "NULL", "NULL")
			continue
		}
		d := string(rune('0' + i))
		call.WriteString(", @level" + d + "type = " + nlit(l[0]))
		call.WriteString(arg("level"+d+"name", l[1]))
		fnArgs = append(fnArgs, nlit(l[0]), nlit(l[1]))
	}
	stmt := call.String() + ";\n"
	// AddDropTable drops neither the database nor its schemas, whose
	// properties a second run would otherwise add again (error 15233).
	if b.opts.IfNotExists || (b.opts.AddDropTable && (p.Level0Type == "" || (p.Level0Type == "SCHEMA" && p.Level1Type == ""))) {
		stmt = "IF NOT EXISTS (SELECT 1 FROM sys.fn_listextendedproperty(" + nlit(p.Name) + ", " + strings.Join(fnArgs, ", ") + "))\n\t" + stmt
		// fn_listextendedproperty needs plain literals too; with
		// expressions it still works as they are function arguments.
	}
	return decl.String() + stmt, n > 0
}
