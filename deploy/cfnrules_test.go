package deploy_test

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mssqldump/mssqldump/deploy/internal/cfn"
)

// strictTools is set by scripts/validate-deploy.sh: there a missing tool
// (shellcheck, node, the validator package) fails instead of skipping.
func strictTools() bool { return os.Getenv("MSSQLDUMP_DEPLOY_STRICT") == "1" }

func needTool(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		if strictTools() {
			t.Fatalf("%s not found and MSSQLDUMP_DEPLOY_STRICT=1", name)
		}
		t.Skipf("%s not found (scripts/validate-deploy.sh installs it)", name)
	}
	return p
}

func templates(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("aws", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no templates in deploy/aws (%v)", err)
	}
	return files
}

func TestStackPassesTheDeploymentRules(t *testing.T) {
	files := append(templates(t), filepath.Join("aws", "testdata", "good-minimal.yaml"))
	for _, f := range files {
		tpl, err := cfn.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, finding := range cfn.Check(tpl) {
			t.Errorf("%s: %s", f, finding)
		}
	}
}

// rejectedBy reads the "# rejected-by: ..." header of a known-bad template.
func rejectedBy(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var by []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "#") {
			break
		}
		if v, ok := strings.CutPrefix(line, "# rejected-by:"); ok {
			by = append(by, strings.Fields(v)...)
		}
	}
	return by
}

func badTemplates(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("aws", "testdata", "bad-*.yaml"))
	if err != nil || len(files) < 5 {
		t.Fatalf("known-bad templates missing (%d found, %v)", len(files), err)
	}
	return files
}

func TestKnownBadTemplatesAreRejectedByTheRuleTheyBreak(t *testing.T) {
	covered := map[string]bool{}
	for _, f := range badTemplates(t) {
		by := rejectedBy(t, f)
		if len(by) == 0 {
			t.Errorf("%s has no '# rejected-by:' header naming the check that must reject it", f)
		}
		tpl, err := cfn.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		got := map[string]bool{}
		for _, finding := range cfn.Check(tpl) {
			got[finding.Rule] = true
		}
		for _, b := range by {
			rule, ok := strings.CutPrefix(b, "rules:")
			if !ok {
				if b != "cfn-validate" {
					t.Errorf("%s: unknown rejecter %q", f, b)
				}
				continue
			}
			covered[rule] = true
			if !got[rule] {
				t.Errorf("%s was NOT rejected by rule %s (findings: %v)", f, rule, got)
			}
		}
	}
	// The rules the issue names each have a known-bad template.
	for _, rule := range []string{cfn.RuleOneResult, cfn.RuleQueueDimension, cfn.RuleGroupMetrics, cfn.RuleIAMAllowList, cfn.RuleIAMWildcard, cfn.RuleDivisionGuarded} {
		if !covered[rule] {
			t.Errorf("no known-bad template exercises %s", rule)
		}
	}
}

