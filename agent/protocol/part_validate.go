package protocol

import (
	"fmt"
	"strings"
	"time"
)

// DecodePartJob decodes and validates a part job and the parent job it
// carries, which must be a valid job of the same id whose deadline is not
// before the part's.
func DecodePartJob(b []byte) (*PartJob, *Job, error) {
	var p PartJob
	if err := decode(b, KindPart, &p); err != nil {
		return nil, nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, nil, err
	}
	parent, err := p.ParentJob()
	if err != nil {
		return nil, nil, err
	}
	return &p, parent, nil
}

// ParentJob decodes and validates the parent envelope p carries.
func (p *PartJob) ParentJob() (*Job, error) {
	parent, err := DecodeJob(p.Parent)
	if err != nil {
		return nil, fmt.Errorf("part %d of job %s: parent envelope: %w", p.Part, p.ParentID, err)
	}
	if parent.ID != p.ParentID {
		return nil, invalid("part %d of job %s: the parent envelope is job %s", p.Part, p.ParentID, parent.ID)
	}
	if !parent.Deadline.IsZero() && p.Deadline.After(parent.Deadline) {
		return nil, invalid("part %d of job %s: deadline is after the parent's", p.Part, p.ParentID)
	}
	return parent, nil
}

// DecodePartPlan decodes and validates a plan.
func DecodePartPlan(b []byte) (*PartPlan, error) {
	var p PartPlan
	if err := decode(b, KindPartPlan, &p); err != nil {
		return nil, err
	}
	if err := p.Validate(); err != nil {
		return nil, err
	}
	return &p, nil
}

