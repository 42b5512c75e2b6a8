package deploy_test

import (
	"context"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/compose-spec/compose-go/v2/cli"
	"github.com/compose-spec/compose-go/v2/types"
)

// repoRoot is where compose.yaml lives, relative to this package.
const repoRoot = ".."

// pairing is one way to run the local stack.
type pairing struct {
	name   string
	files  []string
	broker string // expected scheme of MSSQLDUMP_BROKER
	blob   string // expected scheme of MSSQLDUMP_BLOB
}

var pairings = []pairing{
	{name: "jetstream+minio", files: []string{"compose.yaml"}, broker: "nats", blob: "minio"},
	{name: "sqs+s3", files: []string{"compose.yaml", "compose.sqs.yaml"}, broker: "sqs+http", blob: "s3"},
}

// loadCompose loads the files as `docker compose` would with .env.example
// as the .env file (proving it supplies every required variable) and every
// profile enabled, isolated from the developer's environment.
func loadCompose(t *testing.T, files []string, envFile string) (*types.Project, error) {
	t.Helper()
	paths := make([]string, len(files))
	for i, f := range files {
		paths[i] = filepath.Join(repoRoot, f)
	}
	opts, err := cli.NewProjectOptions(paths,
		cli.WithWorkingDirectory(repoRoot),
		cli.WithEnvFiles(envFile),
		cli.WithDotEnv,
		cli.WithProfiles([]string{"*"}),
		cli.WithName("mssqldump"),
	)
	if err != nil {
		return nil, err
	}
	return opts.LoadProject(context.Background())
}

func mustLoad(t *testing.T, p pairing) *types.Project {
	t.Helper()
	proj, err := loadCompose(t, p.files, filepath.Join(repoRoot, ".env.example"))
	if err != nil {
		t.Fatalf("%s: load %v: %v", p.name, p.files, err)
	}
	return proj
}

func forEachPairing(t *testing.T, f func(t *testing.T, p pairing, proj *types.Project)) {
	for _, p := range pairings {
		t.Run(p.name, func(t *testing.T) { f(t, p, mustLoad(t, p)) })
	}
}

func TestComposeHasEveryComponent(t *testing.T) {
	want := map[string][]string{
		"jetstream+minio": {"nats", "nats-init", "minio", "minio-init", "mssql", "mssql-init", "agent", "mssqldump"},
		"sqs+s3":          {"nats", "nats-init", "minio", "minio-init", "mssql", "mssql-init", "agent", "mssqldump", "elasticmq"},
	}
	forEachPairing(t, func(t *testing.T, p pairing, proj *types.Project) {
		for _, name := range want[p.name] {
			if _, ok := proj.Services[name]; !ok {
				t.Errorf("service %q missing (have %v)", name, proj.ServiceNames())
			}
		}
	})
}

// oneShot reports whether a service runs to completion: another service
// waits for it to complete, or it is the CLI (profile "cli").
func oneShot(proj *types.Project, name string) bool {
	if slices.Contains(proj.Services[name].Profiles, "cli") {
		return true
	}
	for _, s := range proj.Services {
		if d, ok := s.DependsOn[name]; ok && d.Condition == types.ServiceConditionCompletedSuccessfully {
			return true
		}
	}
	return false
}

func TestEveryLongRunningServiceHasAHealthcheck(t *testing.T) {
	forEachPairing(t, func(t *testing.T, p pairing, proj *types.Project) {
		for name, s := range proj.Services {
			if oneShot(proj, name) {
				if s.Restart != "" && s.Restart != types.RestartPolicyNo {
					t.Errorf("one-shot service %s has restart %q; it would loop after completing", name, s.Restart)
				}
				continue
			}
			hc := s.HealthCheck
			if hc == nil || hc.Disable || len(hc.Test) == 0 || hc.Test[0] == "NONE" {
				t.Errorf("long-running service %s has no health check", name)
				continue
			}
			if hc.Interval == nil || hc.Retries == nil {
				t.Errorf("service %s health check sets no interval/retries", name)
			}
		}
	})
}

