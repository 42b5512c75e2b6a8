package protocol

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const sampleToken = "0123456789abcdef0123456789abcdef"

func i64(v int64) *int64 { return &v }

// fleetParent is sampleJob as a fleet dump, encoded as the CLI sends it.
func fleetParent(t *testing.T) (*Job, []byte) {
	t.Helper()
	j := sampleJob()
	j.FleetParts = true
	b, err := Encode(j)
	if err != nil {
		t.Fatal(err)
	}
	return j, b
}

func samplePlan(t *testing.T) *PartPlan {
	_, parent := fleetParent(t)
	return &PartPlan{
		ParentID: "01JD5Z8Q3V6W7X8Y9Z0ABCDEF", ParentSHA256: JobSHA256(parent), Token: sampleToken,
		Attempt: 1, AgentID: "agent-7", Snapshot: "Sales_mssqldump_0a1b2c3d4e5f", Collation: "SQL_Latin1_General_CP1_CI_AS",
		Created: created.Add(time.Minute), Deadline: created.Add(61 * time.Minute),
		Parts: []PartSpec{
			{Schema: "dbo", Table: "Customers"},
			{Schema: "dbo", Table: "Orders", Range: KeyRange{Hi: i64(500000)}},
			{Schema: "dbo", Table: "Orders", Range: KeyRange{Lo: i64(500000)}},
		},
	}
}

// samplePart is part 1 of samplePlan, with the plan's digest.
func samplePart(t *testing.T) (*PartJob, *PartPlan, string) {
	t.Helper()
	_, parent := fleetParent(t)
	plan := samplePlan(t)
	pb, err := Encode(plan)
	if err != nil {
		t.Fatal(err)
	}
	p := &PartJob{ParentID: plan.ParentID, Parent: parent, Token: sampleToken, PlanSHA256: JobSHA256(pb),
		Part: 1, Parts: 3, Spec: plan.Parts[1], Deadline: plan.Deadline}
	return p, plan, JobSHA256(pb)
}

func samplePartResult() *PartResult {
	return &PartResult{
		ParentID: "01JD5Z8Q3V6W7X8Y9Z0ABCDEF", Token: sampleToken, Part: 1, PlanSHA256: strings.Repeat("ef", 32),
		Attempt: 1, AgentID: "agent-8",
		Object: PartObjectKey("01JD5Z8Q3V6W7X8Y9Z0ABCDEF", sampleToken, 1, 1, "agent-8-0a1b2c3d-w0", CompressZstd),
		SHA256: strings.Repeat("ab", 32), Size: 4096, StoredSize: 1024, Compress: CompressZstd, Rows: 500,
		ColumnsSHA256: strings.Repeat("12", 32), Counts: Counts{Tables: 1, Rows: 500, Bytes: 4096},
		Finished: created.Add(5 * time.Minute),
	}
}

func TestPartJobEnvelopeMatchesGoldenFile(t *testing.T) {
	p, _, _ := samplePart(t)
	golden(t, "part.json", p, func(b []byte) (any, error) { p, _, err := DecodePartJob(b); return p, err })
}

func TestPartPlanMatchesGoldenFile(t *testing.T) {
	golden(t, "part-plan.json", samplePlan(t), func(b []byte) (any, error) { return DecodePartPlan(b) })
}

func TestPartResultMatchesGoldenFile(t *testing.T) {
	golden(t, "part-result.json", samplePartResult(), func(b []byte) (any, error) { return DecodePartResult(b) })
}

func TestPartJobCarriesItsParentByteForByte(t *testing.T) {
	p, _, _ := samplePart(t)
	body, err := Encode(p)
	if err != nil {
		t.Fatal(err)
	}
	got, parent, err := DecodePartJob(body)
	if err != nil {
		t.Fatal(err)
	}
	_, sent := fleetParent(t)
	if JobSHA256(got.Parent) != JobSHA256(sent) || !parent.FleetParts || parent.ID != p.ParentID {
		t.Fatal("the parent envelope changed on the way: its digest no longer matches its claim")
	}
	if v, err := Decode(body); err != nil || v.(*PartJob).Part != 1 {
		t.Fatalf("Decode: %T %v", v, err)
	}
}

