package catalog

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/mssqldump/mssqldump/scripter/model"
)

// Warning reports something the catalog holds that the model cannot carry
// (a CLR module, a permission of an unsupported class, ...).
type Warning struct {
	Code    string
	Object  string
	Message string
}

// systemTypeTimestamp is sys.types.system_type_id of rowversion/timestamp.
const systemTypeTimestamp = 189

// Assemble builds the model from catalog rows. It is pure: the same rows in
// any order give the same model, every slice sorted by binary (ordinal)
// name order, never by object id, because ids change on restore.
func Assemble(r *Rows) (*model.Database, []Warning) {
	if r.Server != nil && r.Server.Babelfish {
		r = babelfishRows(r)
	}
	a := &assembler{rows: r, warnings: append([]Warning(nil), r.Warnings...)}
	return a.run()
}

type assembler struct {
	rows     *Rows
	warnings []Warning

	types   map[int64]*TypeRow
	objects map[int64]*ObjectRow
	xml     map[int64]*model.QName
	tables  map[int64]*model.Table // tables and table-type bodies by object id
	views   map[int64]*model.Module
}

func (a *assembler) warn(code, object, format string, args ...any) {
	a.warnings = append(a.warnings, Warning{Code: code, Object: object, Message: fmt.Sprintf(format, args...)})
}

func qname(schema, name string) string {
	if schema == "" {
		return name
	}
	return schema + "." + name
}

func (a *assembler) run() (*model.Database, []Warning) {
	r := a.rows
	db := &model.Database{}
	if s := r.Server; s != nil {
		db.Name = s.Database
		db.Collation = s.Collation
		db.CompatibilityLevel = s.Compatibility
		db.SnapshotIsolation = s.SnapshotAllowed()
	}
	a.types = map[int64]*TypeRow{}
	for i := range r.Types {
		a.types[r.Types[i].UserTypeID] = &r.Types[i]
	}
	a.objects = map[int64]*ObjectRow{}
	for i := range r.Objects {
		o := &r.Objects[i]
		o.Type = strings.TrimSpace(o.Type)
		a.objects[o.ObjectID] = o
	}
	a.xml = map[int64]*model.QName{}
	for _, x := range r.XMLSchemas {
		a.xml[x.CollectionID] = &model.QName{Schema: x.Schema, Name: x.Name}
		if x.Definition == "" {
			a.warn(WarnEngineLacks, qname(x.Schema, x.Name), "XML schema collection %s is not scripted: this engine has no XML_SCHEMA_NAMESPACE to read it with", qname(x.Schema, x.Name))
			continue
		}
		db.XMLSchemaCollections = append(db.XMLSchemaCollections, &model.XMLSchemaCollection{
			QName: model.QName{Schema: x.Schema, Name: x.Name}, Definition: x.Definition})
	}

	for _, s := range r.Schemas {
		owner := s.Owner
		if owner == "dbo" {
			owner = ""
		}
		db.Schemas = append(db.Schemas, &model.Schema{Name: s.Name, Owner: owner})
	}

	a.buildTables(db)
	a.buildTypes(db)
	a.buildSequences(db)
	for _, s := range r.Synonyms {
		db.Synonyms = append(db.Synonyms, &model.Synonym{QName: model.QName{Schema: s.Schema, Name: s.Name}, Target: s.Target})
	}
	a.buildModules(db)
	a.buildTriggers(db)
	a.buildExtProps(db)
	a.buildPrincipals(db)
	a.buildDependencies(db)
	sortDatabase(db)
	slices.SortFunc(a.warnings, func(x, y Warning) int {
		return cmp.Or(cmp.Compare(x.Code, y.Code), cmp.Compare(x.Object, y.Object), cmp.Compare(x.Message, y.Message))
	})
	return db, a.warnings
}

// typeOf resolves a column's (or sequence's) type from its user_type_id and
// the column's own length/precision/scale.
func (a *assembler) typeOf(userTypeID int64, maxLen, prec, scale int) model.Type {
	t, ok := a.types[userTypeID]
	if !ok {
		return model.Type{Name: fmt.Sprintf("type#%d", userTypeID), MaxLength: maxLen, Precision: prec, Scale: scale}
	}
	out := model.Type{Name: t.Name, MaxLength: maxLen, Precision: prec, Scale: scale}
	base := ""
	if b, ok := a.types[t.SystemTypeID]; ok && !t.IsAssemblyType {
		base = b.Name
	}
	if !t.IsUserDefined {
		// System types, sysname (whose base is nvarchar) and the system CLR
		// types hierarchyid/geometry/geography (whose base is themselves).
		out.System = t.Name
		if base != "" && t.UserTypeID != t.SystemTypeID {
			out.System = base
		}
		return out
	}
	out.Schema = t.Schema
	out.UserDefined = true
	out.System = base // "" for a CLR user type
	return out
}

