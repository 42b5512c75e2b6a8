package sqsbroker

import (
	"errors"
	"net"
	"strings"
	"syscall"

	smithy "github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/mssqldump/mssqldump/broker/driver"
	"github.com/mssqldump/mssqldump/internal/openurl"
)

// ErrorCode implements driver.Queue.
func (q *Queue) ErrorCode(err error) driver.ErrorCode { return errorCode(err) }

// ErrorCode classifies errors from URLOpener.OpenQueueURL.
func (o *URLOpener) ErrorCode(err error) driver.ErrorCode { return errorCode(err) }

func errorCode(err error) driver.ErrorCode {
	var inv *openurl.InvalidError
	if errors.As(err, &inv) {
		return driver.InvalidArgument
	}
	if errors.Is(err, errHoldLimit) {
		return driver.LeaseLost
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code, msg := apiErr.ErrorCode(), strings.ToLower(apiErr.ErrorMessage())
		switch {
		case code == "ReceiptHandleIsInvalid", code == "MessageNotInflight",
			strings.Contains(code, "ReceiptHandleIsInvalid"), strings.Contains(code, "MessageNotInflight"),
			code == "InvalidParameterValue" && strings.Contains(msg, "receipthandle"),
			code == "InvalidParameterValue" && strings.Contains(msg, "receipt handle"):
			return driver.LeaseLost
		case strings.Contains(code, "NonExistentQueue"), code == "QueueDoesNotExist",
			strings.Contains(code, "QueueDoesNotExist"), code == "QueueDeletedRecently":
			return driver.NotFound
		case strings.HasPrefix(code, "AccessDenied"), code == "InvalidClientTokenId",
			code == "SignatureDoesNotMatch", code == "UnrecognizedClientException",
			code == "ExpiredToken", code == "KmsAccessDenied":
			return driver.PermissionDenied
		case code == "MessageTooLong", code == "InvalidParameterValue" && strings.Contains(msg, "too long"):
			return driver.TooLarge
		case code == "RequestThrottled", code == "ThrottlingException", code == "ServiceUnavailable",
			code == "InternalError", code == "InternalFailure":
			return driver.Unavailable
		case code == "InvalidParameterValue", code == "InvalidAddress", code == "InvalidAttributeValue":
			return driver.InvalidArgument
		}
		return driver.Unknown
	}
	var sendErr *smithyhttp.RequestSendError
	var netErr net.Error
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &sendErr), errors.As(err, &dnsErr), errors.As(err, &netErr),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET):
		return driver.Unavailable
	}
	return driver.Unknown
}
