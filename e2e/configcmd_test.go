package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigSampleChecks(t *testing.T) {
	sample, err := exec.Command(initBin, "config", "sample").Output()
	if err != nil || !strings.Contains(string(sample), "[program:") {
		t.Fatalf("config sample: %v\n%s", err, sample)
	}
	p := filepath.Join(t.TempDir(), "sample.conf")
	os.WriteFile(p, sample, 0o644)
	out, err := exec.Command(initBin, "config", "check", "-c", p).CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "config OK: ") {
		t.Fatalf("the sample does not pass check: %v\n%s", err, out)
	}
}

func TestConfigCheckReportsEveryError(t *testing.T) {
	p := filepath.Join(t.TempDir(), "bad.conf")
	os.WriteFile(p, []byte("[program:a]\ncommand=true\nautorestart=maybe\nstartsecs=-1\n[program:b]\n"), 0o644)
	out, err := exec.Command(initBin, "config", "check", "-c", p).CombinedOutput()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		t.Fatalf("want exit 2, got %v\n%s", err, out)
	}
	for _, want := range []string{"bad.conf:3: autorestart:", "bad.conf:4: startsecs:", "bad.conf:5:"} {
		if !strings.Contains(string(out), want) {
			t.Fatalf("missing %q in:\n%s", want, out)
		}
	}
	cmd := exec.Command(initBin, "config", "check")
	cmd.Env = append(os.Environ(), "VIGIL_CONFIG="+p)
	if out, _ := cmd.CombinedOutput(); !strings.Contains(string(out), "bad.conf:3: autorestart:") {
		t.Fatalf("VIGIL_CONFIG not used by config check:\n%s", out)
	}
}

// config show prints the merged config, env programs included, with the
// values of secret-looking variables masked, and what it prints loads.
func TestConfigShowMasksSecrets(t *testing.T) {
	p := filepath.Join(t.TempDir(), "app.conf")
	os.WriteFile(p, []byte("[supervisord]\nenvironment=DB_PASSWORD=\"hunter2\",MODE=\"prod\"\n[program:web]\ncommand=sleep 1\nenvironment=API_TOKEN=\"abc\"\n"), 0o644)
	cmd := exec.Command(initBin, "config", "show", "-c", p)
	cmd.Env = append(os.Environ(), "VIGIL_PROGRAM_extra=true")
	out, err := cmd.CombinedOutput()
	s := string(out)
	if err != nil || strings.Contains(s, "hunter2") || strings.Contains(s, "abc") ||
		!strings.Contains(s, `DB_PASSWORD="****"`) || !strings.Contains(s, `MODE="prod"`) || !strings.Contains(s, "[program:extra]") {
		t.Fatalf("config show: %v\n%s", err, s)
	}
	shown := filepath.Join(t.TempDir(), "shown.conf")
	os.WriteFile(shown, out, 0o644)
	if out, err := exec.Command(initBin, "config", "check", "-c", shown).CombinedOutput(); err != nil {
		t.Fatalf("config show's output does not load: %v\n%s", err, out)
	}
}