func (a *assembler) buildTables(db *model.Database) {
	r := a.rows
	a.tables = map[int64]*model.Table{}
	names := map[int64]model.QName{}
	for _, t := range r.Tables {
		names[t.ObjectID] = model.QName{Schema: t.Schema, Name: t.Name}
	}
	historyOf := map[int64]model.QName{}
	for _, t := range r.Tables {
		if t.TemporalType == 2 && t.HistoryTableID != 0 {
			historyOf[t.HistoryTableID] = model.QName{Schema: t.Schema, Name: t.Name}
		}
	}
	for _, t := range r.Tables {
		if t.LedgerView {
			continue // a dropped ledger table, kept by SQL Server under a generated name
		}
		if t.LedgerType == "HISTORY_TABLE" {
			continue // created by SQL Server with its ledger table
		}
		if t.IsExternal {
			a.warn("external_table", qname(t.Schema, t.Name), "external table %s is not scripted (its data source and file format are outside the database's tables)", qname(t.Schema, t.Name))
			continue
		}
		if t.IsFileTable {
			a.warn("filetable", qname(t.Schema, t.Name), "FileTable %s is not scripted (its files live in FILESTREAM storage)", qname(t.Schema, t.Name))
			continue
		}
		mt := &model.Table{
			QName:          model.QName{Schema: t.Schema, Name: t.Name},
			Compression:    normCompression(t.Compression),
			LockEscalation: t.LockEscalation,
			FileGroup:      t.FileGroup,
			TextImageOn:    t.TextImageOn,
			IsNode:         t.IsNode,
			IsEdge:         t.IsEdge,
			ChangeTracking: t.ChangeTracking,
		}
		if t.Partitioned {
			mt.FileGroup = ""
			a.warn("partitioned_table", qname(t.Schema, t.Name), "%s is partitioned; it is scripted on the default filegroup (partition functions and schemes are not scripted)", qname(t.Schema, t.Name))
		}
		if t.MemoryOptimized {
			mt.MemoryOptimized = true
			mt.Durability = t.Durability
		}
		switch t.LedgerType {
		case "UPDATABLE_LEDGER_TABLE":
			mt.Ledger = "UPDATABLE"
		case "APPEND_ONLY_LEDGER_TABLE":
			mt.Ledger = "APPEND_ONLY"
		}
		if mt.Ledger != "" {
			if t.LedgerViewName != "" {
				mt.LedgerView = &model.LedgerView{QName: model.QName{Schema: t.LedgerViewSchema, Name: t.LedgerViewName},
					TransactionIDColumn: t.LedgerTxColumn, SequenceNumberColumn: t.LedgerSeqColumn,
					OperationTypeColumn: t.LedgerOpColumn, OperationTypeDescColumn: t.LedgerOpDescColumn}
			}
			// An updatable ledger table's history table comes with it
			// (and a temporal ledger table shares it): it is named in
			// CREATE TABLE, never created or switched on separately.
			if h, ok := names[t.HistoryTableID]; ok && t.HistoryTableID != 0 {
				mt.LedgerHistory = &h
				mt.LedgerRetention = retention(t.RetentionPeriod, t.RetentionUnit)
			}
		}
		if t.TemporalType == 2 && mt.Ledger == "" {
			mt.Temporal = &model.Temporal{History: names[t.HistoryTableID], RetentionPeriod: retention(t.RetentionPeriod, t.RetentionUnit)}
		}
		if q, ok := historyOf[t.ObjectID]; ok {
			q := q
			mt.HistoryOf = &q
		}
		a.tables[t.ObjectID] = mt
		db.Tables = append(db.Tables, mt)
	}
	// Table-type bodies hang off their type_table_object_id.
	for _, tr := range r.Types {
		if tr.IsTableType && tr.TypeTableObjectID != 0 {
			a.tables[tr.TypeTableObjectID] = &model.Table{QName: model.QName{Schema: tr.Schema, Name: tr.Name},
				MemoryOptimized: tr.IsMemoryOptimized}
		}
	}
	a.buildColumns()
	a.buildIndexes()
	a.buildForeignKeys()
	for _, c := range r.Checks {
		t := a.tables[c.ParentObjectID]
		if t == nil {
			continue
		}
		t.Checks = append(t.Checks, &model.Check{Name: c.Name, Definition: c.Definition, Column: c.Column,
			NotForReplication: c.NFR, Disabled: c.Disabled, NotTrusted: c.NotTrusted, IsSystemNamed: c.IsSystemNamed})
	}
}

// retention renders HISTORY_RETENTION_PERIOD; "" means INFINITE.
func retention(n int, unit string) string {
	if n <= 0 || unit == "" || unit == "INFINITE" {
		return ""
	}
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "S"
}

func normCompression(c string) string {
	if c == "NONE" {
		return ""
	}
	return c
}

// generatedAlways maps generated_always_type_desc (AS_ROW_START,
// AS_TRANSACTION_ID_END, ...) to the model's "ROW START",
// "TRANSACTION_ID END" form: the clause as written after GENERATED ALWAYS AS.
func generatedAlways(desc string) string {
	if desc == "" || desc == "NOT_APPLICABLE" {
		return ""
	}
	s := strings.TrimPrefix(desc, "AS_")
	if i := strings.LastIndexByte(s, '_'); i >= 0 {
		s = s[:i] + " " + s[i+1:]
	}
	return s
}

