package sqsbroker

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/mssqldump/mssqldump/broker/driver"
	"github.com/mssqldump/mssqldump/internal/openurl"
)

// Schemes this driver is usually registered under.
const (
	Scheme      = "sqs"
	SchemeHTTPS = "sqs+https"
	SchemeHTTP  = "sqs+http"
)

// awsHost matches sqs.<region>.amazonaws.com (and .com.cn).
var awsHost = regexp.MustCompile(`^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$`)

// URLOpener opens sqs://, sqs+https:// and sqs+http:// queue URLs (see the
// package documentation). Register the same opener under all three.
type URLOpener struct{}

// OpenQueueURL implements broker.QueueURLOpener.
func (o *URLOpener) OpenQueueURL(ctx context.Context, u *url.URL) (driver.Queue, error) {
	transport := "https"
	switch strings.ToLower(u.Scheme) {
	case Scheme, SchemeHTTPS:
	case SchemeHTTP:
		transport = "http"
	default:
		return nil, openurl.Invalid(fmt.Errorf("sqs: unsupported scheme %q", u.Scheme))
	}
	if u.User != nil {
		return nil, openurl.Invalid(errors.New("sqs: credentials do not belong in the queue URL; use the AWS environment or shared config"))
	}
	account, name, err := splitQueuePath(u.Path)
	if err != nil {
		return nil, openurl.Invalid(fmt.Errorf("sqs: queue URL %w", err))
	}
	p := openurl.New(u)
	opts := Options{
		Account:     account,
		Name:        name,
		DLQ:         p.String("dlq", ""),
		Lease:       p.Duration("lease", DefaultLease),
		MaxDeliver:  p.Int("max_deliver", DefaultMaxDeliver),
		Create:      p.Bool("create", false),
		Wait:        p.Duration("wait", DefaultWait),
		ReplyPrefix: p.String("reply_prefix", DefaultReplyPrefix),
	}
	region := p.String("region", "")
	endpoint := p.String("endpoint", "")
	if err := p.Err(); err != nil {
		return nil, openurl.Invalid(err)
	}
	if opts.Wait > DefaultWait {
		return nil, openurl.Invalid(fmt.Errorf("sqs: wait=%v: SQS long polls at most 20s", opts.Wait))
	}
	host := strings.ToLower(u.Hostname())
	if m := awsHost.FindStringSubmatch(host); m != nil {
		if region == "" {
			region = m[1]
		}
	} else if endpoint == "" && host != "" {
		endpoint = transport + "://" + u.Host
	}
	client, err := NewClient(ctx, region, endpoint, opts.Wait)
	if err != nil {
		return nil, err
	}
	return OpenQueue(ctx, client, opts)
}

// NewClient makes an SQS client from the AWS default configuration chain
// (environment, shared config, instance roles; AWS_ENDPOINT_URL(_SQS)
// included). region and endpoint override it when not empty. The HTTP
// timeout is above the long-poll wait, and the SDK does not retry: callers
// decide.
func NewClient(ctx context.Context, region, endpoint string, wait time.Duration) (*sqs.Client, error) {
	if wait <= 0 || wait > DefaultWait {
		wait = DefaultWait
	}
	loadOpts := []func(*config.LoadOptions) error{
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(wait + 15*time.Second)),
		config.WithRetryMaxAttempts(1),
	}
	if region != "" {
		loadOpts = append(loadOpts, config.WithRegion(region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, loadOpts...)
	if err != nil {
		// A bad profile, config file or credentials setting: the user's to
		// fix (nothing has contacted SQS yet).
		return nil, openurl.Invalid(fmt.Errorf("sqs: AWS configuration: %w", err))
	}
	if cfg.Region == "" {
		return nil, openurl.Invalid(errors.New("sqs: no AWS region: use an sqs.<region>.amazonaws.com host, ?region=, or AWS_REGION"))
	}
	return sqs.NewFromConfig(cfg, func(o *sqs.Options) {
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	}), nil
}
