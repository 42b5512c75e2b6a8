package deploy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dockerfileStages splits the Dockerfile into stages (FROM line + body).
func dockerfileStages(t *testing.T) [][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	// Join continuation lines so each instruction is one line.
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	var stages [][]string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(strings.ToUpper(line), "FROM ") {
			stages = append(stages, nil)
		}
		if len(stages) > 0 {
			stages[len(stages)-1] = append(stages[len(stages)-1], line)
		}
	}
	return stages
}

func TestDockerfileBaseImagesArePinned(t *testing.T) {
	stages := dockerfileStages(t)
	if len(stages) < 2 {
		t.Fatalf("Dockerfile has %d stages, want a multi-stage build", len(stages))
	}
	for _, st := range stages {
		ref := strings.Fields(st[0])[1]
		if ref != "scratch" && !imagePinned(ref) {
			t.Errorf("base image %q is not pinned", ref)
		}
	}
}

func TestImageBuildsStaticBinariesAndRunsAsNonRoot(t *testing.T) {
	stages := dockerfileStages(t)
	build := strings.Join(stages[0], "\n")
	for _, want := range []string{"CGO_ENABLED=0", "./cmd/mssqldump", "./cmd/mssqldump-agent", "./deploy/internal/healthcheck"} {
		if !strings.Contains(build, want) {
			t.Errorf("build stage lacks %q", want)
		}
	}
	final := stages[len(stages)-1]
	from := final[0]
	if !strings.Contains(from, "distroless/static") && !strings.Contains(from, "scratch") {
		t.Errorf("final stage %q is neither distroless/static nor scratch", from)
	}
	user := ""
	for _, l := range final {
		if strings.HasPrefix(l, "USER ") {
			user = strings.TrimSpace(strings.TrimPrefix(l, "USER "))
		}
	}
	if user != "65532:65532" && user != "65532" {
		t.Errorf("final stage USER = %q, want 65532 (nonroot)", user)
	}
}

func TestAgentKeyVolumeIsWritableByTheImageUser(t *testing.T) {
	stages := dockerfileStages(t)
	final := strings.Join(stages[len(stages)-1], "\n")
	proj := mustLoad(t, pairings[0])
	keyFile, _ := envValue(proj.Services["agent"], "MSSQLDUMP_SEAL_KEY_FILE")
	dir := filepath.Dir(keyFile)
	mounted := false
	for _, v := range proj.Services["agent"].Volumes {
		mounted = mounted || v.Target == dir
	}
	if !mounted {
		t.Errorf("the agent's key directory %s is not a volume: replicas would not share the fleet key", dir)
	}
	if !strings.Contains(final, "--chown=65532:65532") || !strings.Contains(final, " "+dir+"\n") && !strings.HasSuffix(final, " "+dir) {
		t.Errorf("the image does not create %s owned by 65532; a fresh volume there would be root-owned", dir)
	}
}

func TestComposeEntrypointsExistInTheImage(t *testing.T) {
	stages := dockerfileStages(t)
	final := strings.Join(stages[len(stages)-1], "\n")
	proj := mustLoad(t, pairings[0])
	paths := []string{proj.Services["agent"].Entrypoint[0], proj.Services["mssqldump"].Entrypoint[0], proj.Services["agent"].HealthCheck.Test[1]}
	for _, p := range paths {
		bin := filepath.Base(p)
		if filepath.Dir(p) != "/usr/local/bin" || !strings.Contains(final, "/out/"+bin) {
			t.Errorf("compose runs %s, which the final image stage does not copy to /usr/local/bin", p)
		}
	}
}
