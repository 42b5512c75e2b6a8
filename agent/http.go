package agent

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/blob"
)

// Handler serves /healthz and /metrics.
//
// /healthz answers 200 when the processing loop runs, the last receive from
// the broker did not fail, and the blob store answers; otherwise 503, with a
// JSON body naming what is wrong. Load balancers and the Auto Scaling
// Group's health check use it.
func (a *Agent) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(a.gatherer, promhttp.HandlerOpts{}))
	mux.HandleFunc("GET /healthz", a.healthz)
	return mux
}

type health struct {
	Status string `json:"status"`
	Agent  string `json:"agent"`
	Loop   string `json:"loop"`
	Broker string `json:"broker"`
	Blob   string `json:"blob"`
}

func (a *Agent) healthz(w http.ResponseWriter, r *http.Request) {
	h := health{Status: "ok", Agent: a.cfg.AgentID, Loop: "running", Broker: "ok", Blob: "ok"}
	if !a.running.Load() {
		h.Loop, h.Status = "stopped", "unhealthy"
	}
	if e := a.brokerError.Load(); e != nil {
		h.Broker, h.Status = *e, "unhealthy"
	}
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	// Any answer from the store, "not found" included, means it is reachable.
	if _, err := a.cfg.Bucket.Stat(ctx, protocol.FleetPublicKeyKey); err != nil && !errors.Is(err, blob.ErrNotFound) {
		h.Blob, h.Status = err.Error(), "unhealthy"
	}
	w.Header().Set("Content-Type", "application/json")
	if h.Status != "ok" {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(h)
}
