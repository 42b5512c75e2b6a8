package deploy_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/compose-spec/compose-go/v2/types"

	"github.com/mssqldump/mssqldump/deploy/internal/cfn"
)

// The binaries themselves are the final word on what the deployment files
// must set: these tests build them and ask.

var (
	buildOnce sync.Once
	buildDir  string
	buildErr  error
	buildOut  []byte
)

// binaries builds cmd/mssqldump and cmd/mssqldump-agent once per test run.
func binaries(t *testing.T) (cli, agent string) {
	t.Helper()
	for _, d := range []string{"mssqldump", "mssqldump-agent"} {
		if _, err := os.Stat(filepath.Join(repoRoot, "cmd", d)); err != nil {
			t.Skipf("cmd/%s is not in this tree", d)
		}
	}
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "mssqldump-deploy-bin-")
		if buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", buildDir+string(os.PathSeparator), "./cmd/mssqldump", "./cmd/mssqldump-agent")
		cmd.Dir = repoRoot
		buildOut, buildErr = cmd.CombinedOutput()
	})
	if buildErr != nil {
		t.Fatalf("go build ./cmd/...: %v\n%s", buildErr, buildOut)
	}
	return filepath.Join(buildDir, "mssqldump"), filepath.Join(buildDir, "mssqldump-agent")
}

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

var helpVar = regexp.MustCompile(`\$(MSSQLDUMP_[A-Z0-9_]+)`)

func helpVars(t *testing.T, bin string, args ...string) map[string]bool {
	t.Helper()
	out, _ := exec.Command(bin, args...).CombinedOutput() // --help may exit non-zero
	vars := map[string]bool{}
	for _, m := range helpVar.FindAllStringSubmatch(string(out), -1) {
		vars[m[1]] = true
	}
	if len(vars) == 0 {
		t.Fatalf("%s %v lists no MSSQLDUMP_* variables:\n%s", bin, args, out)
	}
	return vars
}

func TestEveryListedVariableIsReadByTheBinaries(t *testing.T) {
	cli, agent := binaries(t)
	agentVars := helpVars(t, agent, "run", "--help")
	cliVars := helpVars(t, cli, "--help")
	for _, v := range agentEnv {
		if !agentVars[v.name] {
			t.Errorf("mssqldump-agent does not read %s (envvars_test.go lists it: %s)", v.name, v.why)
		}
	}
	for _, v := range cliEnv {
		if !cliVars[v.name] {
			t.Errorf("mssqldump does not read %s (envvars_test.go lists it: %s)", v.name, v.why)
		}
	}
}

// agentAccepts runs `mssqldump-agent config` (parse and validate the
// configuration, print it, exit) with env and args.
func agentAccepts(t *testing.T, agent, what string, env []string, args ...string) {
	t.Helper()
	cmd := exec.Command(agent, append([]string{"config"}, args...)...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}, env...)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("%s: mssqldump-agent rejects the configuration: %v\n%s", what, err, out)
	}
}

func TestAgentAcceptsTheComposeConfiguration(t *testing.T) {
	_, agent := binaries(t)
	forEachPairing(t, func(t *testing.T, p pairing, proj *types.Project) {
		var env []string
		for k, v := range proj.Services["agent"].Environment {
			if v != nil && strings.HasPrefix(k, "MSSQLDUMP_") {
				env = append(env, k+"="+*v)
			}
		}
		agentAccepts(t, agent, p.name, env)
	})
}

func TestAgentAcceptsTheLinuxInstanceConfiguration(t *testing.T) {
	_, agent := binaries(t)
	for _, r := range renderings {
		ud := renderUserData(t, "LinuxLaunchTemplate", r.env)
		drain := regexp.MustCompile(`drain_seconds='([0-9]+)'`).FindStringSubmatch(ud)
		if drain == nil {
			t.Fatal("user data sets no drain_seconds")
		}
		secs, _ := strconv.Atoi(drain[1])
		var env []string
		for _, h := range cfn.HeredocList(ud) {
			if !strings.Contains(h.Opener, "/etc/mssqldump/agent.env") {
				continue
			}
			body := strings.ReplaceAll(h.Body, "${drain_timeout}", strconv.Itoa(secs-60))
			for _, line := range strings.Split(body, "\n") {
				if strings.HasPrefix(line, "MSSQLDUMP_") {
					env = append(env, line)
				}
			}
		}
		// What the unit adds (%d is systemd's credentials directory).
		for _, e := range unitKeys(t, unitPath)["Environment"] {
			env = append(env, strings.ReplaceAll(e, "%d", "/run/credentials/mssqldump-agent.service"))
		}
		agentAccepts(t, agent, r.name, env)
	}
}

func TestAgentAcceptsTheWindowsInstanceConfiguration(t *testing.T) {
	_, agent := binaries(t)
	for _, r := range renderings {
		ud := renderUserData(t, "WindowsLaunchTemplate", r.env)
		drain := regexp.MustCompile(`\$drainTimeout = ([0-9]+) - 60`).FindStringSubmatch(ud)
		if drain == nil {
			t.Fatal("user data computes no $drainTimeout")
		}
		secs, _ := strconv.Atoi(drain[1])
		start := strings.Index(ud, "$conf = @(")
		end := strings.Index(ud, "Set-Content -Path \"$data\\agent.conf\"")
		if start < 0 || end < start {
			t.Fatal("user data writes no agent.conf from $conf")
		}
		var lines []string
		for _, m := range regexp.MustCompile(`['"](MSSQLDUMP_[^'"]*)['"]`).FindAllStringSubmatch(ud[start:end], -1) {
			line := strings.ReplaceAll(m[1], "$($drainTimeout)", strconv.Itoa(secs-60))
			line = strings.ReplaceAll(line, "$data", `C:\ProgramData\mssqldump`)
			lines = append(lines, line)
		}
		conf := filepath.Join(t.TempDir(), "agent.conf")
		if err := os.WriteFile(conf, []byte(strings.Join(lines, "\r\n")+"\r\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		agentAccepts(t, agent, r.name, nil, "--config", conf)
	}
}
