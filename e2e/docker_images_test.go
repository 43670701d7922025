package e2e

import (
	"os/exec"
	"strings"
	"testing"
	"time"
)

// The programs example as people use it: docker run, logs, exec ctl,
// orphans, HEALTHCHECK, then docker stop. Phases share one container and
// run in order.
func TestDockerProgramsImage(t *testing.T) {
	im := requireDocker(t)
	// --health-interval only makes the image's own HEALTHCHECK run every
	// second; its command stays ["/init","ctl","health"].
	c := runContainer(t, "-e", "VIGIL_VERBOSE=1", "--health-interval=1s", im.programs)
	phases := []struct {
		name string
		run  func(t *testing.T)
	}{
		{"programs run and log prefixed whole lines", func(t *testing.T) {
			c.waitRunning("web", "worker")
			c.waitLogs("worker | job 2 done")
			checkLogLines(t, c.logs())
		}},
		{"ctl restart changes the pid", func(t *testing.T) {
			before := c.waitRunning("web")["web"]
			if out := c.mustExec("/init", "ctl", "restart", "web"); !strings.Contains(out, "web") {
				t.Fatalf("ctl restart web: %q", out)
			}
			after := c.waitRunning("web")["web"]
			if after == before {
				t.Fatalf("web's pid is still %d after a restart", before)
			}
		}},
		{"ctl tail shows a program's output", func(t *testing.T) {
			if out := c.mustExec("/init", "ctl", "tail", "worker"); !strings.Contains(out, "job ") {
				t.Fatalf("ctl tail worker: %q", out)
			}
		}},
		{"orphans are reaped", func(t *testing.T) { checkOrphansReaped(t, c) }},
		{"HEALTHCHECK healthy, then unhealthy when web fails", func(t *testing.T) {
			c.eventually("docker to report healthy", 30*time.Second, func() bool { return c.inspect("{{.State.Health.Status}}") == "healthy" })
			// web now answers 404: its health check fails, so it is not
			// ready, and init ctl health says so to Docker.
			c.mustExec("rm", "/srv/www/index.html")
			c.eventually("docker to report unhealthy", 30*time.Second, func() bool { return c.inspect("{{.State.Health.Status}}") == "unhealthy" })
			if out, code := c.exec("/init", "ctl", "health"); code != 3 || !strings.Contains(out, "web") {
				t.Fatalf("ctl health: exit %d\n%s", code, out)
			}
		}},
		{"docker stop: stopsignals, last lines, exit 0", func(t *testing.T) {
			took, code := c.stop()
			logs := c.logs()
			for _, want := range []string{"worker | stopping after job", `stopped: web status="signal TERM"`, `stopped: worker status="exit status 0"`} {
				if !strings.Contains(logs, want) {
					t.Errorf("docker logs lack %q", want)
				}
			}
			if code != 0 || took > 5*time.Second {
				t.Errorf("docker stop took %v and the exit code is %d; want well under 10 s and 0", took, code)
			}
			checkLogLines(t, logs)
			t.Logf("docker stop took %v", took)
		}},
	}
	for _, p := range phases {
		if !t.Run(p.name, p.run) {
			return
		}
	}
}

// checkOrphansReaped makes 20 orphans through docker exec (their parent
// exits at once, so they are reparented to init, PID 1 of the container)
// and checks that init reaped every one and no zombie is left.
func checkOrphansReaped(t *testing.T, c *container) {
	t.Helper()
	reaped := func() int {
		out, _ := c.exec("wget", "-q", "-O", "-", "http://127.0.0.1:9001/metrics")
		n, ok := sampleOf(out, "vigil_zombies_reaped_total")
		if !ok {
			t.Fatalf("no vigil_zombies_reaped_total in /metrics:\n%s", out)
		}
		return int(n)
	}
	before := reaped()
	c.mustExec("sh", "-c", "for i in $(seq 20); do (sleep 0.2 &); done")
	c.eventually("init to reap the 20 orphans", 20*time.Second, func() bool { return reaped() >= before+20 })
	out := c.mustExec("ps", "-o", "pid,ppid,stat,args")
	for _, l := range strings.Split(out, "\n")[1:] {
		if f := strings.Fields(l); len(f) > 2 && strings.HasPrefix(f[2], "Z") {
			t.Errorf("a zombie is left:\n%s", out)
		}
	}
}

// A main command with helpers: USR1 reaches the app, docker stop stops the
// app, then the helpers, and the container exits with the app's status.
func TestDockerMainCommand(t *testing.T) {
	im := requireDocker(t)
	c := runContainer(t, im.main)
	c.waitLogs("app: started with --port 8080")
	c.kill("USR1")
	c.waitLogs("app: reloading on USR1")
	took, code := c.stop()
	logs := c.logs()
	app, cache := strings.Index(logs, "app: stopping"), strings.Index(logs, "cache | cache: flushed")
	if app < 0 || cache < 0 || cache < app {
		t.Errorf("want the app to stop, then the helpers, with their last lines in docker logs:\n%s", logs)
	}
	if code != 143 || took > 5*time.Second {
		t.Errorf("docker stop took %v, exit code %d; want well under 10 s and the app's 143", took, code)
	}
}