func TestOtherPartVersionsAreRejected(t *testing.T) {
	for _, in := range []string{
		`{"v":2,"kind":"part","parent_id":"J"}`, `{"v":2,"kind":"part-plan"}`, `{"v":0,"kind":"part-result"}`,
	} {
		if _, err := Decode([]byte(in)); !errors.Is(err, ErrUnsupportedVersion) {
			t.Errorf("Decode(%s) = %v, want ErrUnsupportedVersion", in, err)
		}
	}
}

func TestInvalidPartJobsNameTheProblem(t *testing.T) {
	cases := map[string]func(*PartJob){
		"empty job id":            func(p *PartJob) { p.ParentID = "" },
		"only ASCII letters":      func(p *PartJob) { p.ParentID = "a/../other" },
		"missing parent":          func(p *PartJob) { p.Parent = nil },
		"part token":              func(p *PartJob) { p.Token = "ABCDEF0123456789ABCDEF0123456789" },
		"plan_sha256":             func(p *PartJob) { p.PlanSHA256 = "" },
		"negative part number":    func(p *PartJob) { p.Part = -1 },
		"part 3 of 3":             func(p *PartJob) { p.Part = 3 },
		"part 0 of 0":             func(p *PartJob) { p.Part, p.Parts = 0, 0 },
		"no deadline":             func(p *PartJob) { p.Deadline = time.Time{} },
		"empty schema or table":   func(p *PartJob) { p.Spec.Table = " " },
		"empty key range":         func(p *PartJob) { p.Spec.Range = KeyRange{Lo: i64(5), Hi: i64(5)} },
		"parent envelope":         func(p *PartJob) { p.Parent = []byte(`{"v":1,"kind":"job","id":"x"}`) },
		"parent envelope is job":  func(p *PartJob) { p.ParentID = "another-job" },
		"after the parent's":      func(p *PartJob) { p.Deadline = deadline.Add(time.Second) },
		"unsupported envelope v":  func(p *PartJob) { p.Parent = []byte(`{"v":2,"kind":"job","id":"x"}`) },
		"kind \"reply\", want \"": func(p *PartJob) { p.Parent = []byte(`{"v":1,"kind":"reply","job_id":"x"}`) },
	}
	for want, mutate := range cases {
		p, _, _ := samplePart(t)
		mutate(p)
		b, err := Encode(p)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = DecodePartJob(b)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: DecodePartJob = %v", want, err)
		}
	}
}

func TestInvalidPlansAndPartResultsAreRejected(t *testing.T) {
	plans := map[string]func(*PartPlan){
		"parent_sha256": func(p *PartPlan) { p.ParentSHA256 = "x" },
		"part token":    func(p *PartPlan) { p.Token = "short" },
		"attempt 0":     func(p *PartPlan) { p.Attempt = 0 },
		"0 parts":       func(p *PartPlan) { p.Parts = nil },
		"no deadline":   func(p *PartPlan) { p.Deadline = time.Time{} },
		"part 2 of job": func(p *PartPlan) { p.Parts[2].Schema = "" },
	}
	for want, mutate := range plans {
		p := samplePlan(t)
		p.V, p.Kind = Version, KindPartPlan
		mutate(p)
		if err := p.Validate(); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("plan %s: Validate = %v", want, err)
		}
	}
	results := map[string]func(*PartResult){
		"negative part number": func(r *PartResult) { r.Part = -2 },
		"attempt 0":            func(r *PartResult) { r.Attempt = 0 },
		"sha256":               func(r *PartResult) { r.SHA256 = "ABC" },
		"columns_sha256":       func(r *PartResult) { r.ColumnsSHA256 = "x" },
		"negative size":        func(r *PartResult) { r.Rows = -1 },
		"empty object key":     func(r *PartResult) { r.Object = "" },
		`compress "gzip"`:      func(r *PartResult) { r.Compress = CompressGzip },
		"part token":           func(r *PartResult) { r.Token = "" },
	}
	for want, mutate := range results {
		r := samplePartResult()
		r.V, r.Kind = Version, KindPartResult
		mutate(r)
		if err := r.Validate(); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("result %s: Validate = %v", want, err)
		}
	}
}

