package catalog

// plainObjectSteps are the plain reads of babelfish_plain_objectss.go.
func plainObjectSteps() map[string]plainStep {
	return map[string]plainStep{}
}
