package agent

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mssqldump/mssqldump/agent/protocol"
	"github.com/mssqldump/mssqldump/repo"
	"github.com/mssqldump/mssqldump/scripter"
)

// backup runs a backup job: the script streams into the repository named by
// Job.Repo as a new snapshot (only the parts that changed since the parent
// snapshot are uploaded), and the manifest records the snapshot. A job
// redelivered after its snapshot was committed (the agent died before
// recording the manifest) finds that snapshot and dumps nothing.
func (r *run) backup(jobCtx, workCtx context.Context) (*protocol.Manifest, error) {
	a, job := r.a, r.job
	if a.cfg.OpenRepoBucket == nil {
		return nil, &DumpError{Code: protocol.ErrCodeInvalidJob, Message: "this agent does not write backup repositories"}
	}
	if job.Options.Format != "" && job.Options.Format != "sql" {
		return nil, &DumpError{Code: protocol.ErrCodeInvalidJob, Message: "a backup stores the sql format; cat --format zip makes the zip"}
	}
	user, password, err := r.login(jobCtx)
	if err != nil {
		return nil, err
	}
	b, err := a.cfg.OpenRepoBucket(jobCtx, job.Repo)
	if err != nil {
		return nil, &DumpError{Code: protocol.ErrCodeInvalidJob, Message: fmt.Sprintf("repository: %v", err), Err: err}
	}
	defer b.Close()
	rp, err := repo.OpenOrInit(jobCtx, b, repo.Options{})
	if err != nil {
		return nil, fmt.Errorf("open repository: %w", err)
	}
	snap, err := rp.SnapshotOfJob(jobCtx, job.ID)
	var stats *scripter.Stats
	switch {
	case err == nil:
		r.log.Info("backup job already has a committed snapshot; not dumping again", "snapshot", snap.ID)
	case errors.Is(err, repo.ErrSnapshotNotFound):
		snap, stats, err = r.backupInto(jobCtx, workCtx, rp, user, password)
	}
	if err != nil {
		return nil, err
	}
	if stats == nil {
		stats = &scripter.Stats{}
	}
	return a.recordManifest(workCtx, r.backupManifest(snap, stats), r.log)
}

// backupInto dumps the job's database into a new snapshot of rp.
func (r *run) backupInto(jobCtx, workCtx context.Context, rp *repo.Repository, user, password string) (*repo.Snapshot, *scripter.Stats, error) {
	a, job := r.a, r.job
	options, err := json.Marshal(job.Options)
	if err != nil {
		return nil, nil, err
	}
	bk, err := rp.NewBackup(jobCtx, repo.BackupInfo{Database: job.Database, Server: serverName(job.Server), Options: options, Job: job.ID})
	if err != nil {
		return nil, nil, fmt.Errorf("start backup: %w", err)
	}
	// The pipeline without compression gives the progress counter and the
	// script's SHA-256, the same figures a dump's manifest carries.
	p, err := newPipeline(bk, protocol.CompressNone)
	if err != nil {
		bk.Abort()
		return nil, nil, err
	}
	prog := a.startProgress(workCtx, r, p)
	layout := &scripter.Layout{}
	req := &DumpRequest{Job: job, User: user, Password: password, Progress: prog.update, Layout: layout}
	stats, err := a.cfg.Source.Dump(jobCtx, req, p)
	if err == nil {
		err = p.Close()
	} else {
		p.abort()
	}
	prog.stop()
	if err == nil {
		err = context.Cause(jobCtx)
	}
	var snap *repo.Snapshot
	if err == nil {
		setLayout(bk, layout)
		snap, err = bk.Commit()
	}
	if err != nil {
		bk.Abort()
		return nil, nil, redactErr(err, password)
	}
	if snap.ScriptSHA256 != p.SHA256() {
		return nil, nil, errors.New("repository snapshot does not match the script dumped (SHA-256)")
	}
	return snap, stats, nil
}

// setLayout stores the script's layout with the snapshot, when the source
// recorded one.
func setLayout(bk *repo.Backup, l *scripter.Layout) {
	if l.Header == 0 && len(l.Entries) == 0 {
		return
	}
	if raw, err := json.Marshal(l); err == nil {
		bk.SetLayout(raw)
	}
}

// backupManifest is the job manifest that records snapshot snap.
func (r *run) backupManifest(snap *repo.Snapshot, stats *scripter.Stats) *protocol.Manifest {
	a, job := r.a, r.job
	m := &protocol.Manifest{
		JobID: job.ID, Attempt: r.d.Attempt(), AgentID: a.cfg.AgentID, JobSHA256: r.jobSHA256,
		// No object is stored for a backup; the key this attempt's dump
		// would have had keeps the manifest valid and names nothing.
		Object: protocol.ObjectKey(job.ID, r.d.Attempt(), a.writerFor(r.worker), "sql", protocol.CompressNone),
		SHA256: snap.ScriptSHA256, Size: snap.ScriptSize, StoredSize: snap.BytesAdded,
		Compress: protocol.CompressNone, Format: "sql", Finished: time.Now().UTC(), Stats: protocol.StatsFrom(*stats),
		Snapshot: &protocol.RepoSnapshot{ID: snap.ID, Parent: snap.Parent, Parts: snap.Parts, NewParts: snap.NewParts, BytesAdded: snap.BytesAdded},
	}
	a.metrics.bytes.Add(float64(m.Size))
	a.metrics.storedBytes.Add(float64(m.StoredSize))
	return m
}

// serverName is how a snapshot names its server: host, host\instance or
// host,port, as the CLI's -h accepts it.
func serverName(s protocol.Server) string {
	name := s.Host
	if s.Instance != "" {
		name += `\` + s.Instance
	}
	if s.Port != 0 {
		name += "," + strconv.Itoa(s.Port)
	}
	return name
}