func TestPartJobMustMatchItsPlanExactly(t *testing.T) {
	p, plan, sum := samplePart(t)
	parent, err := p.ParentJob()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.CheckPlan(plan, sum, parent); err != nil {
		t.Fatalf("the planned part: %v", err)
	}
	cases := map[string]func(*PartJob, *PartPlan, *Job) string{
		"digest differs":        func(p *PartJob, _ *PartPlan, _ *Job) string { return strings.Repeat("0", 64) },
		"another job's":         func(p *PartJob, pl *PartPlan, _ *Job) string { pl.Token = strings.Repeat("f", 32); return sum },
		"another envelope":      func(p *PartJob, pl *PartPlan, _ *Job) string { pl.ParentSHA256 = strings.Repeat("0", 64); return sum },
		"the plan has 3 parts":  func(p *PartJob, _ *PartPlan, _ *Job) string { p.Part, p.Parts = 3, 4; return sum },
		"table or key range":    func(p *PartJob, _ *PartPlan, _ *Job) string { p.Spec.Range.Hi = i64(1 << 40); return sum },
		"another table":         func(p *PartJob, _ *PartPlan, _ *Job) string { p.Spec.Table = "Secrets"; return sum },
		"deadline differs":      func(p *PartJob, _ *PartPlan, _ *Job) string { p.Deadline = p.Deadline.Add(time.Hour); return sum },
		"did not ask for fleet": func(_ *PartJob, _ *PartPlan, j *Job) string { j.FleetParts = false; return sum },
		"snapshot is not one":   func(_ *PartJob, pl *PartPlan, _ *Job) string { pl.Snapshot = "master"; return sum },
		"consistency none":      func(_ *PartJob, pl *PartPlan, _ *Job) string { pl.Snapshot = ""; return sum },
	}
	for want, mutate := range cases {
		p, plan, _ := samplePart(t)
		parent, _ := p.ParentJob()
		s := mutate(p, plan, parent)
		err := p.CheckPlan(plan, s, parent)
		if want == "another table" {
			want = "table or key range"
		}
		if !errors.Is(err, ErrOutsidePlan) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: CheckPlan = %v", want, err)
		}
	}
	p, plan, sum = samplePart(t)
	parent, _ = p.ParentJob()
	plan.Snapshot, parent.Options.Consistency = "", "none"
	if err := p.CheckPlan(plan, sum, parent); err != nil {
		t.Fatalf("a consistency none plan without a snapshot: %v", err)
	}
}

