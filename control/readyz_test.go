package control

import (
	"net/http"
	"testing"

	"github.com/vigil-sh/vigil/initproc"
)

func prog(name string, ready, wanted bool) initproc.ProgramStatus {
	p := initproc.ProgramStatus{Name: name, Group: name, State: initproc.Running, ExitCode: -1,
		Wanted: wanted, Ready: ready}
	if !ready {
		p.State, p.Why = initproc.Starting, "state STARTING"
	}
	return p
}

func status(programs ...initproc.ProgramStatus) initproc.InitStatus {
	return initproc.InitStatus{Programs: programs}
}

func TestReadyz(t *testing.T) {
	shutting := status(prog("web", true, true))
	shutting.ShuttingDown = true
	critical := status(prog("web", true, true))
	critical.CriticalFailed = "db"
	unhealthy := prog("web", false, true)
	unhealthy.Why = "health check unhealthy"
	noWhy := prog("web", false, true)
	noWhy.Why, noWhy.State = "", initproc.Backoff
	for _, tc := range []struct {
		name   string
		src    Source
		target string
		code   int
		body   string
	}{
		{"all ready", &fakeSource{st: status(prog("web", true, true), prog("db", true, true))}, "/readyz",
			200, "ok\n"},
		{"no programs", &fakeSource{}, "/readyz", 200, "ok\n"},
		{"not wanted, not ready", &fakeSource{st: status(prog("web", true, true), prog("cron", false, false))}, "/readyz",
			200, "ok\n"},
		{"wanted, not ready", &fakeSource{st: status(prog("db", true, true), unhealthy)}, "/readyz",
			503, "[-]web not ready: health check unhealthy\nreadyz check failed\n"},
		{"two not ready", &fakeSource{st: status(prog("db", false, true), unhealthy)}, "/readyz",
			503, "[-]db not ready: state STARTING\n[-]web not ready: health check unhealthy\nreadyz check failed\n"},
		{"no reason given", &fakeSource{st: status(noWhy)}, "/readyz",
			503, "[-]web not ready: state BACKOFF\nreadyz check failed\n"},
		{"critical failed", &fakeSource{st: critical}, "/readyz",
			503, "[-]vigil not ready: critical program db failed\nreadyz check failed\n"},
		{"shutting down", &fakeSource{st: shutting}, "/readyz",
			503, "[-]vigil not ready: shutting down\nreadyz check failed\n"},
		{"stuck", &fakeSource{stuck: true}, "/readyz",
			503, "[-]vigil not ready: " + initproc.ErrNotResponding.Error() + "\nreadyz check failed\n"},
		{"verbose, failed", &fakeSource{st: status(prog("db", true, true), unhealthy, prog("cron", false, false))}, "/readyz?verbose",
			503, "[+]vigil ok\n[+]db ok\n[-]web not ready: health check unhealthy\n[+]cron ok: not wanted, state STARTING\nreadyz check failed\n"},
		{"verbose, passed", &fakeSource{st: status(prog("db", true, true))}, "/readyz?verbose=true",
			200, "[+]vigil ok\n[+]db ok\nreadyz check passed\n"},
		{"verbose=false", &fakeSource{st: status(prog("db", true, true))}, "/readyz?verbose=false",
			200, "ok\n"},
		{"one program, ready", &fakeSource{st: status(prog("db", true, true), unhealthy)}, "/readyz/db",
			200, "ok\n"},
		{"one program, not ready", &fakeSource{st: status(prog("db", true, true), unhealthy)}, "/readyz/web",
			503, "web not ready: health check unhealthy\n"},
		{"one program, group:name", &fakeSource{st: status(prog("db", true, true))}, "/readyz/db:db",
			200, "ok\n"},
		{"one program, ready while shutting down", &fakeSource{st: shutting}, "/readyz/web",
			200, "ok\n"},
		{"one program, unknown", &fakeSource{st: status(prog("db", true, true))}, "/readyz/nope",
			404, "no program named \"nope\"\n"},
		{"one program, stuck", &fakeSource{stuck: true}, "/readyz/db",
			503, initproc.ErrNotResponding.Error() + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, body, _ := serve(t, tc.src, http.MethodGet, tc.target, nil)
			if code != tc.code || body != tc.body {
				t.Errorf("GET %s: %d\n%s\nwant %d\n%s", tc.target, code, body, tc.code, tc.body)
			}
		})
	}
}
