package catalog

// plainColumnSteps are the plain reads of babelfish_plain_columns.go.
func plainColumnSteps() map[string]plainStep {
	return map[string]plainStep{}
}
