package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The Docker tests build the images offline (the root Dockerfile around
// the binary under test, a busybox root filesystem from Debian's package,
// the examples in images/), run them in the machine's engine, and remove
// every container, volume and image they made when the package's tests end
// (dockerCleanup), whatever happened.

// dockerRunID tells this run's containers, volumes and images apart from
// anyone else's on the same engine.
var dockerRunID = fmt.Sprintf("r%d", os.Getpid())

// images are the tags built for this run.
type images struct {
	vigil, base, programs, env, main string
}

var (
	dockerOnce sync.Once
	dockerImgs images // set by the first requireDocker, built or not
	dockerErr  error
)

// tags lists the images, for docker rmi.
func (im images) tags() []string { return []string{im.vigil, im.base, im.programs, im.env, im.main} }

// requireDocker returns the images, building them on first use. Without a
// Docker engine the test skips, but not under CI=true.
func requireDocker(t *testing.T) images {
	t.Helper()
	if out, err := exec.Command("docker", "info").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("docker info: %v (%s) and CI=true forbids skipping", err, firstLine(out))
		}
		t.Skipf("no Docker engine answers: %s", firstLine(out))
	}
	dockerOnce.Do(func() { dockerImgs, dockerErr = buildImages() })
	if dockerErr != nil {
		t.Fatal(dockerErr)
	}
	return dockerImgs
}

// firstLine is the gist of a command's output, for a skip's message.
func firstLine(b []byte) string {
	s, _, _ := strings.Cut(strings.TrimSpace(string(b)), "\n")
	return s
}

// buildImages builds this run's images: the tags are returned even on an
// error, so that dockerCleanup removes what was built before it.
func buildImages() (images, error) {
	tag := func(name string) string { return "vigil-e2e/" + name + ":" + dockerRunID }
	im := images{vigil: tag("vigil"), base: tag("busybox"), programs: tag("programs"), env: tag("env"), main: tag("main")}
	// The root Dockerfile, as the README says: the binary at bin/init in
	// the build context.
	ctx, err := os.MkdirTemp("", "vigil-image-")
	if err != nil {
		return im, err
	}
	defer os.RemoveAll(ctx)
	if err := copyFile(initBin, filepath.Join(ctx, "bin", "init"), 0o755); err != nil {
		return im, err
	}
	steps := [][]string{
		{"docker", "build", "-q", "--label", "vigil-e2e=" + dockerRunID, "-t", im.vigil, "-f", "../Dockerfile", ctx},
		{"../images/busybox-rootfs.sh", im.base},
	}
	for dir, t := range map[string]string{"programs": im.programs, "env": im.env, "main": im.main} {
		steps = append(steps, []string{"docker", "build", "-q", "--label", "vigil-e2e=" + dockerRunID,
			"--build-arg", "VIGIL=" + im.vigil, "--build-arg", "BASE=" + im.base, "-t", t, "../images/" + dir})
	}
	for _, s := range steps {
		if out, err := exec.Command(s[0], s[1:]...).CombinedOutput(); err != nil {
			return im, fmt.Errorf("%s: %v\n%s", strings.Join(s, " "), err, out)
		}
	}
	return im, nil
}

// copyFile copies a file, making the directories it goes in.
func copyFile(from, to string, mode os.FileMode) error {
	b, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, b, mode)
}

// dockerCleanup removes what this run made; TestMain calls it. A run that
// never asked for Docker has nothing to remove.
func dockerCleanup() {
	if dockerImgs.vigil == "" {
		return
	}
	filter := "label=vigil-e2e=" + dockerRunID
	if ids, _ := exec.Command("docker", "ps", "-aq", "--filter", filter).Output(); len(ids) > 0 {
		exec.Command("docker", append([]string{"rm", "-f", "-v"}, strings.Fields(string(ids))...)...).Run()
	}
	if vols, _ := exec.Command("docker", "volume", "ls", "-q", "--filter", filter).Output(); len(vols) > 0 {
		exec.Command("docker", append([]string{"volume", "rm", "-f"}, strings.Fields(string(vols))...)...).Run()
	}
	exec.Command("docker", append([]string{"rmi", "-f"}, dockerImgs.tags()...)...).Run()
}

// container is one running container of a test.
type container struct {
	t  *testing.T
	id string
}

