// Package blob is the portable, stream-first object store used by the agent
// and the CLI. A Bucket wraps a small driver (blob/driver); drivers exist for
// a local directory (fileblob), S3 (s3blob) and MinIO (minioblob).
//
// Writes are atomic: a Writer's object becomes visible only when Close
// returns nil. Cancelling the Writer's context before Close aborts the
// write, leaves nothing behind and keeps any previous object at the key.
//
// Errors wrap the driver's raw error and match the sentinels below with
// errors.Is:
//
//	if errors.Is(err, blob.ErrNotFound) { ... }
//
// Drivers are opened by URL through an explicit Registry (see
// cmd/internal/drivers); nothing registers itself at init time.
package blob
