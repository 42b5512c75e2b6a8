package driver

import "testing"

func TestS3ErrorCode(t *testing.T) {
	for _, c := range []struct {
		code   string
		status int
		want   ErrorCode
	}{
		{"NoSuchKey", 404, NotFound},
		{"", 404, NotFound},
		{"PreconditionFailed", 412, Exists},
		{"", 412, Exists},
		{"AccessDenied", 403, PermissionDenied},
		{"Forbidden", 0, PermissionDenied},
		{"", 403, PermissionDenied},
		{"NoSuchBucket", 404, Unavailable},
		{"NotImplemented", 501, NotImplemented},
		{"InternalError", 500, Unknown},
		{"", 0, Unknown},
	} {
		if got := S3ErrorCode(c.code, c.status); got != c.want {
			t.Errorf("S3ErrorCode(%q, %d) = %v, want %v", c.code, c.status, got, c.want)
		}
	}
}