func (a *assembler) buildColumns() {
	dbColl := ""
	if a.rows.Server != nil {
		dbColl = a.rows.Server.Collation
	}
	for _, c := range a.rows.Columns {
		t := a.tables[c.ObjectID]
		if t == nil || c.IsDroppedLedger {
			// A column dropped from a ledger table stays behind hidden,
			// renamed; it is not part of the table's definition.
			continue
		}
		col := &model.Column{
			Name:            c.Name,
			Type:            a.typeOf(c.UserTypeID, c.MaxLength, c.Precision, c.Scale),
			Nullable:        c.IsNullable,
			Sparse:          c.IsSparse,
			ColumnSet:       c.IsColumnSet,
			RowGUID:         c.IsRowGUIDCol,
			FileStream:      c.IsFileStream,
			GeneratedAlways: generatedAlways(c.GeneratedAlways),
			Hidden:          c.IsHidden,
			MaskingFunction: c.MaskingFunction,
			GraphType:       c.GraphType,
		}
		if c.Collation != "" && c.Collation != dbColl {
			col.Collation = c.Collation
		}
		if tr := a.types[c.UserTypeID]; tr != nil && tr.SystemTypeID == systemTypeTimestamp {
			col.IsRowversion = true
		}
		if c.XMLCollectionID > 0 {
			if q := a.xml[c.XMLCollectionID]; q != nil {
				q := *q
				col.Type.XMLCollection = &q
				col.Type.XMLDocument = c.IsXMLDocument
			}
		}
		if c.IsIdentity {
			col.Identity = &model.Identity{Seed: c.IdentitySeed, Increment: c.IdentityIncr,
				NotForReplication: c.IdentityNFR, LastValue: c.IdentityLast}
			t.HasIdentity = true
		}
		if c.IsComputed {
			col.Computed = &model.Computed{Definition: c.ComputedDef, Persisted: c.ComputedPersist}
		}
		if c.HasDefaultObject && c.DefaultName != "" {
			col.Default = &model.Default{Name: c.DefaultName, Definition: c.DefaultDef, IsSystemNamed: c.DefaultSysNamed}
		} else {
			col.BoundDefault = a.bound(c.DefaultObjectID, "D")
		}
		col.BoundRule = a.bound(c.RuleObjectID, "R")
		switch col.GeneratedAlways {
		case "ROW START":
			if t.Temporal != nil {
				t.Temporal.PeriodStart = c.Name
			}
		case "ROW END":
			if t.Temporal != nil {
				t.Temporal.PeriodEnd = c.Name
			}
		}
		t.Columns = append(t.Columns, col)
	}
}

var indexKinds = map[int]string{
	1: "CLUSTERED", 2: "NONCLUSTERED", 3: "XML", 4: "SPATIAL",
	5: "CLUSTERED COLUMNSTORE", 6: "NONCLUSTERED COLUMNSTORE", 7: "HASH",
}

func (a *assembler) buildIndexes() {
	type key struct {
		obj int64
		id  int
	}
	cols := map[key][]IndexColumnRow{}
	for _, c := range a.rows.IndexColumns {
		k := key{c.ObjectID, c.IndexID}
		cols[k] = append(cols[k], c)
	}
	a.views = map[int64]*model.Module{}
	for _, ir := range a.rows.Indexes {
		if ir.Type == 3 && ir.XMLIndexType >= 2 {
			a.warnSelectiveXML(ir)
			continue
		}
		ix := &model.Index{
			Name:               ir.Name,
			Kind:               indexKinds[ir.Type],
			IsPrimaryKey:       ir.IsPrimaryKey,
			IsUniqueConstraint: ir.IsUniqueCons,
			IsUnique:           ir.IsUnique,
			IsSystemNamed:      ir.IsSystemNamed,
			FillFactor:         ir.FillFactor,
			PadIndex:           ir.IsPadded,
			IgnoreDupKey:       ir.IgnoreDupKey,
			NoRecompute:        ir.NoRecompute,
			DisallowRowLocks:   !ir.AllowRowLocks,
			DisallowPageLocks:  !ir.AllowPageLocks,
			Compression:        normCompression(ir.Compression),
			FileGroup:          ir.FileGroup,
			Disabled:           ir.IsDisabled,
			BucketCount:        ir.BucketCount,
			XMLPrimary:         ir.XMLPrimaryName,
			XMLSecondary:       ir.XMLSecondaryType,
			SpatialOptions:     spatialOptions(ir),
		}
		if ix.Kind == "" {
			ix.Kind = fmt.Sprintf("TYPE %d", ir.Type)
		}
		if ir.Partitioned {
			// Reported once per table (partitioned_table); the index is
			// created on the default filegroup.
			ix.FileGroup = ""
		}
		if ir.HasFilter {
			ix.Filter = ir.Filter
		}
		if t := a.tables[ir.ObjectID]; ix.Kind == "HASH" || (t != nil && t.MemoryOptimized) {
			// Memory-optimized indexes (of tables and table types) have no
			// row/page locks to speak of, and reject the options.
			ix.DisallowRowLocks, ix.DisallowPageLocks = false, false
		}
		cs := cols[key{ir.ObjectID, ir.IndexID}]
		keys := slices.Clone(cs)
		slices.SortStableFunc(keys, func(x, y IndexColumnRow) int {
			return cmp.Or(cmp.Compare(x.KeyOrdinal, y.KeyOrdinal), cmp.Compare(x.IndexColumnID, y.IndexColumnID))
		})
		byID := slices.Clone(cs)
		slices.SortStableFunc(byID, func(x, y IndexColumnRow) int { return cmp.Compare(x.IndexColumnID, y.IndexColumnID) })
		switch ir.Type {
		case 5:
			// A clustered columnstore index covers every column: no list.
		case 6:
			for _, c := range byID {
				ix.Columns = append(ix.Columns, model.IndexColumn{Name: c.Name})
			}
		case 3, 4:
			// XML and spatial indexes have no key: sys.index_columns lists
			// their one column with key_ordinal 0.
			for _, c := range byID {
				if !c.Included {
					ix.Columns = append(ix.Columns, model.IndexColumn{Name: c.Name})
				}
			}
		default:
			for _, c := range keys {
				if c.Included || c.KeyOrdinal == 0 {
					continue
				}
				ix.Columns = append(ix.Columns, model.IndexColumn{Name: c.Name, Descending: c.Descending})
			}
			for _, c := range byID {
				if c.Included {
					ix.Included = append(ix.Included, c.Name)
				}
			}
		}
		if o := a.objects[ir.ObjectID]; o != nil && o.Type == "V" {
			// Indexed view: attach when the module is built.
			m := a.views[ir.ObjectID]
			if m == nil {
				m = &model.Module{}
				a.views[ir.ObjectID] = m
			}
			m.Indexes = append(m.Indexes, ix)
			continue
		}
		t := a.tables[ir.ObjectID]
		if t == nil {
			continue
		}
		switch {
		case ir.IsPrimaryKey:
			t.PrimaryKey = ix
		case ir.IsUniqueCons:
			t.Uniques = append(t.Uniques, ix)
		default:
			t.Indexes = append(t.Indexes, ix)
		}
	}
}

