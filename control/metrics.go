package control

import (
	"io"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-sh/vigil/initproc"
)

// textFormat is the Prometheus text format's media type; Prometheus 3
// refuses a scrape whose Content-Type it cannot parse.
const textFormat = "text/plain; version=0.0.4; charset=utf-8"

// metricsHandler serves the metrics listed in the package comment from one
// snapshot per scrape, so that every vigil_ metric of a scrape describes
// the same moment.
type metricsHandler struct {
	snap    snapshotter
	version string
}

func newMetricsHandler(s snapshotter, version string) http.Handler {
	if version == "" {
		version = "unknown"
	}
	return metricsHandler{snap: s, version: version}
}

func (m metricsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var e expo
	e.family("vigil_build_info", "gauge", "Always 1; the labels say which build runs.")
	e.sample("vigil_build_info", 1, "goversion", runtime.Version(), "version", m.version)
	st, err := m.snap.take(r.Context())
	e.family("vigil_up", "gauge", "Whether init's supervisor loop answered this scrape.")
	e.sample("vigil_up", oneIf(err == nil))
	if err == nil {
		writeInit(&e, st)
		writePrograms(&e, st.Programs)
	}
	// The Go and process metrics come last and are served even when init
	// is stuck: they are how one finds out why.
	writeGoMetrics(&e)
	writeProcessMetrics(&e)
	w.Header().Set("Content-Type", textFormat)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = io.WriteString(w, e.b.String())
}

func writeInit(e *expo, st initproc.InitStatus) {
	if !st.Started.IsZero() {
		e.family("vigil_start_time_seconds", "gauge", "When init started, in unix time.")
		e.sample("vigil_start_time_seconds", unixSeconds(st.Started))
	}
	e.family("vigil_shutting_down", "gauge", "1 once init is shutting down.")
	e.sample("vigil_shutting_down", oneIf(st.ShuttingDown))
	e.family("vigil_zombies_reaped_total", "counter", "Orphans init reaped that it had not started.")
	e.sample("vigil_zombies_reaped_total", float64(st.OrphansReaped))
	e.family("vigil_signals_forwarded_total", "counter", "Signals init forwarded to its children.")
	e.sample("vigil_signals_forwarded_total", float64(st.SignalsForwarded))
}

// programMetric is one family of per-program metrics; write may emit
// nothing for a program, to leave out a value it does not have yet.
type programMetric struct {
	name, typ, help string
	write           func(e *expo, name string, p initproc.ProgramStatus)
}

// writePrograms writes family by family, as the text format requires all
// the samples of a family to follow its TYPE line.
func writePrograms(e *expo, programs []initproc.ProgramStatus) {
	for _, pm := range programMetrics() {
		e.family(pm.name, pm.typ, pm.help)
		for _, p := range programs {
			pm.write(e, pm.name, p)
		}
	}
}

func programMetrics() []programMetric {
	return []programMetric{
		{"vigil_program_state", "gauge", "1 for the program's current state, 0 for the others.", writeState},
		{"vigil_program_up", "gauge", "1 when the program is RUNNING.", func(e *expo, n string, p initproc.ProgramStatus) {
			e.sample(n, oneIf(p.State == initproc.Running), "group", p.Group, "program", p.Name)
		}},
		{"vigil_program_ready", "gauge", "1 when the program counts as ready for /readyz.", func(e *expo, n string, p initproc.ProgramStatus) {
			e.sample(n, oneIf(p.Ready), "group", p.Group, "program", p.Name)
		}},
		{"vigil_program_restarts_total", "counter", "Spawns of the program after the first.", func(e *expo, n string, p initproc.ProgramStatus) {
			e.sample(n, float64(p.Restarts), "group", p.Group, "program", p.Name)
		}},
		{"vigil_program_last_exit_code", "gauge", "Exit code of the program's last run, 128+N for signal N.", writeExitCode},
		{"vigil_program_start_time_seconds", "gauge", "Start of the program's current or last run, in unix time.", writeStartTime},
		{"vigil_program_health_status", "gauge", "1 for the program's current health, 0 for the others.", writeHealth},
	}
}

// writeState gives every state a series, 0 or 1, like kube-state-metrics'
// phase metrics: a series that vanishes reads as "no data", not as "not in
// this state".
func writeState(e *expo, name string, p initproc.ProgramStatus) {
	for _, s := range []initproc.State{initproc.Stopped, initproc.Starting, initproc.Running, initproc.Backoff,
		initproc.Stopping, initproc.Exited, initproc.Fatal, initproc.Unknown} {
		e.sample(name, oneIf(p.State == s), "group", p.Group, "program", p.Name, "state", s.String())
	}
}

func writeHealth(e *expo, name string, p initproc.ProgramStatus) {
	for _, h := range []initproc.HealthState{initproc.HealthNone, initproc.HealthStarting,
		initproc.HealthHealthy, initproc.HealthUnhealthy} {
		e.sample(name, oneIf(p.Health == h), "group", p.Group, "program", p.Name, "status", h.String())
	}
}

// writeExitCode leaves the series out before the first exit: -1 would read
// as a real exit code.
func writeExitCode(e *expo, name string, p initproc.ProgramStatus) {
	if p.ExitCode != -1 {
		e.sample(name, float64(p.ExitCode), "group", p.Group, "program", p.Name)
	}
}

// writeStartTime leaves the series out before the first start: 0 would read
// as 1970.
func writeStartTime(e *expo, name string, p initproc.ProgramStatus) {
	if !p.Start.IsZero() {
		e.sample(name, unixSeconds(p.Start), "group", p.Group, "program", p.Name)
	}
}

// expo writes the Prometheus text format. Labels go in the order given,
// which callers keep sorted: that is the order client libraries use, so
// that a grep written against one matches the other.
type expo struct {
	b strings.Builder
}

func (e *expo) family(name, typ, help string) {
	e.b.WriteString("# HELP " + name + " " + help + "\n# TYPE " + name + " " + typ + "\n")
}

// sample writes one series; labels are name, value pairs.
func (e *expo) sample(name string, v float64, labels ...string) {
	e.b.WriteString(name)
	for i := 0; i+1 < len(labels); i += 2 {
		sep := ","
		if i == 0 {
			sep = "{"
		}
		e.b.WriteString(sep + labels[i] + `="` + escapeLabel(labels[i+1]) + `"`)
	}
	if len(labels) > 1 {
		e.b.WriteString("}")
	}
	e.b.WriteString(" " + strconv.FormatFloat(v, 'g', -1, 64) + "\n")
}

// escapeLabel escapes what the text format requires and replaces invalid
// UTF-8, which would make Prometheus reject the whole scrape.
func escapeLabel(v string) string {
	v = strings.ToValidUTF8(v, "\uFFFD")
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

func oneIf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func unixSeconds(t time.Time) float64 {
	return float64(t.UnixNano()) / float64(time.Second)
}