func TestPartResultMustPointInsideItsOwnPart(t *testing.T) {
	const job = "01JD5Z8Q3V6W7X8Y9Z0ABCDEF"
	r := samplePartResult()
	plan := r.PlanSHA256
	if err := r.CheckFor(job, sampleToken, 1, plan); err != nil {
		t.Fatalf("the part's own result: %v", err)
	}
	foreign := map[string]string{
		"another job":       PartObjectKey("victim", sampleToken, 1, 1, "w", CompressZstd),
		"another part":      PartObjectKey(job, sampleToken, 2, 1, "w", CompressZstd),
		"another plan":      PartObjectKey(job, strings.Repeat("f", 32), 1, 1, "w", CompressZstd),
		"the job's script":  ObjectKey(job, 1, "w", "sql", CompressZstd),
		"climbing out":      PartObjectPrefix(job, sampleToken, 1) + "../../../victim/dump.sql",
		"a nested key":      PartObjectPrefix(job, sampleToken, 1) + "x/y.rec",
		"the plan":          PlanKey(job, sampleToken),
		"the job manifest":  ManifestKey(job),
		"a prefix lookalke": strings.TrimSuffix(PartObjectPrefix(job, sampleToken, 1), "/") + "0/a.rec",
	}
	for name, key := range foreign {
		r := samplePartResult()
		r.Object = key
		if err := r.CheckFor(job, sampleToken, 1, plan); !errors.Is(err, ErrOutsidePlan) {
			t.Errorf("records at %s (%s): CheckFor = %v", name, key, err)
		}
	}
	for name, check := range map[string]func() error{
		"other part":  func() error { return samplePartResult().CheckFor(job, sampleToken, 2, plan) },
		"other token": func() error { return samplePartResult().CheckFor(job, strings.Repeat("f", 32), 1, plan) },
		"other job":   func() error { return samplePartResult().CheckFor("other", sampleToken, 1, plan) },
		"other plan":  func() error { return samplePartResult().CheckFor(job, sampleToken, 1, strings.Repeat("0", 64)) },
	} {
		if err := check(); !errors.Is(err, ErrOutsidePlan) {
			t.Errorf("%s: CheckFor = %v", name, err)
		}
	}
}

func TestPartKeysLiveUnderTheParentsPrefixAtTheToken(t *testing.T) {
	for got, want := range map[string]string{
		PlanKey("J", sampleToken):                               "jobs/J/parts-" + sampleToken + "/plan.json",
		PartResultKey("J", sampleToken, 7):                      "jobs/J/parts-" + sampleToken + "/part-7.json",
		PartTakenKey("J", sampleToken, 7):                       "jobs/J/parts-" + sampleToken + "/part-7.taken",
		PartObjectKey("J", sampleToken, 7, 2, "a-1-w0", "zstd"): "jobs/J/parts-" + sampleToken + "/part-7/attempt-2-a-1-w0.rec.zst",
		PartObjectKey("J", sampleToken, 7, 2, "a-1-w0", "none"): "jobs/J/parts-" + sampleToken + "/part-7/attempt-2-a-1-w0.rec",
		PartMessageID("J", sampleToken, 7):                      "J.part-" + sampleToken + "-7",
	} {
		if got != want {
			t.Errorf("key %q, want %q", got, want)
		}
	}
	a, b := NewPartToken(), NewPartToken()
	if a == b || ValidatePartToken(a) != nil || ValidatePartToken(b) != nil {
		t.Fatalf("tokens %q and %q: want two distinct 128-bit hex tokens", a, b)
	}
}

func TestOnlyTheJobsOwnDatabaseSnapshotsArePlanned(t *testing.T) {
	long := strings.Repeat("d", 120)
	for snap, want := range map[string]bool{
		"Sales_mssqldump_0a1b2c3d4e5f":            true,
		"Sales_mssqldump_0A1B2C3D4E5F":            false,
		"Sales_mssqldump_0a1b2c3d4e5":             false,
		"Sales":                                   false,
		"Payroll_mssqldump_0a1b2c3d4e5f":          false,
		"Sales_mssqldump_0a1b2c3d4e5f]; DROP --":  false,
		long[:100] + "_mssqldump_0a1b2c3d4e5f":    false, // for the long database below only
		"Sales_mssqldump_0a1b2c3d4e5f_mssqldump_": false,
	} {
		if got := SnapshotOf("Sales", snap); got != want {
			t.Errorf("SnapshotOf(Sales, %q) = %v, want %v", snap, got, want)
		}
	}
	if !SnapshotOf(long, long[:100]+"_mssqldump_0a1b2c3d4e5f") {
		t.Error("a long database's snapshot name is cut to 100 bytes, as the scripter cuts it")
	}
}