// DecodePartResult decodes and validates a part result.
func DecodePartResult(b []byte) (*PartResult, error) {
	var r PartResult
	if err := decode(b, KindPartResult, &r); err != nil {
		return nil, err
	}
	if err := r.Validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// Validate checks a part job's own fields (DecodePartJob also checks the
// parent it carries).
func (p *PartJob) Validate() error {
	if p.V != Version {
		return fmt.Errorf("%w: got v=%d, this build speaks v=%d", ErrUnsupportedVersion, p.V, Version)
	}
	if p.Kind != KindPart {
		return invalid("kind %q, want %q", p.Kind, KindPart)
	}
	if err := ValidateJobID(p.ParentID); err != nil {
		return err
	}
	if len(p.Parent) == 0 {
		return invalid("part of job %s: missing parent envelope", p.ParentID)
	}
	if err := ValidatePartToken(p.Token); err != nil {
		return fmt.Errorf("part of job %s: %w", p.ParentID, err)
	}
	if !isHex(p.PlanSHA256, 64) {
		return invalid("part of job %s: plan_sha256 must be 64 lower-case hex digits", p.ParentID)
	}
	if p.Part < 0 {
		return invalid("part of job %s: negative part number %d", p.ParentID, p.Part)
	}
	if p.Parts < 1 || p.Parts > MaxParts || p.Part >= p.Parts {
		return invalid("part of job %s: part %d of %d is outside 0..%d", p.ParentID, p.Part, p.Parts, MaxParts-1)
	}
	if p.Deadline.IsZero() {
		return invalid("part %d of job %s: no deadline", p.Part, p.ParentID)
	}
	return p.Spec.validate(p.ParentID, p.Part)
}

func (s *PartSpec) validate(jobID string, n int) error {
	if strings.TrimSpace(s.Schema) == "" || strings.TrimSpace(s.Table) == "" {
		return invalid("part %d of job %s: empty schema or table", n, jobID)
	}
	if s.Range.Lo != nil && s.Range.Hi != nil && *s.Range.Lo >= *s.Range.Hi {
		return invalid("part %d of job %s: empty key range", n, jobID)
	}
	return nil
}

// Validate checks a plan.
func (p *PartPlan) Validate() error {
	if p.V != Version {
		return fmt.Errorf("%w: got v=%d", ErrUnsupportedVersion, p.V)
	}
	if p.Kind != KindPartPlan {
		return invalid("kind %q, want %q", p.Kind, KindPartPlan)
	}
	if err := ValidateJobID(p.ParentID); err != nil {
		return err
	}
	if !isHex(p.ParentSHA256, 64) {
		return invalid("plan of job %s: parent_sha256 must be 64 lower-case hex digits", p.ParentID)
	}
	if err := ValidatePartToken(p.Token); err != nil {
		return fmt.Errorf("plan of job %s: %w", p.ParentID, err)
	}
	if p.Attempt < 1 {
		return invalid("plan of job %s: attempt %d < 1", p.ParentID, p.Attempt)
	}
	if len(p.Parts) == 0 || len(p.Parts) > MaxParts {
		return invalid("plan of job %s: %d parts, want 1..%d", p.ParentID, len(p.Parts), MaxParts)
	}
	if p.Deadline.IsZero() {
		return invalid("plan of job %s: no deadline", p.ParentID)
	}
	for i := range p.Parts {
		if err := p.Parts[i].validate(p.ParentID, i); err != nil {
			return err
		}
	}
	return nil
}

// Validate checks a part result's own fields; CheckFor checks it answers
// the part its reader expects.
func (r *PartResult) Validate() error {
	if r.V != Version {
		return fmt.Errorf("%w: got v=%d", ErrUnsupportedVersion, r.V)
	}
	if r.Kind != KindPartResult {
		return invalid("kind %q, want %q", r.Kind, KindPartResult)
	}
	if err := ValidateJobID(r.ParentID); err != nil {
		return err
	}
	if err := ValidatePartToken(r.Token); err != nil {
		return fmt.Errorf("part result of job %s: %w", r.ParentID, err)
	}
	switch {
	case r.Part < 0:
		return invalid("part result of job %s: negative part number %d", r.ParentID, r.Part)
	case r.Attempt < 1:
		return invalid("part result of job %s: attempt %d < 1", r.ParentID, r.Attempt)
	case !isHex(r.PlanSHA256, 64) || !isHex(r.SHA256, 64):
		return invalid("part result of job %s: sha256 and plan_sha256 must be 64 lower-case hex digits", r.ParentID)
	case r.ColumnsSHA256 != "" && !isHex(r.ColumnsSHA256, 64):
		return invalid("part result of job %s: columns_sha256 must be 64 lower-case hex digits", r.ParentID)
	case r.Size < 0 || r.StoredSize < 0 || r.Rows < 0:
		return invalid("part result of job %s: negative size or rows", r.ParentID)
	case r.Object == "":
		return invalid("part result of job %s: empty object key", r.ParentID)
	}
	switch r.Compress {
	case CompressZstd, CompressNone:
	default:
		return invalid("part result of job %s: compress %q: want zstd or none", r.ParentID, r.Compress)
	}
	return nil
}

// CheckPlan verifies that p is a part of plan, whose stored bytes have
// the hex SHA-256 planSHA256, and of parent (decoded from p.Parent). Every
// field p repeats must agree, and the plan must fit the parent: a forged
// or altered part job is not read.
func (p *PartJob) CheckPlan(plan *PartPlan, planSHA256 string, parent *Job) error {
	outside := func(what string) error {
		return fmt.Errorf("%w: part %d of job %s: %s", ErrOutsidePlan, p.Part, p.ParentID, what)
	}
	switch {
	case p.PlanSHA256 != planSHA256:
		return outside("the plan's digest differs")
	case plan.ParentID != p.ParentID || plan.Token != p.Token:
		return outside("the plan is another job's")
	case plan.ParentSHA256 != JobSHA256(p.Parent):
		return outside("the plan is for another envelope of the job")
	case p.Parts != len(plan.Parts) || p.Part >= len(plan.Parts):
		return outside(fmt.Sprintf("the plan has %d parts", len(plan.Parts)))
	case !plan.Parts[p.Part].Equal(p.Spec):
		return outside("the table or key range differs from the plan's")
	case !p.Deadline.Equal(plan.Deadline):
		return outside("the deadline differs from the plan's")
	case !parent.FleetParts:
		return outside("the job did not ask for fleet parts")
	case plan.Snapshot != "" && !SnapshotOf(parent.Database, plan.Snapshot):
		return outside("the plan's snapshot is not one of the job's database")
	case plan.Snapshot == "" && parent.Options.Consistency != "none":
		return outside("without a database snapshot only a job with consistency none is shared")
	}
	return nil
}

// Equal reports whether s and o name the same rows.
func (s PartSpec) Equal(o PartSpec) bool {
	eq := func(a, b *int64) bool { return a == nil && b == nil || a != nil && b != nil && *a == *b }
	return s.Schema == o.Schema && s.Table == o.Table && eq(s.Range.Lo, o.Range.Lo) && eq(s.Range.Hi, o.Range.Hi)
}

// CheckFor verifies that r answers part n of the plan with token and
// digest planSHA256 of job parentID, and that its records are where that
// part's records go: a result cannot point the coordinator at an object
// outside the part's own prefix (another job's, or another part's).
func (r *PartResult) CheckFor(parentID, token string, n int, planSHA256 string) error {
	prefix := PartObjectPrefix(parentID, token, n)
	switch {
	case r.ParentID != parentID || r.Token != token || r.Part != n:
		return fmt.Errorf("%w: the result answers part %d of another plan or job", ErrOutsidePlan, r.Part)
	case r.PlanSHA256 != planSHA256:
		return fmt.Errorf("%w: the result of part %d answers another plan", ErrOutsidePlan, n)
	case !strings.HasPrefix(r.Object, prefix) || strings.Contains(r.Object[len(prefix):], "/") ||
		strings.Contains(r.Object, ".."):
		return fmt.Errorf("%w: the records of part %d are outside the part's prefix", ErrOutsidePlan, n)
	}
	return nil
}

// SnapshotOf reports whether snapshot is a name the scripter gives a
// database snapshot of database (its first 100 bytes, "_mssqldump_" and
// 12 hex digits), so that a plan cannot send part readers, with the
// parent's login, into another database.
func SnapshotOf(database, snapshot string) bool {
	base := database
	if len(base) > 100 {
		base = base[:100]
	}
	tag, ok := strings.CutPrefix(snapshot, base+"_mssqldump_")
	return ok && isHex(tag, 12)
}

// PartDeadline is when a coordinator stops waiting for a part another
// agent took and reads it itself: a share of the time left before the
// parent's deadline, so the coordinator still has time to read it.
func PartDeadline(now, parentDeadline time.Time) time.Time {
	if parentDeadline.IsZero() {
		return now.Add(time.Hour)
	}
	return now.Add(parentDeadline.Sub(now) / 2)
}
