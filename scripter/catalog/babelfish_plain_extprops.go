package catalog

// extPropClasses are the classes readExtProps reads (its WHERE ep.class IN
// (...)): database, object or column, parameter, schema, user, type, index
// and XML schema collection.
var extPropClasses = map[int]bool{0: true, 1: true, 2: true, 3: true, 4: true, 6: true, 7: true, 10: true}

// plainExtPropsIfAny runs the joined query of the extended properties
// (readExtProps) only when sys.extended_properties has a row it reads. The
// query stays joined: its values are sql_variants converted on the server
// with CONVERT's styles (extPropValue), which a plain read cannot repeat.
// But most databases have no extended property, and that query costs a
// new Babelfish connection 0.8 s of parsing; the plain look first costs a
// few milliseconds.
func plainExtPropsIfAny(p *plainCatalog, r *Rows) error {
	var class int
	found := false
	err := selectFrom("extended_properties").col("class", nint{&class}).each(p.ctx, p.q, func() error {
		found = found || extPropClasses[class]
		return nil
	})
	if err != nil || !found {
		return err
	}
	r.ExtProps, err = readExtProps(p.ctx, p.q, p.s)
	return err
}