// runContainer starts a container in the background; it is removed when
// the test ends, after its log is shown if the test failed.
func runContainer(t *testing.T, args ...string) *container {
	t.Helper()
	argv := append([]string{"run", "-d", "--label", "vigil-e2e=" + dockerRunID}, args...)
	out, err := exec.Command("docker", argv...).CombinedOutput()
	if err != nil {
		t.Fatalf("docker %s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	c := &container{t: t, id: strings.TrimSpace(string(out))}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("docker logs %.12s:\n%s", c.id, c.logs())
		}
		exec.Command("docker", "rm", "-f", "-v", c.id).Run()
	})
	return c
}

// exec runs a command in the container and returns its output and exit code.
func (c *container) exec(args ...string) (string, int) {
	c.t.Helper()
	return runCode(c.t, "docker", append([]string{"exec", c.id}, args...)...)
}

// mustExec is exec for a command that must succeed: its output, or the
// test fails.
func (c *container) mustExec(args ...string) string {
	c.t.Helper()
	out, code := c.exec(args...)
	if code != 0 {
		c.t.Fatalf("docker exec %v: exit %d\n%s", args, code, out)
	}
	return out
}

// logs is docker logs: init's output, stdout and stderr together.
func (c *container) logs() string {
	out, _ := exec.Command("docker", "logs", c.id).CombinedOutput()
	return string(out)
}

// inspect is one field of docker inspect, by its Go template.
func (c *container) inspect(format string) string {
	out, _ := exec.Command("docker", "inspect", "-f", format, c.id).Output()
	return strings.TrimSpace(string(out))
}

// eventually polls cond until it holds, failing the test after limit with
// the container's log. Each poll runs docker, hence the longer interval.
func (c *container) eventually(what string, limit time.Duration, cond func() bool) {
	c.t.Helper()
	if !poll(limit, 50*time.Millisecond, cond) {
		c.t.Fatalf("timed out after %v waiting for %s\ndocker logs:\n%s", limit, what, c.logs())
	}
}

// waitLogs waits until the container's log shows s.
func (c *container) waitLogs(s string) {
	c.t.Helper()
	c.eventually(fmt.Sprintf("docker logs to show %q", s), 20*time.Second, func() bool { return strings.Contains(c.logs(), s) })
}

// waitExit waits for the container to stop and returns its exit code.
func (c *container) waitExit(limit time.Duration) int {
	c.t.Helper()
	c.eventually("the container to exit", limit, func() bool { return c.inspect("{{.State.Running}}") == "false" })
	code, err := strconv.Atoi(c.inspect("{{.State.ExitCode}}"))
	if err != nil {
		c.t.Fatalf("exit code: %v", err)
	}
	return code
}

// stop runs docker stop, with its default 10 s unless flags say otherwise
// (-t), and returns how long it took and the container's exit code.
func (c *container) stop(flags ...string) (time.Duration, int) {
	c.t.Helper()
	began := time.Now()
	argv := append(append([]string{"stop"}, flags...), c.id)
	if out, err := exec.Command("docker", argv...).CombinedOutput(); err != nil {
		c.t.Fatalf("docker stop: %v\n%s", err, out)
	}
	took := time.Since(began)
	return took, c.waitExit(time.Second)
}

// kill sends sig, by name, to the container's PID 1: init.
func (c *container) kill(sig string) {
	c.t.Helper()
	if out, err := exec.Command("docker", "kill", "-s", sig, c.id).CombinedOutput(); err != nil {
		c.t.Fatalf("docker kill -s %s: %v\n%s", sig, err, out)
	}
}

// waitRunning waits until `init ctl status` in the container shows every
// one of names RUNNING, and returns the pid of each program that is.
func (c *container) waitRunning(names ...string) map[string]int {
	c.t.Helper()
	var m map[string]int
	c.eventually(fmt.Sprintf("%v to be RUNNING", names), 20*time.Second, func() bool {
		out, _ := c.exec("/init", "ctl", "status")
		m = runningPids(out)
		for _, n := range names {
			if m[n] == 0 {
				return false
			}
		}
		return true
	})
	return m
}

// logLine is what every line of a container's log under init must look
// like: init's own, or a whole line of a program behind its prefix.
var logLine = regexp.MustCompile(`^(vigil: .+|[a-z]+ +\| .*)$`)

// checkLogLines fails on any line of the log that is neither.
func checkLogLines(t *testing.T, logs string) {
	t.Helper()
	for _, l := range strings.Split(strings.TrimRight(logs, "\n"), "\n") {
		if !logLine.MatchString(l) {
			t.Errorf("docker logs has a line that is neither init's nor a prefixed program line: %q", l)
		}
	}
}
