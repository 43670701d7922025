package control

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/vigil-sh/vigil/initproc"
)

// initCheck names the line of /readyz about init itself rather than one of
// its programs.
const initCheck = "vigil"

// check is one line of /readyz.
type check struct {
	name string
	ok   bool
	why  string // why it failed, or a note on why it passes anyway
}

// readyz answers like Kubernetes' own /readyz, so that people and tools
// that read one can read the other.
func (s snapshotter) readyz(w http.ResponseWriter, r *http.Request) {
	var checks []check
	st, err := s.take(r.Context())
	if err != nil {
		checks = []check{{name: initCheck, why: err.Error()}}
	} else {
		checks = readinessChecks(st)
	}
	body, ok := renderChecks(checks, verbose(r))
	code := http.StatusOK
	if !ok {
		code = http.StatusServiceUnavailable
	}
	writeText(w, code, body)
}

// readyzProgram answers for one program whatever the others do, for a
// sidecar or a test that waits on one service.
func (s snapshotter) readyzProgram(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("program")
	st, err := s.take(r.Context())
	if err != nil {
		writeText(w, http.StatusServiceUnavailable, err.Error()+"\n")
		return
	}
	p, found := findProgram(st.Programs, name)
	switch {
	case !found:
		writeText(w, http.StatusNotFound, "no program named "+strconv.Quote(name)+"\n")
	case !p.Ready:
		writeText(w, http.StatusServiceUnavailable, p.Name+" not ready: "+whyNot(p)+"\n")
	default:
		writeText(w, http.StatusOK, "ok\n")
	}
}

// readinessChecks gives init's own check first, then each program's in
// start order.
func readinessChecks(st initproc.InitStatus) []check {
	c := check{name: initCheck, ok: true}
	switch {
	case st.CriticalFailed != "":
		c = check{name: initCheck, why: "critical program " + st.CriticalFailed + " failed"}
	case st.ShuttingDown:
		c = check{name: initCheck, why: "shutting down"}
	}
	checks := []check{c}
	for _, p := range st.Programs {
		checks = append(checks, programCheck(p))
	}
	return checks
}

// programCheck passes a program nobody wants running: one stopped on
// purpose, or that only runs on demand, must not hold the container out of
// its Service.
func programCheck(p initproc.ProgramStatus) check {
	switch {
	case p.Ready:
		return check{name: p.Name, ok: true}
	case !p.Wanted:
		return check{name: p.Name, ok: true, why: "not wanted, " + whyNot(p)}
	}
	return check{name: p.Name, why: whyNot(p)}
}

// whyNot never leaves a failed line without a reason.
func whyNot(p initproc.ProgramStatus) string {
	if p.Why != "" {
		return p.Why
	}
	return "state " + p.State.String()
}

// renderChecks lists the failed checks (all of them when verbose) and a
// last line; it reports whether every check passed.
func renderChecks(checks []check, verbose bool) (string, bool) {
	var b strings.Builder
	ok := true
	for _, c := range checks {
		ok = ok && c.ok
		if !c.ok || verbose {
			b.WriteString(c.line())
		}
	}
	switch {
	case !ok:
		b.WriteString("readyz check failed\n")
	case verbose:
		b.WriteString("readyz check passed\n")
	default:
		b.WriteString("ok\n")
	}
	return b.String(), ok
}

func (c check) line() string {
	switch {
	case !c.ok:
		return "[-]" + c.name + " not ready: " + c.why + "\n"
	case c.why != "":
		return "[+]" + c.name + " ok: " + c.why + "\n"
	}
	return "[+]" + c.name + " ok\n"
}

// verbose accepts ?verbose and ?verbose=true like Kubernetes, and lets
// ?verbose=false mean what it says.
func verbose(r *http.Request) bool {
	v, ok := r.URL.Query()["verbose"]
	if !ok {
		return false
	}
	on, err := strconv.ParseBool(v[0])
	return v[0] == "" || err != nil || on
}

// findProgram accepts supervisorctl's "group:name" as well as the plain
// name.
func findProgram(programs []initproc.ProgramStatus, name string) (initproc.ProgramStatus, bool) {
	for _, p := range programs {
		if p.Name == name || p.Group+":"+p.Name == name {
			return p, true
		}
	}
	return initproc.ProgramStatus{}, false
}
