package deploy_test

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// unitKeys reads a systemd unit into key -> values (keys repeat).
func unitKeys(t *testing.T, path string) map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	keys := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' || line[0] == ';' || line[0] == '[' {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("%s: malformed line %q", path, line)
		}
		keys[k] = append(keys[k], v)
	}
	return keys
}

const unitPath = "systemd/mssqldump-agent.service"

func TestSystemdUnitDrainsOnSIGTERM(t *testing.T) {
	k := unitKeys(t, unitPath)
	if got := k["KillSignal"]; len(got) != 1 || got[0] != "SIGTERM" {
		t.Errorf("KillSignal = %v, want SIGTERM", got)
	}
	if got := k["KillMode"]; len(got) != 1 || got[0] != "mixed" {
		t.Errorf("KillMode = %v, want mixed (SIGTERM to the agent only, SIGKILL to all at the timeout)", got)
	}
	stop := strings.Join(k["TimeoutStopSec"], "")
	d, err := time.ParseDuration(strings.ReplaceAll(stop, "min", "m"))
	if err != nil || d < 5*time.Minute {
		t.Errorf("TimeoutStopSec = %q, want at least 5min to drain a job in flight", stop)
	}
	if len(k["EnvironmentFile"]) == 0 {
		t.Error("no EnvironmentFile: the broker/blob URLs must come from a root-owned file")
	}
	if got := strings.Join(k["ExecStart"], ""); got != "/usr/local/bin/mssqldump-agent" {
		t.Errorf("ExecStart = %q; the user data installs /usr/local/bin/mssqldump-agent", got)
	}
}

func TestSystemdUnitIsHardened(t *testing.T) {
	k := unitKeys(t, unitPath)
	for key, want := range map[string]string{
		"DynamicUser":             "yes",
		"NoNewPrivileges":         "yes",
		"ProtectSystem":           "strict",
		"ProtectHome":             "yes",
		"PrivateTmp":              "yes",
		"PrivateDevices":          "yes",
		"CapabilityBoundingSet":   "",
		"RestrictAddressFamilies": "AF_INET AF_INET6 AF_UNIX",
		"MemoryDenyWriteExecute":  "yes",
		"StateDirectory":          "mssqldump",
		"SystemCallErrorNumber":   "EPERM",
	} {
		if got, ok := k[key]; !ok || got[len(got)-1] != want {
			t.Errorf("%s = %v, want %q", key, got, want)
		}
	}
	seal := false
	for _, e := range k["Environment"] {
		if e == "MSSQLDUMP_SEAL_KEY_FILE=%d/seal.key" {
			seal = true
		}
	}
	if !seal {
		t.Errorf("MSSQLDUMP_SEAL_KEY_FILE must point at the systemd credential %%d/seal.key")
	}
	if got := k["LoadCredential"]; len(got) != 1 || got[0] != "seal.key:/etc/mssqldump/seal.key" {
		t.Errorf("LoadCredential = %v; the root-only key file must reach the dynamic user as a credential", got)
	}
}

func TestSystemdUnitIsTheOneTheUserDataInstalls(t *testing.T) {
	tpl, err := os.ReadFile(filepath.Join("aws", "mssqldump.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	unit, err := os.ReadFile(unitPath)
	if err != nil {
		t.Fatal(err)
	}
	// The Linux user data embeds the unit verbatim (indented), so the two
	// cannot drift apart.
	for _, line := range strings.Split(strings.TrimSpace(string(unit)), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		if !strings.Contains(string(tpl), line) {
			t.Errorf("user data lacks unit line %q", line)
			return
		}
	}
}
