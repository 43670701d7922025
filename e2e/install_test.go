package e2e

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestInstall(t *testing.T) {
	dir := t.TempDir()
	out, err := exec.Command(initBin, "install", dir).CombinedOutput()
	dst := filepath.Join(dir, "init")
	if err != nil || strings.TrimSpace(string(out)) != dst {
		t.Fatalf("install: %v\n%s", err, out)
	}
	st, err := os.Stat(dst)
	if err != nil || st.Mode().Perm() != 0o755 {
		t.Fatalf("installed file: %v %v", st, err)
	}
	a, _ := os.ReadFile(initBin)
	b, _ := os.ReadFile(dst)
	if !bytes.Equal(a, b) {
		t.Fatal("the installed binary differs from the running one")
	}
	if out, err := exec.Command(dst, "--", "true").CombinedOutput(); err != nil {
		t.Fatalf("the installed init does not run: %v %s", err, out)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".init-*"))
	if len(left) != 0 {
		t.Fatalf("temporary files left: %v", left)
	}
	if out, err := exec.Command(initBin, "install", filepath.Join(dir, "missing")).CombinedOutput(); err == nil || !strings.Contains(string(out), "DIR must exist") {
		t.Fatalf("install into a missing dir: %v %s", err, out)
	}
}
