package scripter

import (
	"archive/zip"
	"compress/flate"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/cespare/xxhash/v2"
	"github.com/mssqldump/mssqldump/scripter/ddl"
	"github.com/mssqldump/mssqldump/scripter/model"
)

// The zip format: one file per object in a folder per type (tables/,
// views/, procedures/, ...), data/<schema>.<table>.sql per table with rows,
// and restore-order.txt listing every file in the order to run them.
// Entries are written in restore order with a fixed time and a fixed
// compressor, so identical databases give byte-identical archives.

// RestoreOrderFile lists the archive's files in restore order, one per line.
const RestoreOrderFile = "restore-order.txt"

// zipTime is every entry's modification time: the MS-DOS epoch, so that
// archives of identical databases are byte-identical.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

var zipFolders = map[string]string{
	ddl.TypeSettings:            "settings",
	ddl.TypeDrop:                "drops",
	ddl.TypeUser:                "users",
	ddl.TypeRole:                "roles",
	ddl.TypeSchema:              "schemas",
	ddl.TypeXMLSchemaCollection: "xml_schema_collections",
	ddl.TypeDefault:             "defaults",
	ddl.TypeRule:                "rules",
	ddl.TypeAliasType:           "types",
	ddl.TypeTableType:           "table_types",
	ddl.TypeSequence:            "sequences",
	ddl.TypeTable:               "tables",
	ddl.TypeSynonym:             "synonyms",
	ddl.TypeView:                "views",
	ddl.TypeFunction:            "functions",
	ddl.TypeProcedure:           "procedures",
	ddl.TypeUnique:              "constraints",
	ddl.TypeIndex:               "indexes",
	ddl.TypeForeignKey:          "foreign_keys",
	ddl.TypeCheck:               "constraints",
	ddl.TypeBinding:             "bindings",
	ddl.TypeTrigger:             "triggers",
	ddl.TypeSystemVersioning:    "system_versioning",
	ddl.TypeVersioningOff:       "system_versioning",
	ddl.TypeConstraintsOff:      "constraints_off",
	ddl.TypeConstraintsOn:       "constraints_on",
	ddl.TypeTriggersOff:         "triggers_off",
	ddl.TypeTriggersOn:          "triggers_on",
	ddl.TypeExtendedProperty:    "extended_properties",
	ddl.TypeRoleMember:          "role_members",
	ddl.TypePermission:          "permissions",
}

type zipSink struct {
	zw    *zip.Writer
	order []string
	used  map[string]bool // lower-cased paths: unique on case-insensitive file systems too
	hdr   string
	// settings is the current section's session-settings batch. Every
	// file starts with it, so that each file restores correctly on its own
	// session too (sqlcmd -i per file starts with QUOTED_IDENTIFIER OFF,
	// which filtered indexes and indexed views reject).
	settings string
}

func newZipSink(w io.Writer) *zipSink {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.DefaultCompression)
	})
	return &zipSink{zw: zw, used: map[string]bool{}}
}

func (z *zipSink) create(path string) (io.Writer, error) {
	z.order = append(z.order, path)
	return z.zw.CreateHeader(&zip.FileHeader{Name: path, Method: zip.Deflate, Modified: zipTime})
}

// unique makes path unique (case-insensitively) by adding ~2, ~3 ... before
// the extension; objects come in a fixed order, so the suffixes are stable.
func (z *zipSink) unique(path string) string {
	base, ext := strings.TrimSuffix(path, ".sql"), ".sql"
	p := path
	for i := 2; z.used[strings.ToLower(p)]; i++ {
		p = fmt.Sprintf("%s~%d%s", base, i, ext)
	}
	z.used[strings.ToLower(p)] = true
	return p
}

func (z *zipSink) header(text string) error {
	z.hdr = text
	return nil
}

func (z *zipSink) object(o ddl.Object) error {
	folder, ok := zipFolders[o.Type]
	if !ok {
		folder = fileName(o.Type)
	}
	var name string
	switch {
	case o.Type == ddl.TypeSettings:
		name = o.QName.Name // pre-data / post-data
	case o.Parent.Name != "":
		name = o.Parent.Schema + "." + o.Parent.Name + "." + o.QName.Name
	case o.QName.Schema != "":
		name = o.QName.Schema + "." + o.QName.Name
	default:
		name = o.QName.Name
	}
	if name == "" {
		name = o.Type
	}
	path := z.unique(folder + "/" + fileName(name) + ".sql")
	fw, err := z.create(path)
	if err != nil {
		return err
	}
	if o.Type == ddl.TypeSettings {
		z.settings = o.Text
	} else if _, err := io.WriteString(fw, z.settings); err != nil {
		return err
	}
	_, err = io.WriteString(fw, o.Text)
	return err
}

// table's entry is created on the first write, so a table without rows
// and without a reseed has no data file.
func (z *zipSink) table(t *model.Table) io.Writer {
	return &lazyEntry{z: z, path: "data/" + fileName(t.Schema+"."+t.Name) + ".sql"}
}

type lazyEntry struct {
	z    *zipSink
	path string
	w    io.Writer
}

func (l *lazyEntry) Write(p []byte) (int, error) {
	if l.w == nil {
		w, err := l.z.create(l.z.unique(l.path))
		if err != nil {
			return 0, err
		}
		if _, err := io.WriteString(w, l.z.settings); err != nil {
			return 0, err
		}
		l.w = w
	}
	return l.w.Write(p)
}

func (z *zipSink) finish(trailer string) error {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimRight(z.hdr, "\n"), "\n") {
		if line == "" {
			continue
		}
		b.WriteString("#")
		b.WriteString(strings.TrimPrefix(line, "--"))
		b.WriteString("\n")
	}
	b.WriteString("# Run these files in this order (for example: while read f; do sqlcmd -f 65001 -b -i \"$f\"; done).\n")
	for _, p := range z.order {
		b.WriteString(p)
		b.WriteString("\n")
	}
	fw, err := z.zw.CreateHeader(&zip.FileHeader{Name: RestoreOrderFile, Method: zip.Deflate, Modified: zipTime})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(fw, b.String()); err != nil {
		return err
	}
	if trailer != "" {
		if err := z.zw.SetComment(strings.TrimSpace(strings.TrimPrefix(trailer, "--"))); err != nil {
			return err
		}
	}
	return z.zw.Close()
}

// fileName makes an object name safe as one path element on every file
// system: path separators, characters Windows rejects, control characters,
// '%' and leading dots are %XX-escaped, and overlong names are cut with a
// hash of the full name so they stay unique.
func fileName(s string) string {
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == utf8.RuneError,
			r < 0x20, r == 0x7f, strings.ContainsRune(`/\:*?"<>|%`, r),
			r == '.' && i == 0,
			unicode.IsSpace(r) && r != ' ':
			for _, c := range []byte(string(r)) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		default:
			b.WriteRune(r)
		}
	}
	out := b.String()
	if strings.HasSuffix(out, " ") || strings.HasSuffix(out, ".") {
		out = out[:len(out)-1] + fmt.Sprintf("%%%02X", out[len(out)-1])
	}
	const maxLen = 180
	if len(out) > maxLen {
		cut := maxLen
		for cut > 0 && !utf8.RuneStart(out[cut]) {
			cut--
		}
		out = fmt.Sprintf("%s~%016x", out[:cut], xxhash.Sum64String(s))
	}
	return out
}
