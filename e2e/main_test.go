// Package e2e tests the built init binary as it is used: as PID 1 of a fresh
// PID namespace, with real processes and real signals.
package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Paths of the binaries under test, built once by TestMain.
var (
	initBin string
	progBin string
)

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "vigil-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	initBin = filepath.Join(dir, "init")
	progBin = filepath.Join(dir, "testprog")
	for _, b := range [][2]string{{initBin, "../cmd/init"}, {progBin, "./testprog"}} {
		cmd := exec.Command("go", "build", "-o", b[0], b[1])
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "building %s: %v\n%s", b[1], err, out)
			os.Exit(1)
		}
	}
	code := m.Run()
	dockerCleanup()
	os.RemoveAll(dir)
	os.Exit(code)
}

// requireRoot skips a test that needs root (new PID namespaces) outside CI;
// in CI (CI=true) such a test must run, so there it fails instead.
func requireRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() == 0 {
		return
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("this test needs root (it creates PID namespaces) and CI=true forbids skipping it")
	}
	t.Skip("needs root: it creates PID namespaces; run as root or in CI")
}

// requireTool fails or skips like requireRoot when a program is missing.
func requireTool(t *testing.T, name, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err == nil {
		return p
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s not found (Debian package %s) and CI=true forbids skipping", name, pkg)
	}
	t.Skipf("%s not found: apt-get install %s", name, pkg)
	return ""
}