// Signals that end an ordinary process by default do not end init; only
// SIGKILL ends it at once, before any program could print a last line.
func TestDockerOnlyKillKillsInitAtOnce(t *testing.T) {
	im := requireDocker(t)
	c := runContainer(t, im.programs)
	c.waitRunning("web", "worker")
	for _, sig := range []string{"HUP", "USR1", "USR2", "ALRM", "PIPE", "VTALRM", "WINCH"} {
		c.kill(sig)
		if out, code := c.exec("/init", "ctl", "status"); code != 0 {
			t.Fatalf("after docker kill -s %s, ctl status: exit %d\n%s", sig, code, out)
		}
	}
	if c.inspect("{{.State.Running}}") != "true" {
		t.Fatal("the container stopped")
	}
	began := time.Now()
	c.kill("KILL")
	if code := c.waitExit(5 * time.Second); code != 137 {
		t.Errorf("exit code after SIGKILL: %d, want 137", code)
	}
	if strings.Contains(c.logs(), "stopping after job") {
		t.Error("a program stopped gracefully: something other than SIGKILL ended init")
	}
	t.Logf("SIGKILL ended the container in %v", time.Since(began))
}

// Programs from the environment only, and a mistake in one of them.
func TestDockerEnvImage(t *testing.T) {
	im := requireDocker(t)
	c := runContainer(t, im.env)
	c.waitRunning("web", "clock")
	c.eventually("/readyz to answer 200", 20*time.Second, func() bool {
		_, code := c.exec("wget", "-q", "-O", "/dev/null", "http://127.0.0.1:9001/readyz")
		return code == 0
	})
	out, code := runCode(t, "docker", "run", "--rm", "--label", "vigil-e2e="+dockerRunID,
		"-e", "VIGIL_PROGRAM_web__AUTORESTART=maybe", im.env)
	if code != 2 || !strings.Contains(out, "VIGIL_PROGRAM_web__AUTORESTART") {
		t.Fatalf("a bad variable: exit %d, want 2 and a line naming it:\n%s", code, out)
	}
}

// docker run --read-only --user 1000:1000: the socket falls back to the
// tmpfs, ctl finds it as that user or as root; without a tmpfs the log says
// what to mount, and the programs run anyway.
func TestDockerReadOnlyNonRoot(t *testing.T) {
	im := requireDocker(t)
	c := runContainer(t, "--read-only", "--tmpfs", "/tmp", "--user", "1000:1000", im.programs)
	c.waitRunning("web", "worker")
	if out, code := runCode(t, "docker", "exec", "--user", "1000:1000", c.id, "/init", "ctl", "status"); code != 0 || !strings.Contains(out, "worker") {
		t.Fatalf("ctl status as 1000: exit %d\n%s", code, out)
	}
	if took, code := c.stop(); code != 0 || took > 5*time.Second {
		t.Errorf("docker stop: %v, exit %d", took, code)
	}

	bare := runContainer(t, "--read-only", "--user", "1000:1000", im.programs)
	bare.waitLogs("worker | job 1 done")
	bare.waitLogs("mount a tmpfs on /run or on /tmp")
	if out, code := bare.exec("/init", "ctl", "status"); code == 0 || !strings.Contains(out, "cannot reach init") {
		t.Fatalf("ctl without a socket: exit %d\n%s", code, out)
	}
}

// docker run -it of a shell under init: the shell has job control. Ctrl-Z
// stops the foreground job, Ctrl-C interrupts one, and the shell's exit
// status is the container's.
func TestDockerInteractiveJobControl(t *testing.T) {
	im := requireDocker(t)
	name := "vigil-e2e-tty-" + dockerRunID
	term := startTerminal(t, exec.Command("docker", "run", "-it", "--rm", "--name", name, "--label", "vigil-e2e="+dockerRunID,
		"-e", "PS1=prompt$ ", "-e", "TERM=dumb", im.programs, "sh"))
	t.Cleanup(func() { exec.Command("docker", "rm", "-f", name).Run() })
	term.expect("prompt$ ")
	term.send("sleep 1234\n")
	term.expectProcessIn(name, "S", "sleep 1234")
	term.send("\x1a") // Ctrl-Z
	term.expect("Stopped")
	term.expectProcessIn(name, "T", "sleep 1234")
	term.send("jobs\n")
	term.expect("sleep 1234")
	term.send("fg\n")
	term.expectProcessIn(name, "S", "sleep 1234")
	term.send("\x03") // Ctrl-C
	term.send("echo status=$?\n")
	term.expect("status=130")
	term.send("exit 7\n")
	if code := term.wait(20 * time.Second); code != 7 {
		t.Fatalf("docker run -it exited %d, want the shell's 7; screen:\n%s", code, term.screen)
	}
}
