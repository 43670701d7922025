package e2e

import (
	"debug/elf"
	"encoding/json"
	"os/exec"
	"strings"
	"testing"
)

// The README promises that CGO_ENABLED=0 go build gives a binary that runs
// in a FROM scratch image: no interpreter, no shared libraries.
func TestBinaryIsStatic(t *testing.T) {
	f, err := elf.Open(initBin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			t.Fatal("init has a program interpreter: it is dynamically linked")
		}
	}
	if libs, _ := f.ImportedLibraries(); len(libs) > 0 {
		t.Fatalf("init needs shared libraries %v", libs)
	}
}

func TestJSONLogs(t *testing.T) {
	out, err := exec.Command(initBin, "--log-format", "json", "-v", "--", "true").CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 2 {
		t.Fatalf("want debug lines, got %q", out)
	}
	for _, l := range lines {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("line %q is not JSON: %v", l, err)
		}
		if m["logger"] != "vigil" || m["msg"] == nil || m["level"] == nil {
			t.Fatalf("line %q lacks logger, msg or level", l)
		}
	}
}

func TestQuietByDefault(t *testing.T) {
	out, err := exec.Command(initBin, "true").CombinedOutput()
	if err != nil || len(out) != 0 {
		t.Fatalf("init printed %q (%v) for a clean run; it should say nothing", out, err)
	}
	out, _ = exec.Command(initBin, "--log-format", "xml", "true").CombinedOutput()
	if got := strings.TrimSpace(string(out)); got != `vigil: --log-format: log format "xml": want text or json` {
		t.Fatalf("bad --log-format gave %q", got)
	}
}