// warnSelectiveXML reports a selective XML index (or a secondary one on
// it), which is left out: scripting it as an ordinary XML index would be
// wrong DDL, and its promoted paths are not in the model.
func (a *assembler) warnSelectiveXML(ir IndexRow) {
	table := fmt.Sprintf("object#%d", ir.ObjectID)
	if o := a.objects[ir.ObjectID]; o != nil {
		table = qname(o.Schema, o.Name)
	}
	kind := "selective XML index"
	if ir.XMLIndexType == 3 {
		kind = "secondary selective XML index"
	}
	a.warn("selective_xml_index", table+"."+ir.Name, "%s %s on %s is not scripted (its promoted paths are not read); recreate it after restore", kind, ir.Name, table)
}

// spatialOptions renders a spatial index's USING ... WITH (...) clause.
func spatialOptions(ir IndexRow) string {
	if ir.Type != 4 || ir.SpatialScheme == "" {
		return ""
	}
	var parts []string
	if len(ir.SpatialBox) == 4 {
		parts = append(parts, "BOUNDING_BOX = ("+strings.Join(ir.SpatialBox, ", ")+")")
	}
	if !strings.HasSuffix(ir.SpatialScheme, "AUTO_GRID") && len(ir.SpatialGrids) == 4 {
		g := make([]string, 4)
		for i, v := range ir.SpatialGrids {
			g[i] = fmt.Sprintf("LEVEL_%d = %s", i+1, v)
		}
		parts = append(parts, "GRIDS = ("+strings.Join(g, ", ")+")")
	}
	if ir.SpatialCellsPerOb > 0 {
		parts = append(parts, "CELLS_PER_OBJECT = "+strconv.Itoa(ir.SpatialCellsPerOb))
	}
	s := "USING " + ir.SpatialScheme
	if len(parts) > 0 {
		s += " WITH (" + strings.Join(parts, ", ") + ")"
	}
	return s
}

func refAction(desc string) string {
	switch desc {
	case "", "NO_ACTION":
		return ""
	}
	return strings.ReplaceAll(desc, "_", " ")
}

func (a *assembler) buildForeignKeys() {
	cols := map[int64][]FKColumnRow{}
	for _, c := range a.rows.FKColumns {
		cols[c.ObjectID] = append(cols[c.ObjectID], c)
	}
	for _, f := range a.rows.ForeignKeys {
		t := a.tables[f.ParentObjectID]
		if t == nil {
			continue
		}
		fk := &model.ForeignKey{
			Name: f.Name, References: model.QName{Schema: f.RefSchema, Name: f.RefName},
			OnDelete: refAction(f.OnDelete), OnUpdate: refAction(f.OnUpdate),
			NotForReplication: f.NFR, Disabled: f.Disabled, NotTrusted: f.NotTrusted, IsSystemNamed: f.IsSystemNamed,
		}
		cs := cols[f.ObjectID]
		slices.SortStableFunc(cs, func(x, y FKColumnRow) int { return cmp.Compare(x.Ordinal, y.Ordinal) })
		for _, c := range cs {
			fk.Columns = append(fk.Columns, c.Column)
			fk.RefColumns = append(fk.RefColumns, c.RefColumn)
		}
		t.ForeignKeys = append(t.ForeignKeys, fk)
	}
}

