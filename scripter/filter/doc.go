// Package filter decides which objects of a catalog a dump keeps.
//
// Compile turns a Spec (the selection half of scripter.Options) into a
// Filter, validating every pattern before any connection is made; Apply
// prunes a *model.Database in place. Apply runs in stages, each a small
// function with one concern, in an order that matters: a later stage keeps
// what an earlier one kept objects need (a kept table keeps its history
// table, alias types and bound defaults; a kept object keeps its schema;
// a kept principal keeps its memberships). Every stage reads and extends
// one kept set, so the order is written once, in Apply.
//
// The package knows the model and nothing else: ddl scripts whatever
// Apply leaves, and decides no selection of its own.
package filter
