// Command mssqldump-healthcheck probes the agent's health endpoint for
// container health checks. The agent image is distroless (no shell, no
// curl), so the image carries this static binary instead.
//
//	mssqldump-healthcheck [URL]    (default http://127.0.0.1:9090/healthz)
//
// Exit status 0 when the endpoint answers 2xx within the timeout, 1 otherwise.
package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

const defaultURL = "http://127.0.0.1:9090/healthz"

func main() {
	url := defaultURL
	if len(os.Args) > 1 {
		url = os.Args[1]
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := probe(ctx, url); err != nil {
		fmt.Fprintln(os.Stderr, "mssqldump-healthcheck:", err)
		os.Exit(1)
	}
}

// probe returns nil when url answers with a 2xx status.
func probe(ctx context.Context, url string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("%s: %s: %s", url, resp.Status, body)
	}
	return nil
}
