package driver

import "net/http"

// S3ErrorCode classifies an error response of an S3-compatible server (the
// drivers s3blob and minioblob) by its S3 error code, or failing that by its
// HTTP status (0 when unknown). Unknown means neither says more.
func S3ErrorCode(code string, status int) ErrorCode {
	switch code {
	case "NoSuchKey", "NotFound":
		return NotFound
	case "PreconditionFailed":
		return Exists
	case "AccessDenied", "Forbidden", "InvalidAccessKeyId", "SignatureDoesNotMatch", "AllAccessDisabled":
		return PermissionDenied
	case "NoSuchBucket":
		return Unavailable
	case "NotImplemented":
		return NotImplemented
	}
	switch status {
	case http.StatusNotFound:
		return NotFound
	case http.StatusPreconditionFailed:
		return Exists
	case http.StatusForbidden:
		return PermissionDenied
	}
	return Unknown
}
