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
// snapshot are uploaded), and the manifest records the snapshot.
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
	options, err := json.Marshal(job.Options)
	if err != nil {
		return nil, err
	}
	bk, err := rp.NewBackup(jobCtx, repo.BackupInfo{Database: job.Database, Server: serverName(job.Server), Options: options})
	if err != nil {
		return nil, fmt.Errorf("start backup: %w", err)
	}
	// The pipeline without compression gives the progress counter and the
	// script's SHA-256, the same figures a dump's manifest carries.
	p, err := newPipeline(bk, protocol.CompressNone)
	if err != nil {
		bk.Abort()
		return nil, err
	}
	prog := a.startProgress(workCtx, r, p)
	req := &DumpRequest{Job: job, User: user, Password: password, Progress: prog.update}
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
		snap, err = bk.Commit()
	}
	if err != nil {
		bk.Abort()
		return nil, redactErr(err, password)
	}
	if snap.ScriptSHA256 != p.SHA256() {
		return nil, errors.New("repository snapshot does not match the script dumped (SHA-256)")
	}
	if stats == nil {
		stats = &scripter.Stats{}
	}
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
	return a.recordManifest(workCtx, m, r.log)
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