func (a *assembler) buildTypes(db *model.Database) {
	for _, t := range a.rows.Types {
		if !t.IsUserDefined {
			continue
		}
		switch {
		case t.IsTableType:
			body := a.tables[t.TypeTableObjectID]
			if body == nil {
				body = &model.Table{QName: model.QName{Schema: t.Schema, Name: t.Name}}
			}
			db.TableTypes = append(db.TableTypes, &model.TableType{QName: model.QName{Schema: t.Schema, Name: t.Name}, Table: body})
		case t.IsAssemblyType:
			a.warn("clr_type", qname(t.Schema, t.Name), "CLR user-defined type %s is not scripted (its assembly is not part of the dump)", qname(t.Schema, t.Name))
		default:
			base := a.typeOf(t.SystemTypeID, t.MaxLength, t.Precision, t.Scale)
			db.Types = append(db.Types, &model.UserType{QName: model.QName{Schema: t.Schema, Name: t.Name}, Base: base, Nullable: t.IsNullable,
				BoundDefault: a.bound(t.DefaultObjectID, "D"), BoundRule: a.bound(t.RuleObjectID, "R")})
		}
	}
}

func (a *assembler) buildSequences(db *model.Database) {
	for _, s := range a.rows.Sequences {
		seq := &model.Sequence{
			QName: model.QName{Schema: s.Schema, Name: s.Name},
			Type:  a.typeOf(s.UserTypeID, 0, s.Precision, s.Scale),
			Start: s.Start, Increment: s.Increment, Min: s.Min, Max: s.Max,
			Cycle: s.IsCycling, Current: s.Current, Exhausted: s.IsExhausted, LastUsed: s.LastUsed,
		}
		switch {
		case !s.IsCached:
			zero := 0
			seq.Cache = &zero
		case s.CacheSize != nil:
			n := *s.CacheSize
			seq.Cache = &n
		}
		db.Sequences = append(db.Sequences, seq)
	}
}

func moduleKind(typ string) string {
	switch typ {
	case "V":
		return model.KindView
	case "P":
		return model.KindProcedure
	case "FN", "IF", "TF":
		return model.KindFunction
	}
	return ""
}

func (a *assembler) buildModules(db *model.Database) {
	for _, m := range a.rows.Modules {
		typ := strings.TrimSpace(m.Type)
		name := qname(m.Schema, m.Name)
		kind := moduleKind(typ)
		if typ == "D" || typ == "R" {
			a.buildBindable(db, m, typ)
			continue
		}
		if kind == "" || (!m.HasSQLModule && !m.IsEncrypted) {
			a.warn("clr_module", name, "%s (type %s) is a CLR or extended procedure/function and is not scripted", name, typ)
			continue
		}
		mod := &model.Module{
			QName: model.QName{Schema: m.Schema, Name: m.Name}, Kind: kind, TypeCode: typ,
			Definition: m.Definition, UsesAnsiNulls: m.AnsiNulls, UsesQuotedIdentifier: m.QuotedIdent,
			SchemaBound: m.SchemaBound,
		}
		if m.IsEncrypted || (m.HasSQLModule && m.Definition == nil) {
			mod.Encrypted = true
			mod.Definition = nil
		}
		if v := a.views[m.ObjectID]; v != nil {
			mod.Indexes = v.Indexes
		}
		db.Modules = append(db.Modules, mod)
	}
}

// buildBindable adds a stand-alone default (D) or rule (R).
func (a *assembler) buildBindable(db *model.Database, m ModuleRow, typ string) {
	mod := &model.Module{
		QName: model.QName{Schema: m.Schema, Name: m.Name}, Kind: model.KindDefault, TypeCode: typ,
		Definition: m.Definition, UsesAnsiNulls: m.AnsiNulls, UsesQuotedIdentifier: m.QuotedIdent,
	}
	if m.IsEncrypted || m.Definition == nil {
		mod.Encrypted = true
		mod.Definition = nil
	}
	if typ == "R" {
		mod.Kind = model.KindRule
		db.Rules = append(db.Rules, mod)
		return
	}
	db.Defaults = append(db.Defaults, mod)
}

// bound names the stand-alone default (typ D) or rule (R) with object id
// id, or nil: a DEFAULT constraint (whose parent is its table) is not one.
func (a *assembler) bound(id int64, typ string) *model.QName {
	if id == 0 {
		return nil
	}
	o := a.objects[id]
	if o == nil || o.Type != typ || o.ParentObjectID != 0 {
		return nil
	}
	return &model.QName{Schema: o.Schema, Name: o.Name}
}

