package catalog

import (
	"slices"
	"sort"
	"strings"
)

// An engine that speaks T-SQL need not have every catalog view or built-in
// function SQL Server has: Babelfish for PostgreSQL has no
// XML_SCHEMA_NAMESPACE and no sys.parameters (only sys.all_parameters). The
// reader probes, once per dump, for every view and function it uses
// (DetectServer), and a step whose view is missing reads nothing and says
// so in a warning instead of failing the dump. A probe never runs a query
// that could fail: on Babelfish a failed statement aborts the whole
// transaction, the dump's snapshot with it.

// WarnEngineLacks is the warning code for catalog views or functions this
// engine does not have: the objects they describe are not in the script.
const WarnEngineLacks = "engine_lacks_catalog"

// catalogViews are the sys.* views the reader queries, without "sys.".
var catalogViews = []string{
	"all_columns", "all_objects", "all_parameters", "change_tracking_tables", "check_constraints", "columns",
	"computed_columns", "data_spaces", "database_permissions", "database_principals",
	"database_role_members", "databases", "default_constraints", "extended_properties",
	"foreign_key_columns", "foreign_keys", "hash_indexes", "identity_columns", "index_columns",
	"indexes", "key_constraints", "masked_columns", "objects", "parameters", "partitions", "schemas",
	"sequences", "spatial_index_tessellations", "sql_expression_dependencies", "sql_modules",
	"stats", "synonyms", "table_types", "tables", "trigger_events", "triggers", "types", "views",
	"xml_indexes", "xml_schema_collections",
}

// catalogFunctions are the built-in functions the reader calls that an
// engine may lack. SQL Server's built-ins are not rows of sys.all_objects,
// so a function counts as missing only on an engine that lists its
// built-ins there (Babelfish lists them as sys functions) and does not list
// this one; probeFunction tells which kind of engine this is.
var catalogFunctions = []string{"xml_schema_namespace", "ident_seed", "ident_incr", "ident_current"}

// probeFunction is a built-in every T-SQL engine has: when sys.all_objects
// lists it, the engine lists its built-in functions there.
const probeFunction = "objectproperty"

// probedNames are the sys objects DetectServer looks up, lower case.
func probedNames() []string {
	names := slices.Concat(gatedViews, catalogViews, catalogFunctions, []string{probeFunction})
	slices.Sort(names)
	return slices.Compact(names)
}

// Lacks reports whether the probe found that this engine has no catalog
// view sys.<name>. Before a probe (a Server built by NewServer without
// WithCatalog) nothing is missing.
func (s *Server) Lacks(view string) bool {
	return s.probed && !s.views[strings.ToLower(view)]
}

// HasFunction reports whether the built-in function name (any case) may be
// called on this engine.
func (s *Server) HasFunction(name string) bool {
	if !s.probed || !s.listsBuiltins {
		return true
	}
	return s.views[strings.ToLower(name)]
}

// WithCatalog marks s as probed, with exactly these sys views and
// functions present (lower case names): tests use it to stand for an
// engine that lacks some.
func (s *Server) WithCatalog(names ...string) *Server {
	s.probed = true
	for _, n := range names {
		n = strings.ToLower(n)
		s.views[n] = true
		if n == probeFunction {
			s.listsBuiltins = true
		}
	}
	return s
}

// missingViews returns those of views this engine lacks, sorted.
func (s *Server) missingViews(views ...string) []string {
	var out []string
	for _, v := range views {
		if s.Lacks(v) {
			out = append(out, "sys."+v)
		}
	}
	sort.Strings(out)
	return out
}