var pinnedTag = regexp.MustCompile(`^[^@]+:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)

// imagePinned reports whether ref names an explicit tag other than latest,
// or a digest.
func imagePinned(ref string) bool {
	if strings.Contains(ref, "@sha256:") {
		return true
	}
	lastSlash := strings.LastIndex(ref, "/")
	tagPart := ref[lastSlash+1:]
	i := strings.LastIndex(tagPart, ":")
	if i < 0 || !pinnedTag.MatchString(ref) {
		return false
	}
	return tagPart[i+1:] != "latest"
}

func TestImagePinningRejectsFloatingReferences(t *testing.T) {
	for ref, want := range map[string]bool{
		"nats:2.12.1-alpine": true,
		"quay.io/minio/minio:RELEASE.2025-04-22T22-12-26Z": true,
		"localhost:5000/mssqldump:local":                   true,
		"repo/x@sha256:0123":                               true,
		"nats":                                             false,
		"nats:latest":                                      false,
		"localhost:5000/mssqldump":                         false,
		"quay.io/minio/minio":                              false,
	} {
		if got := imagePinned(ref); got != want {
			t.Errorf("imagePinned(%q) = %v, want %v", ref, got, want)
		}
	}
}

func TestEveryImageIsPinnedByAnExplicitTag(t *testing.T) {
	forEachPairing(t, func(t *testing.T, p pairing, proj *types.Project) {
		for name, s := range proj.Services {
			if s.Image == "" {
				t.Errorf("service %s has no image name (built images need a tagged name too)", name)
				continue
			}
			if !imagePinned(s.Image) {
				t.Errorf("service %s image %q is not pinned by an explicit tag", name, s.Image)
			}
		}
	})
}

func TestDependsOnWaitsForHealthOrCompletion(t *testing.T) {
	forEachPairing(t, func(t *testing.T, p pairing, proj *types.Project) {
		for name, s := range proj.Services {
			for dep, d := range s.DependsOn {
				target, ok := proj.Services[dep]
				if !ok {
					t.Errorf("%s depends on unknown service %s", name, dep)
					continue
				}
				switch d.Condition {
				case types.ServiceConditionHealthy:
					if target.HealthCheck == nil || target.HealthCheck.Disable {
						t.Errorf("%s waits for %s to be healthy, but %s has no health check", name, dep, dep)
					}
				case types.ServiceConditionCompletedSuccessfully:
					if !oneShot(proj, dep) {
						t.Errorf("%s waits for %s to complete, but it is long-running", name, dep)
					}
				default:
					t.Errorf("%s depends on %s with condition %q; want service_healthy or service_completed_successfully", name, dep, d.Condition)
				}
			}
		}
	})
}

func TestTheAgentWaitsForBrokerBlobAndSampleDatabase(t *testing.T) {
	want := map[string][]string{
		"jetstream+minio": {"nats-init", "minio-init", "mssql-init"},
		"sqs+s3":          {"nats-init", "minio-init", "mssql-init", "elasticmq"},
	}
	forEachPairing(t, func(t *testing.T, p pairing, proj *types.Project) {
		agent := proj.Services["agent"]
		for _, dep := range want[p.name] {
			if _, ok := agent.DependsOn[dep]; !ok {
				t.Errorf("agent does not wait for %s", dep)
			}
		}
		if _, ok := proj.Services["mssqldump"].DependsOn["agent"]; !ok {
			t.Error("the CLI does not wait for a healthy agent")
		}
	})
}

func envValue(s types.ServiceConfig, name string) (string, bool) {
	v, ok := s.Environment[name]
	if !ok || v == nil {
		return "", false
	}
	return *v, true
}

func schemeOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("bad URL %q: %v", raw, err)
	}
	return u.Scheme
}

func checkEnv(t *testing.T, svc types.ServiceConfig, vars []envVar) {
	t.Helper()
	for _, v := range vars {
		val, ok := envValue(svc, v.name)
		if v.need == required && (!ok || val == "") {
			t.Errorf("service %s does not set %s (%s)", svc.Name, v.name, v.why)
		}
	}
}

func TestAgentAndCLIGetEveryVariableTheyRead(t *testing.T) {
	forEachPairing(t, func(t *testing.T, p pairing, proj *types.Project) {
		for svcName, vars := range map[string][]envVar{"agent": agentEnv, "mssqldump": cliEnv} {
			svc := proj.Services[svcName]
			checkEnv(t, svc, vars)
			broker, _ := envValue(svc, "MSSQLDUMP_BROKER")
			blob, _ := envValue(svc, "MSSQLDUMP_BLOB")
			if got := schemeOf(t, broker); got != p.broker {
				t.Errorf("%s: broker %q has scheme %q, want %q", svcName, broker, got, p.broker)
			}
			if got := schemeOf(t, blob); got != p.blob {
				t.Errorf("%s: blob %q has scheme %q, want %q", svcName, blob, got, p.blob)
			}
			checkEnv(t, svc, driverEnv[baseScheme(p.broker)])
			checkEnv(t, svc, driverEnv[baseScheme(p.blob)])
		}
	})
}

// baseScheme maps sqs+http to sqs.
func baseScheme(s string) string { b, _, _ := strings.Cut(s, "+"); return b }

func TestAgentStopGraceCoversItsDrainTimeout(t *testing.T) {
	forEachPairing(t, func(t *testing.T, p pairing, proj *types.Project) {
		agent := proj.Services["agent"]
		drain := 5 * time.Minute // the agent's default
		if v, ok := envValue(agent, "MSSQLDUMP_DRAIN_TIMEOUT"); ok {
			d, err := time.ParseDuration(v)
			if err != nil {
				t.Fatalf("MSSQLDUMP_DRAIN_TIMEOUT %q: %v", v, err)
			}
			drain = d
		}
		if agent.StopGracePeriod == nil || time.Duration(*agent.StopGracePeriod) <= drain {
			t.Errorf("stop_grace_period %v does not exceed the drain timeout %v: docker would kill jobs mid-drain", agent.StopGracePeriod, drain)
		}
	})
}

func TestComposeSetsNoUnknownMSSQLDUMPVariable(t *testing.T) {
	known := map[string]bool{}
	for _, v := range append(append([]envVar{}, agentEnv...), cliEnv...) {
		known[v.name] = true
	}
	forEachPairing(t, func(t *testing.T, p pairing, proj *types.Project) {
		for _, svcName := range []string{"agent", "mssqldump"} {
			for name := range proj.Services[svcName].Environment {
				if strings.HasPrefix(name, "MSSQLDUMP_") && !known[name] {
					t.Errorf("%s sets %s, which no binary reads (typo, or add it to envvars_test.go)", svcName, name)
				}
			}
		}
	})
}

func TestAgentsAndCLIShareOneBrokerAndBlobStore(t *testing.T) {
	forEachPairing(t, func(t *testing.T, p pairing, proj *types.Project) {
		for _, name := range []string{"MSSQLDUMP_BROKER", "MSSQLDUMP_BLOB", "AWS_ENDPOINT_URL_SQS", "MINIO_ACCESS_KEY", "AWS_ACCESS_KEY_ID"} {
			a, _ := envValue(proj.Services["agent"], name)
			c, _ := envValue(proj.Services["mssqldump"], name)
			if a != c {
				t.Errorf("%s differs: agent %q, CLI %q", name, a, c)
			}
		}
	})
}

// hostsIn returns the host names an env value points at (URLs or bare hosts).
func hostOf(t *testing.T, raw string) string {
	t.Helper()
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatalf("bad URL %q: %v", raw, err)
	}
	return u.Hostname()
}

func TestEndpointsNameServicesOfTheStack(t *testing.T) {
	forEachPairing(t, func(t *testing.T, p pairing, proj *types.Project) {
		cliSvc := proj.Services["mssqldump"]
		check := func(what, host string) {
			if _, ok := proj.Services[host]; !ok {
				t.Errorf("%s points at %q, which is not a service of the stack", what, host)
			}
		}
		broker, _ := envValue(cliSvc, "MSSQLDUMP_BROKER")
		check("MSSQLDUMP_BROKER", hostOf(t, broker))
		blob, _ := envValue(cliSvc, "MSSQLDUMP_BLOB")
		if p.blob == "s3" {
			u, _ := url.Parse(blob)
			check("MSSQLDUMP_BLOB endpoint", hostOf(t, u.Query().Get("endpoint")))
		} else {
			check("MSSQLDUMP_BLOB", hostOf(t, blob))
		}
		if ep, ok := envValue(cliSvc, "AWS_ENDPOINT_URL_SQS"); ok {
			check("AWS_ENDPOINT_URL_SQS", hostOf(t, ep))
		}
		host, _ := envValue(cliSvc, "MSSQLDUMP_HOST")
		check("MSSQLDUMP_HOST", host)
	})
}

func TestBlobBucketIsTheOneMinioInitCreates(t *testing.T) {
	forEachPairing(t, func(t *testing.T, p pairing, proj *types.Project) {
		want, _ := envValue(proj.Services["minio-init"], "MSSQLDUMP_BUCKET")
		blob, _ := envValue(proj.Services["agent"], "MSSQLDUMP_BLOB")
		u, err := url.Parse(blob)
		if err != nil {
			t.Fatal(err)
		}
		got := u.Host // s3://bucket
		if p.blob == "minio" {
			got = strings.SplitN(strings.TrimPrefix(u.Path, "/"), "/", 2)[0]
		}
		if want == "" || got != want {
			t.Errorf("blob URL %q uses bucket %q; minio-init creates %q", blob, got, want)
		}
	})
}

func TestMinioCredentialsReachTheDrivers(t *testing.T) {
	proj := mustLoad(t, pairings[0])
	user, _ := envValue(proj.Services["minio"], "MINIO_ROOT_USER")
	pass, _ := envValue(proj.Services["minio"], "MINIO_ROOT_PASSWORD")
	for _, svc := range []string{"agent", "mssqldump"} {
		for name, want := range map[string]string{"MINIO_ACCESS_KEY": user, "MINIO_SECRET_KEY": pass, "AWS_ACCESS_KEY_ID": user, "AWS_SECRET_ACCESS_KEY": pass} {
			if got, _ := envValue(proj.Services[svc], name); got != want {
				t.Errorf("%s: %s = %q, want MinIO's %q", svc, name, got, want)
			}
		}
	}
}

func TestComposeRefusesToStartWithoutSecrets(t *testing.T) {
	empty := filepath.Join(t.TempDir(), "empty.env")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := loadCompose(t, []string{"compose.yaml"}, empty)
	if err == nil {
		t.Fatal("compose.yaml loaded without MSSQL_SA_PASSWORD/MINIO_ROOT_* set; secrets must not have defaults")
	}
	if !strings.Contains(err.Error(), "MSSQL_SA_PASSWORD") && !strings.Contains(err.Error(), "MINIO_ROOT") {
		t.Errorf("error does not name the missing secret: %v", err)
	}
}

func TestCLIIsAOneShotBehindAProfile(t *testing.T) {
	proj := mustLoad(t, pairings[0])
	cliSvc := proj.Services["mssqldump"]
	if !slices.Contains(cliSvc.Profiles, "cli") {
		t.Errorf("mssqldump profiles = %v; want \"cli\" so `up -d` does not run it", cliSvc.Profiles)
	}
	if len(cliSvc.Entrypoint) == 0 || filepath.Base(cliSvc.Entrypoint[0]) != "mssqldump" {
		t.Errorf("mssqldump entrypoint = %v; `run --rm mssqldump sample` must run the CLI with `sample` as its argument", cliSvc.Entrypoint)
	}
	if len(cliSvc.Command) != 0 {
		t.Errorf("mssqldump has a default command %v that `run ... sample` would replace confusingly", cliSvc.Command)
	}
	agent := proj.Services["agent"]
	if len(agent.Entrypoint) == 0 || filepath.Base(agent.Entrypoint[0]) != "mssqldump-agent" {
		t.Errorf("agent entrypoint = %v, want mssqldump-agent", agent.Entrypoint)
	}
	if agent.StopSignal != "SIGTERM" || agent.StopGracePeriod == nil {
		t.Errorf("agent must stop with SIGTERM and a grace period to drain (got %q, %v)", agent.StopSignal, agent.StopGracePeriod)
	}
}

func TestSQSPairingDeclaresTheJobQueueAndItsRedrive(t *testing.T) {
	proj := mustLoad(t, pairings[1])
	conf, err := os.ReadFile(filepath.Join(repoRoot, "deploy/compose/elasticmq.conf"))
	if err != nil {
		t.Fatal(err)
	}
	broker, _ := envValue(proj.Services["agent"], "MSSQLDUMP_BROKER")
	u, err := url.Parse(broker)
	if err != nil {
		t.Fatal(err)
	}
	queue := filepath.Base(u.Path)
	text := string(conf)
	for _, want := range []string{
		queue + " {",
		`name = "` + queue + `-dlq"`,
		queue + "-dlq {",
		"maxReceiveCount = 5",
		"host = elasticmq",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("elasticmq.conf lacks %q", want)
		}
	}
	mounted := false
	for _, v := range proj.Services["elasticmq"].Volumes {
		if v.Target == "/opt/elasticmq.conf" && strings.HasSuffix(v.Source, "deploy/compose/elasticmq.conf") {
			mounted = true
		}
	}
	if !mounted {
		t.Error("elasticmq does not mount deploy/compose/elasticmq.conf at /opt/elasticmq.conf")
	}
}
