// Package errkind is the one error model of the portable packages broker,
// blob and repo, in the shape of gocloud.dev's internal/gcerr: one Code type
// that drivers classify their raw errors into, one Error type carrying the
// operation, the code and the raw error, and sentinels that errors.Is
// matches by code.
//
// Error and Sentinel take a Domain type parameter (each portable package
// declares its own), so that errors.As(err, &blobErr) still tells a blob
// failure from a broker one and blob.ErrNotFound never matches a broker
// error: the model is shared, the values are not mixed.
package errkind
