package agent

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Job outcomes, the "status" label of the job metrics.
const (
	outcomeOK          = "ok"
	outcomeFailed      = "failed"
	outcomeCanceled    = "canceled"
	outcomeExpired     = "expired"
	outcomeAlreadyDone = "already_done"
	outcomeRetried     = "retried"       // nacked for a later attempt
	outcomeDeadLetter  = "dead_lettered" // poison message, terminated
	outcomeAbandoned   = "abandoned"     // lease lost: another agent has it
	outcomeDrained     = "drained"       // handed back at shutdown
)

type metrics struct {
	jobs        *prometheus.CounterVec
	duration    *prometheus.HistogramVec
	bytes       prometheus.Counter
	storedBytes prometheus.Counter
	inFlight    prometheus.Gauge
	heartbeats  *prometheus.CounterVec
	leaseLost   prometheus.Counter
	replies     *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		jobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "mssqldump", Subsystem: "agent", Name: "jobs_total",
			Help: "Jobs handled, by outcome (ok, failed, canceled, expired, already_done, retried, dead_lettered, abandoned, drained).",
		}, []string{"status"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Namespace: "mssqldump", Subsystem: "agent", Name: "job_duration_seconds",
			Help: "Time from receiving a job to settling it, by outcome.",
			// 10 ms .. ~1.5 h: from an already-done job to a large database.
			Buckets: prometheus.ExponentialBuckets(0.01, 3, 13),
		}, []string{"status"}),
		bytes: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "mssqldump", Subsystem: "agent", Name: "dump_bytes_total",
			Help: "Uncompressed script bytes produced by finished dumps.",
		}),
		storedBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "mssqldump", Subsystem: "agent", Name: "stored_bytes_total",
			Help: "Bytes uploaded to the blob store by finished dumps (after compression).",
		}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Namespace: "mssqldump", Subsystem: "agent", Name: "jobs_in_flight",
			Help: "Jobs being worked on now.",
		}),
		heartbeats: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "mssqldump", Subsystem: "agent", Name: "heartbeats_total",
			Help: "Lease extensions, by result (ok, error).",
		}, []string{"result"}),
		leaseLost: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "mssqldump", Subsystem: "agent", Name: "lease_lost_total",
			Help: "Jobs whose lease was lost mid-work (the work was stopped; another agent retries it).",
		}),
		replies: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "mssqldump", Subsystem: "agent", Name: "replies_total",
			Help: "Messages sent to reply inboxes, by kind (progress, reply) and result (ok, error).",
		}, []string{"kind", "result"}),
	}
	// Every series exists from the start, so dashboards and alerts see a
	// zero instead of nothing.
	for _, o := range []string{outcomeOK, outcomeFailed, outcomeCanceled, outcomeExpired, outcomeAlreadyDone,
		outcomeRetried, outcomeDeadLetter, outcomeAbandoned, outcomeDrained} {
		m.jobs.WithLabelValues(o)
	}
	m.heartbeats.WithLabelValues("ok")
	m.heartbeats.WithLabelValues("error")
	for _, c := range []prometheus.Collector{m.jobs, m.duration, m.bytes, m.storedBytes, m.inFlight, m.heartbeats, m.leaseLost, m.replies} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}