func (a *assembler) buildTriggers(db *model.Database) {
	order := map[int64][]model.TriggerOrder{}
	for _, e := range a.rows.TriggerOrder {
		if e.IsFirst {
			order[e.ObjectID] = append(order[e.ObjectID], model.TriggerOrder{Order: "First", Event: e.Event})
		}
		if e.IsLast {
			order[e.ObjectID] = append(order[e.ObjectID], model.TriggerOrder{Order: "Last", Event: e.Event})
		}
	}
	for _, tr := range a.rows.Triggers {
		mod := &model.Module{
			Kind: model.KindTrigger, TypeCode: "TR", Definition: tr.Definition,
			UsesAnsiNulls: tr.AnsiNulls, UsesQuotedIdentifier: tr.QuotedIdent, Disabled: tr.Disabled,
			TriggerOrder: order[tr.ObjectID],
		}
		if tr.IsEncrypted {
			mod.Encrypted = true
			mod.Definition = nil
		}
		slices.SortFunc(mod.TriggerOrder, func(x, y model.TriggerOrder) int {
			return cmp.Or(cmp.Compare(x.Order, y.Order), cmp.Compare(x.Event, y.Event))
		})
		if tr.ParentClass == 0 {
			mod.Name = tr.Name
			if tr.IsCLR {
				a.warn("clr_module", tr.Name, "database trigger %s is a CLR trigger and is not scripted", tr.Name)
				continue
			}
			db.Modules = append(db.Modules, mod)
			continue
		}
		parent := a.objects[tr.ParentID]
		if parent == nil {
			continue
		}
		mod.QName = model.QName{Schema: parent.Schema, Name: tr.Name}
		mod.Parent = &model.QName{Schema: parent.Schema, Name: parent.Name}
		if tr.IsCLR {
			a.warn("clr_module", qname(parent.Schema, tr.Name), "trigger %s is a CLR trigger and is not scripted", qname(parent.Schema, tr.Name))
			continue
		}
		if t := a.tables[tr.ParentID]; t != nil {
			t.Triggers = append(t.Triggers, mod)
			continue
		}
		// INSTEAD OF triggers on views live with the modules, Parent set.
		db.Modules = append(db.Modules, mod)
	}
}

// level1Type maps sys.objects.type to sp_addextendedproperty's level1type.
func level1Type(typ string) string {
	switch typ {
	case "U":
		return "TABLE"
	case "V":
		return "VIEW"
	case "P", "PC", "X", "RF":
		return "PROCEDURE"
	case "FN", "IF", "TF", "FS", "FT":
		return "FUNCTION"
	case "AF":
		return "AGGREGATE"
	case "SO":
		return "SEQUENCE"
	case "SN":
		return "SYNONYM"
	case "TT":
		return "TYPE"
	}
	return ""
}

func (a *assembler) typeTableName(objectID int64) (model.QName, bool) {
	for _, t := range a.rows.Types {
		if t.IsTableType && t.TypeTableObjectID == objectID {
			return model.QName{Schema: t.Schema, Name: t.Name}, true
		}
	}
	return model.QName{}, false
}

// objectLevels returns level0/1 names of a top-level object.
func (a *assembler) objectLevels(o *ObjectRow) (schema, l1type, l1name string, ok bool) {
	if o.Type == "TT" {
		q, ok := a.typeTableName(o.ObjectID)
		return q.Schema, "TYPE", q.Name, ok
	}
	l1 := level1Type(o.Type)
	return o.Schema, l1, o.Name, l1 != ""
}

func (a *assembler) buildExtProps(db *model.Database) {
	for _, e := range a.rows.ExtProps {
		p := &model.ExtendedProperty{Name: e.Name, Value: e.Value, IsNull: e.IsNull}
		if e.BaseType != "nvarchar" {
			p.BaseType = e.BaseType
		}
		if e.IsNull {
			p.Value, p.BaseType = "", ""
		}
		switch e.Class {
		case 0:
		case 1, 2, 7:
			o := a.objects[e.MajorID]
			if o == nil {
				continue // a system object, or one the dump leaves out
			}
			switch o.Type {
			case "PK", "UQ", "F", "C", "D", "TR", "EC":
				parent := a.objects[o.ParentObjectID]
				if parent == nil {
					continue
				}
				sch, l1t, l1n, ok := a.objectLevels(parent)
				if !ok {
					continue
				}
				p.Level0Type, p.Level0Name, p.Level1Type, p.Level1Name = "SCHEMA", sch, l1t, l1n
				p.Level2Type, p.Level2Name = "CONSTRAINT", o.Name
				if o.Type == "TR" {
					p.Level2Type = "TRIGGER"
				}
			default:
				sch, l1t, l1n, ok := a.objectLevels(o)
				if !ok {
					a.warn("extended_property_skipped", qname(o.Schema, o.Name), "extended property %s on %s (type %s) is not scripted", e.Name, qname(o.Schema, o.Name), o.Type)
					continue
				}
				p.Level0Type, p.Level0Name, p.Level1Type, p.Level1Name = "SCHEMA", sch, l1t, l1n
				switch {
				case e.Class == 1 && e.MinorID > 0:
					p.Level2Type, p.Level2Name = "COLUMN", e.MinorName
				case e.Class == 2:
					p.Level2Type, p.Level2Name = "PARAMETER", e.MinorName
				case e.Class == 7:
					p.Level2Type, p.Level2Name = "INDEX", e.MinorName
				}
				if p.Level2Type != "" && p.Level2Name == "" {
					continue
				}
			}
		case 3:
			p.Level0Type, p.Level0Name = "SCHEMA", e.MajorName
		case 4:
			p.Level0Type, p.Level0Name = "USER", e.MajorName
		case 6:
			p.Level0Type, p.Level0Name, p.Level1Type, p.Level1Name = "SCHEMA", e.MajorSchema, "TYPE", e.MajorName
		case 10:
			p.Level0Type, p.Level0Name, p.Level1Type, p.Level1Name = "SCHEMA", e.MajorSchema, "XML SCHEMA COLLECTION", e.MajorName
		default:
			continue
		}
		if p.Level0Type != "" && p.Level0Name == "" {
			continue
		}
		db.ExtendedProperties = append(db.ExtendedProperties, p)
	}
}

