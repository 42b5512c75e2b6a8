package catalog

// plainConstraintSteps are the plain reads of babelfish_plain_constraints.go.
func plainConstraintSteps() map[string]plainStep {
	return map[string]plainStep{}
}
