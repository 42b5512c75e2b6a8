// Package broker is the portable job queue used between the mssqldump CLI and
// its agents: one work queue of small JSON job envelopes, a dead-letter queue,
// and per-invocation reply inboxes.
//
// A Queue wraps a driver.Queue (broker/jetstreambroker, broker/sqsbroker)
// and adds what every driver shares: the size check against MaxMessageSize
// (an oversize message never reaches the driver), closed checks, local lease
// book-keeping (Extend after the lease ran out reports ErrLeaseLost even when
// the broker cannot tell), context handling, and error wrapping so that
// errors.Is works with ErrUnavailable, ErrLeaseLost, ErrTooLarge, ErrClosed
// and ErrSettled whatever the driver.
//
// Delivery is at least once. A message is held by one receiver for the
// queue's lease; the receiver keeps it with Extend (heartbeats), and either
// Acks it (done), Nacks it (try again later) or Terms it (dead-letter now).
// A message that is not settled before its lease runs out is redelivered with
// Attempt()+1; after the queue's maximum attempts it goes to the dead-letter
// queue.
//
// Drivers are registered explicitly in a Registry (no init side effects);
// only cmd/internal/drivers knows the concrete drivers.
package broker