func (a *assembler) buildPrincipals(db *model.Database) {
	names := map[int64]string{1: "dbo"}
	for _, p := range a.rows.Principals {
		names[p.PrincipalID] = p.Name
	}
	for _, p := range a.rows.Principals {
		typ := strings.TrimSpace(p.Type)
		mp := &model.Principal{Name: p.Name, Type: typ, DefaultSchema: p.DefaultSchema}
		switch typ {
		case "R", "A":
			if p.OwnerID != 0 {
				mp.Owner = names[p.OwnerID]
				if mp.Owner == "dbo" {
					mp.Owner = ""
				}
			}
			mp.DefaultSchema = ""
			if typ == "A" {
				mp.DefaultSchema = p.DefaultSchema
				a.warn("application_role_password", p.Name, "application role %s is scripted with a placeholder password: its password cannot be read", p.Name)
			}
		default:
			switch {
			case p.AuthType == "NONE" && typ == "S":
				mp.WithoutLogin = true
			case p.AuthType == "DATABASE":
				a.warn("contained_user_password", p.Name, "contained user %s has a password that cannot be read; it is scripted without login", p.Name)
				mp.WithoutLogin = true
			default:
				mp.Login = p.Login
			}
			if mp.DefaultSchema == "dbo" {
				mp.DefaultSchema = ""
			}
		}
		db.Principals = append(db.Principals, mp)
	}
	for _, m := range a.rows.RoleMembers {
		db.RoleMembers = append(db.RoleMembers, model.RoleMember{Role: m.Role, Member: m.Member})
	}
	classes := map[int]string{0: "DATABASE", 1: "OBJECT", 3: "SCHEMA", 6: "TYPE", 10: "XML_SCHEMA_COLLECTION"}
	for _, p := range a.rows.Permissions {
		class, ok := classes[p.Class]
		if !ok {
			a.warn("permission_skipped", p.Grantee, "%s %s to %s (class %d) is not scripted", p.State, p.Permission, p.Grantee, p.Class)
			continue
		}
		perm := model.Permission{State: p.State, Permission: p.Permission, Class: class, Grantee: p.Grantee}
		switch p.Class {
		case 1, 6, 10:
			perm.Schema, perm.Object = p.MajorSchema, p.MajorName
			perm.Column = p.MinorName
		case 3:
			perm.Schema = p.MajorName
		}
		if p.Class != 0 && perm.Schema == "" {
			continue
		}
		db.Permissions = append(db.Permissions, perm)
	}
}

func (a *assembler) buildDependencies(db *model.Database) {
	// Name index for references SQL Server could not bind to an id
	// (deferred name resolution): schema-qualified, else the referencing
	// object's schema, else dbo.
	byName := map[model.QName]*ObjectRow{}
	for i := range a.rows.Objects {
		o := &a.rows.Objects[i]
		if o.ParentObjectID == 0 || o.Type == "TR" {
			byName[model.QName{Schema: o.Schema, Name: o.Name}] = o
		}
	}
	ledgerTables := map[int64]*ObjectRow{}
	for _, t := range a.rows.Tables {
		if t.LedgerViewName == "" {
			continue
		}
		for i := range a.rows.Objects {
			o := &a.rows.Objects[i]
			if tbl := a.objects[t.ObjectID]; tbl != nil && o.Type == "V" && o.Schema == t.LedgerViewSchema && o.Name == t.LedgerViewName {
				ledgerTables[o.ObjectID] = tbl
			}
		}
	}
	seen := map[model.Dependency]bool{}
	for _, d := range a.rows.Dependencies {
		from := a.objects[d.ReferencingID]
		if from == nil {
			continue
		}
		if from.Type == "D" {
			// A default is created inline with its table, so what it uses
			// (a sequence, a function) must exist before the table.
			if p := a.objects[from.ParentObjectID]; p != nil {
				from = p
			}
		}
		var to *ObjectRow
		if d.ReferencedID != 0 {
			to = a.objects[d.ReferencedID]
		} else if d.ReferencedName != "" {
			for _, s := range []string{d.ReferencedSch, from.Schema, "dbo"} {
				if s == "" {
					continue
				}
				if o := byName[model.QName{Schema: s, Name: d.ReferencedName}]; o != nil {
					to = o
					break
				}
			}
		}
		if to != nil {
			if t := ledgerTables[to.ObjectID]; t != nil {
				to = t // a ledger view is created with its table
			}
		}
		if to == nil || to.ObjectID == from.ObjectID {
			continue
		}
		dep := model.Dependency{
			Referencing: model.QName{Schema: from.Schema, Name: from.Name},
			Referenced:  model.QName{Schema: to.Schema, Name: to.Name},
		}
		if seen[dep] {
			continue
		}
		seen[dep] = true
		db.Dependencies = append(db.Dependencies, dep)
	}
}