// TestSchemaValidatorRejectsKnownBadAndAcceptsTheStack runs
// @aws/cloudformation-validate when scripts/validate-deploy.sh has installed
// it (MSSQLDUMP_CFN_VALIDATE_NODE_PATH = its node_modules).
func TestSchemaValidatorRejectsKnownBadAndAcceptsTheStack(t *testing.T) {
	nodePath := os.Getenv("MSSQLDUMP_CFN_VALIDATE_NODE_PATH")
	if nodePath == "" {
		if strictTools() {
			t.Fatal("MSSQLDUMP_CFN_VALIDATE_NODE_PATH unset and MSSQLDUMP_DEPLOY_STRICT=1")
		}
		t.Skip("MSSQLDUMP_CFN_VALIDATE_NODE_PATH unset (scripts/validate-deploy.sh sets it)")
	}
	node := needTool(t, "node")
	run := func(args ...string) (string, error) {
		cmd := exec.Command(node, append([]string{filepath.Join("aws", "cfn-validate.cjs")}, args...)...)
		cmd.Env = append(os.Environ(), "NODE_PATH="+nodePath)
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	good := append(templates(t), filepath.Join("aws", "testdata", "good-minimal.yaml"))
	if out, err := run(good...); err != nil {
		t.Errorf("validator rejects the stack: %v\n%s", err, out)
	}
	for _, f := range badTemplates(t) {
		expect := false
		for _, b := range rejectedBy(t, f) {
			expect = expect || b == "cfn-validate"
		}
		if !expect {
			continue
		}
		if out, err := run(f); err == nil {
			t.Errorf("validator accepted known-bad %s:\n%s", f, out)
		}
	}
}

// renderings: each launch template under every combination of the
// conditions its user data depends on.
var renderings = []struct {
	name string
	env  cfn.Env
}{
	{"sealed-credentials", cfn.Env{Params: map[string]string{"ArtifactBucket": "artifacts-bucket", "SealKeyArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mssqldump-seal-AbCdEf"}}},
	{"agent-side-credentials", cfn.Env{
		Params:     map[string]string{"ArtifactBucket": "artifacts-bucket", "SealKeyArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mssqldump-seal-AbCdEf", "DbLoginArn": "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-login-AbCdEf"},
		Conditions: map[string]bool{"HasDbSecret": true},
	}},
}

func renderUserData(t *testing.T, id string, env cfn.Env) string {
	t.Helper()
	tpl, err := cfn.Load(filepath.Join("aws", "mssqldump.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	ud, err := tpl.UserData(id, env)
	if err != nil {
		t.Fatal(err)
	}
	// Unknown ${Name} references fail in UserData; ${!name} renders as the
	// shell's own ${name}.
	if len(ud) > 16*1024 {
		t.Errorf("%s user data is %d bytes; EC2 allows 16 KiB", id, len(ud))
	}
	return ud
}

func checkShell(t *testing.T, name, script string) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", "-n", file).CombinedOutput(); err != nil {
		t.Errorf("bash -n %s: %v\n%s", name, err, out)
	}
	sc := needTool(t, "shellcheck")
	if out, err := exec.Command(sc, "--shell=bash", "--severity=style", file).CombinedOutput(); err != nil {
		t.Errorf("shellcheck %s: %v\n%s\n--- script ---\n%s", name, err, out, script)
	}
}

func TestLinuxUserDataPassesBashAndShellcheck(t *testing.T) {
	for _, r := range renderings {
		t.Run(r.name, func(t *testing.T) {
			ud := renderUserData(t, "LinuxLaunchTemplate", r.env)
			if !strings.HasPrefix(ud, "#!/bin/bash\n") {
				t.Fatalf("Linux user data does not start with #!/bin/bash")
			}
			checkShell(t, "user-data.sh", ud)
			// Scripts written by the user data are checked on their own.
			for _, h := range cfn.HeredocList(ud) {
				if strings.HasPrefix(h.Body, "#!/bin/bash") {
					checkShell(t, strings.ToLower(h.Word)+".sh", h.Body)
				}
			}
		})
	}
}

func TestLinuxUserDataInstallsTheRepositorysUnitVerbatim(t *testing.T) {
	unit, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	ud := renderUserData(t, "LinuxLaunchTemplate", renderings[0].env)
	for _, h := range cfn.HeredocList(ud) {
		if strings.Contains(h.Opener, "/etc/systemd/system/mssqldump-agent.service <<") {
			if h.Body != string(unit) {
				t.Errorf("user data's unit differs from %s:\n%s", unitPath, h.Body)
			}
			return
		}
	}
	t.Error("user data does not write /etc/systemd/system/mssqldump-agent.service")
}

func TestLinuxUserDataWiresTheAgentEnvironment(t *testing.T) {
	for _, r := range renderings {
		ud := renderUserData(t, "LinuxLaunchTemplate", r.env)
		var envFile string
		for _, h := range cfn.HeredocList(ud) {
			if strings.Contains(h.Opener, "/etc/mssqldump/agent.env") {
				envFile = h.Body
			}
		}
		set := map[string]string{}
		for _, line := range strings.Split(envFile, "\n") {
			if k, v, ok := strings.Cut(line, "="); ok && !strings.HasPrefix(line, "#") {
				set[k] = v
			}
		}
		for _, name := range []string{"MSSQLDUMP_BROKER", "MSSQLDUMP_BLOB", "MSSQLDUMP_CONCURRENCY", "MSSQLDUMP_MAX_ATTEMPTS", "MSSQLDUMP_DRAIN_TIMEOUT", "AWS_REGION"} {
			if set[name] == "" {
				t.Errorf("%s: agent.env lacks %s", r.name, name)
			}
		}
		if !strings.HasPrefix(set["MSSQLDUMP_BROKER"], "sqs://sqs.eu-west-1.amazonaws.com/123456789012/") ||
			!strings.HasPrefix(set["MSSQLDUMP_BLOB"], "s3://") {
			t.Errorf("%s: broker %q / blob %q are not the stack's SQS queue and S3 bucket", r.name, set["MSSQLDUMP_BROKER"], set["MSSQLDUMP_BLOB"])
		}
		wantCreds := r.env.Conditions["HasDbSecret"]
		if got := strings.HasPrefix(set["MSSQLDUMP_CREDENTIALS"], "secretsmanager:arn:aws:secretsmanager:"); got != wantCreds {
			t.Errorf("%s: MSSQLDUMP_CREDENTIALS = %q", r.name, set["MSSQLDUMP_CREDENTIALS"])
		}
		// The unit supplies the rest (listen address, sealing key).
		for _, v := range agentEnv {
			if v.need != required {
				continue
			}
			inUnit := bytes.Contains(mustRead(t, unitPath), []byte("Environment="+v.name+"="))
			if set[v.name] == "" && !inUnit {
				t.Errorf("%s: neither agent.env nor the unit sets %s", r.name, v.name)
			}
		}
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWindowsUserDataInstallsAServiceWithTheAgentEnvironment(t *testing.T) {
	for _, r := range renderings {
		ud := renderUserData(t, "WindowsLaunchTemplate", r.env)
		if !strings.HasPrefix(ud, "<powershell>\n") || !strings.Contains(ud, "</powershell>") {
			t.Fatalf("%s: Windows user data is not a <powershell> block", r.name)
		}
		for _, want := range []string{"mssqldump-agent.exe\" install --config", "MSSQLDUMP_BROKER=sqs://", "MSSQLDUMP_BLOB=s3://", "MSSQLDUMP_MAX_ATTEMPTS=", "MSSQLDUMP_DRAIN_TIMEOUT=",
			"MSSQLDUMP_CONCURRENCY=", "MSSQLDUMP_LISTEN=", "MSSQLDUMP_SEAL_KEY_FILE=", "Complete-ASLifecycleAction"} {
			if !strings.Contains(ud, want) {
				t.Errorf("%s: Windows user data lacks %q", r.name, want)
			}
		}
		// No PowerShell parser here: check the brackets balance at least.
		for _, pair := range []string{"()", "{}", "[]"} {
			if o, c := strings.Count(ud, pair[:1]), strings.Count(ud, pair[1:]); o != c {
				t.Errorf("%s: %d %q vs %d %q", r.name, o, pair[:1], c, pair[1:])
			}
		}
		if got := strings.Contains(ud, "MSSQLDUMP_CREDENTIALS=secretsmanager:"); got != r.env.Conditions["HasDbSecret"] {
			t.Errorf("%s: MSSQLDUMP_CREDENTIALS present = %v", r.name, got)
		}
	}
}
