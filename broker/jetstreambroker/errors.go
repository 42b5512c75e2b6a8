package jetstreambroker

import (
	"errors"
	"net"
	"syscall"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/mssqldump/mssqldump/broker/driver"
	"github.com/mssqldump/mssqldump/internal/openurl"
)

// ErrorCode implements driver.Queue.
func (q *Queue) ErrorCode(err error) driver.ErrorCode { return errorCode(err) }

// ErrorCode classifies errors from URLOpener.OpenQueueURL.
func (o *URLOpener) ErrorCode(err error) driver.ErrorCode { return errorCode(err) }

func errorCode(err error) driver.ErrorCode {
	var apiErr *jetstream.APIError
	var inv *openurl.InvalidError
	var netErr net.Error
	switch {
	case err == nil:
		return driver.Unknown
	case errors.As(err, &inv):
		return driver.InvalidArgument
	case errors.Is(err, errGone):
		return driver.LeaseLost
	case errors.Is(err, nats.ErrMaxPayload):
		return driver.TooLarge
	case errors.Is(err, jetstream.ErrStreamNotFound), errors.Is(err, jetstream.ErrConsumerNotFound),
		errors.Is(err, nats.ErrBadSubject):
		return driver.NotFound
	case errors.Is(err, nats.ErrPermissionViolation), errors.Is(err, nats.ErrAuthorization),
		errors.Is(err, nats.ErrAuthExpired), errors.Is(err, nats.ErrAuthRevoked):
		return driver.PermissionDenied
	case errors.Is(err, nats.ErrNoServers), errors.Is(err, nats.ErrConnectionClosed),
		errors.Is(err, nats.ErrConnectionDraining), errors.Is(err, nats.ErrConnectionReconnecting),
		errors.Is(err, nats.ErrTimeout), errors.Is(err, nats.ErrNoResponders),
		errors.Is(err, jetstream.ErrNoStreamResponse), errors.Is(err, jetstream.ErrJetStreamNotEnabled),
		errors.Is(err, jetstream.ErrJetStreamNotEnabledForAccount), errors.Is(err, jetstream.ErrNoHeartbeat),
		errors.Is(err, nats.ErrStaleConnection), errors.Is(err, syscall.ECONNREFUSED):
		return driver.Unavailable
	case errors.As(err, &apiErr):
		switch apiErr.ErrorCode {
		case jetstream.JSErrCodeStreamNotFound, jetstream.JSErrCodeConsumerNotFound:
			return driver.NotFound
		case jetstream.JSErrCodeStreamMessageExceedsMaximum:
			return driver.TooLarge
		}
		if apiErr.Code == 503 {
			return driver.Unavailable
		}
	case errors.As(err, &netErr):
		return driver.Unavailable
	}
	return driver.Unknown
}