func cmpQName(x, y model.QName) int {
	return cmp.Or(strings.Compare(x.Schema, y.Schema), strings.Compare(x.Name, y.Name))
}

func indexRank(ix *model.Index) int {
	switch {
	case ix.Kind == "CLUSTERED" || ix.Kind == "CLUSTERED COLUMNSTORE":
		return 0
	case ix.Kind == "XML" && ix.XMLSecondary != "":
		return 2 // a secondary XML index needs its primary first
	}
	return 1
}

func sortIndexes(ixs []*model.Index) {
	slices.SortStableFunc(ixs, func(x, y *model.Index) int {
		return cmp.Or(cmp.Compare(indexRank(x), indexRank(y)), strings.Compare(x.Name, y.Name))
	})
}

func sortTable(t *model.Table) {
	sortIndexes(t.Uniques)
	sortIndexes(t.Indexes)
	slices.SortStableFunc(t.ForeignKeys, func(x, y *model.ForeignKey) int { return strings.Compare(x.Name, y.Name) })
	slices.SortStableFunc(t.Checks, func(x, y *model.Check) int { return strings.Compare(x.Name, y.Name) })
	slices.SortStableFunc(t.Triggers, func(x, y *model.Module) int { return cmpQName(x.QName, y.QName) })
}

// sortDatabase puts every slice in binary name order so the model does not
// depend on object ids or the order rows arrived in.
func sortDatabase(db *model.Database) {
	slices.SortStableFunc(db.Schemas, func(x, y *model.Schema) int { return strings.Compare(x.Name, y.Name) })
	slices.SortStableFunc(db.Types, func(x, y *model.UserType) int { return cmpQName(x.QName, y.QName) })
	slices.SortStableFunc(db.TableTypes, func(x, y *model.TableType) int { return cmpQName(x.QName, y.QName) })
	for _, t := range db.TableTypes {
		sortTable(t.Table)
	}
	slices.SortStableFunc(db.XMLSchemaCollections, func(x, y *model.XMLSchemaCollection) int { return cmpQName(x.QName, y.QName) })
	slices.SortStableFunc(db.Sequences, func(x, y *model.Sequence) int { return cmpQName(x.QName, y.QName) })
	slices.SortStableFunc(db.Synonyms, func(x, y *model.Synonym) int { return cmpQName(x.QName, y.QName) })
	slices.SortStableFunc(db.Tables, func(x, y *model.Table) int { return cmpQName(x.QName, y.QName) })
	for _, t := range db.Tables {
		sortTable(t)
	}
	slices.SortStableFunc(db.Modules, func(x, y *model.Module) int {
		return cmp.Or(cmpQName(x.QName, y.QName), strings.Compare(x.Kind, y.Kind))
	})
	for _, m := range db.Modules {
		sortIndexes(m.Indexes)
	}
	slices.SortStableFunc(db.Defaults, func(x, y *model.Module) int { return cmpQName(x.QName, y.QName) })
	slices.SortStableFunc(db.Rules, func(x, y *model.Module) int { return cmpQName(x.QName, y.QName) })
	slices.SortStableFunc(db.Principals, func(x, y *model.Principal) int { return strings.Compare(x.Name, y.Name) })
	slices.SortStableFunc(db.RoleMembers, func(x, y model.RoleMember) int {
		return cmp.Or(strings.Compare(x.Role, y.Role), strings.Compare(x.Member, y.Member))
	})
	slices.SortStableFunc(db.Permissions, func(x, y model.Permission) int {
		return cmp.Or(strings.Compare(x.Class, y.Class), strings.Compare(x.Schema, y.Schema), strings.Compare(x.Object, y.Object),
			strings.Compare(x.Column, y.Column), strings.Compare(x.Grantee, y.Grantee), strings.Compare(x.Permission, y.Permission),
			strings.Compare(x.State, y.State))
	})
	slices.SortStableFunc(db.ExtendedProperties, func(x, y *model.ExtendedProperty) int {
		return cmp.Or(strings.Compare(x.Level0Type, y.Level0Type), strings.Compare(x.Level0Name, y.Level0Name),
			strings.Compare(x.Level1Type, y.Level1Type), strings.Compare(x.Level1Name, y.Level1Name),
			strings.Compare(x.Level2Type, y.Level2Type), strings.Compare(x.Level2Name, y.Level2Name),
			strings.Compare(x.Name, y.Name))
	})
	slices.SortStableFunc(db.Dependencies, func(x, y model.Dependency) int {
		return cmp.Or(cmpQName(x.Referencing, y.Referencing), cmpQName(x.Referenced, y.Referenced))
	})
}
