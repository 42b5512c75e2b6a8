package driver

import (
	"fmt"
	"strings"

	"github.com/mssqldump/mssqldump/internal/openurl"
)

// Multipart upload settings shared by the S3-compatible drivers (s3blob,
// minioblob).
const (
	// DefaultPartSize caps a streamed object at 10,000 × 16 MiB = 156 GiB.
	DefaultPartSize = 16 << 20
	// DefaultConcurrency parts upload in parallel.
	DefaultConcurrency = 2
	// MinPartSize is S3's minimum size of every part but the last.
	MinPartSize = 5 << 20
)

// MultipartOptions returns partSize and concurrency with a zero value
// replaced by DefaultPartSize or DefaultConcurrency, after checking that the
// part size is at least MinPartSize and that the key prefix neither starts
// with "/" nor contains "//".
func MultipartOptions(prefix string, partSize int64, concurrency int) (int64, int, error) {
	if partSize == 0 {
		partSize = DefaultPartSize
	}
	if partSize < MinPartSize {
		return 0, 0, openurl.Invalid(fmt.Errorf("part size %d is below S3's minimum of %d bytes (5 MiB)", partSize, MinPartSize))
	}
	if concurrency == 0 {
		concurrency = DefaultConcurrency
	}
	if prefix != "" && (strings.HasPrefix(prefix, "/") || strings.Contains(prefix, "//")) {
		return 0, 0, openurl.Invalid(fmt.Errorf("prefix %q must not start with / or contain //", prefix))
	}
	return partSize, concurrency, nil
}
