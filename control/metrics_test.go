package control

import (
	"errors"
	"net/http"
	"runtime"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/vigil-sh/vigil/initproc"
)

func scrape(t *testing.T, src Source) map[string]*dto.MetricFamily {
	t.Helper()
	code, body, hdr := serve(t, src, http.MethodGet, "/metrics", nil)
	if code != http.StatusOK {
		t.Fatalf("/metrics: %d\n%s", code, body)
	}
	if ct := hdr.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("Content-Type %q, want the text format", ct)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("metrics do not parse: %v\n%s", err, body)
	}
	return fams
}

// sample finds the value of the series of name whose labels include want;
// ok is false when there is none.
func sample(fams map[string]*dto.MetricFamily, name string, want map[string]string) (v float64, ok bool) {
	for _, m := range fams[name].GetMetric() {
		if hasLabels(m, want) {
			return m.GetGauge().GetValue() + m.GetCounter().GetValue() + m.GetUntyped().GetValue(), true
		}
	}
	return 0, false
}

func hasLabels(m *dto.Metric, want map[string]string) bool {
	got := map[string]string{}
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

func expect(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string, want float64) {
	t.Helper()
	got, ok := sample(fams, name, labels)
	if !ok || got != want {
		t.Errorf("%s%v = %v (present %v), want %v", name, labels, got, ok, want)
	}
}

func absent(t *testing.T, fams map[string]*dto.MetricFamily, name string, labels map[string]string) {
	t.Helper()
	if v, ok := sample(fams, name, labels); ok {
		t.Errorf("%s%v = %v, want no series", name, labels, v)
	}
}

func metricsStatus() initproc.InitStatus {
	started := time.Unix(1700000000, 500_000_000)
	web := initproc.ProgramStatus{Name: "web", Group: "app", State: initproc.Running, Pid: 42,
		Start: started.Add(time.Minute), ExitCode: 3, Restarts: 5, Wanted: true, Ready: true,
		Health: initproc.HealthHealthy}
	cron := initproc.ProgramStatus{Name: "cron", Group: "cron", State: initproc.Stopped, ExitCode: -1,
		Why: "state STOPPED"}
	return initproc.InitStatus{Started: started, Programs: []initproc.ProgramStatus{web, cron},
		ShuttingDown: true, OrphansReaped: 7, SignalsForwarded: 2}
}

func TestMetrics(t *testing.T) {
	fams := scrape(t, &fakeSource{st: metricsStatus()})
	web := map[string]string{"program": "web", "group": "app"}
	cron := map[string]string{"program": "cron", "group": "cron"}
	expect(t, fams, "vigil_up", nil, 1)
	expect(t, fams, "vigil_build_info", map[string]string{"version": "1.2.3", "goversion": runtime.Version()}, 1)
	expect(t, fams, "vigil_start_time_seconds", nil, 1700000000.5)
	expect(t, fams, "vigil_shutting_down", nil, 1)
	expect(t, fams, "vigil_zombies_reaped_total", nil, 7)
	expect(t, fams, "vigil_signals_forwarded_total", nil, 2)
	expect(t, fams, "vigil_program_up", web, 1)
	expect(t, fams, "vigil_program_up", cron, 0)
	expect(t, fams, "vigil_program_ready", web, 1)
	expect(t, fams, "vigil_program_ready", cron, 0)
	expect(t, fams, "vigil_program_restarts_total", web, 5)
	expect(t, fams, "vigil_program_last_exit_code", web, 3)
	absent(t, fams, "vigil_program_last_exit_code", cron)
	expect(t, fams, "vigil_program_start_time_seconds", web, 1700000060.5)
	absent(t, fams, "vigil_program_start_time_seconds", cron)
	oneHot(t, fams, "vigil_program_state", "state", web, "RUNNING", 8)
	oneHot(t, fams, "vigil_program_state", "state", cron, "STOPPED", 8)
	oneHot(t, fams, "vigil_program_health_status", "status", web, "healthy", 4)
	oneHot(t, fams, "vigil_program_health_status", "status", cron, "none", 4)
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "process_open_fds"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("no %s", name)
		}
	}
}

// oneHot checks that the program has one series per value of label, and
// that only cur is 1.
func oneHot(t *testing.T, fams map[string]*dto.MetricFamily, name, label string, prog map[string]string, cur string, n int) {
	t.Helper()
	seen := 0
	for _, m := range fams[name].GetMetric() {
		if !hasLabels(m, prog) {
			continue
		}
		seen++
		v, want := m.GetGauge().GetValue(), 0.0
		if hasLabels(m, map[string]string{label: cur}) {
			want = 1
		}
		if v != want {
			t.Errorf("%s%v %v = %v, want %v", name, prog, m.GetLabel(), v, want)
		}
	}
	if seen != n {
		t.Errorf("%s%v: %d series, want %d", name, prog, seen, n)
	}
}

func TestMetricTypes(t *testing.T) {
	fams := scrape(t, &fakeSource{st: metricsStatus()})
	for name, want := range map[string]dto.MetricType{
		"vigil_program_restarts_total": dto.MetricType_COUNTER,
		"vigil_zombies_reaped_total":   dto.MetricType_COUNTER,
		"vigil_program_state":          dto.MetricType_GAUGE,
		"vigil_up":                     dto.MetricType_GAUGE,
	} {
		if got := fams[name].GetType(); got != want {
			t.Errorf("%s is a %v, want a %v", name, got, want)
		}
	}
}

func TestMetricsWhenSnapshotFails(t *testing.T) {
	for name, src := range map[string]*fakeSource{
		"error": {err: errors.New("boom")},
		"stuck": {stuck: true},
	} {
		t.Run(name, func(t *testing.T) {
			fams := scrape(t, src)
			expect(t, fams, "vigil_up", nil, 0)
			expect(t, fams, "vigil_build_info", map[string]string{"version": "1.2.3"}, 1)
			if _, ok := fams["go_goroutines"]; !ok {
				t.Error("no Go runtime metrics when init does not answer")
			}
			for _, name := range []string{"vigil_program_state", "vigil_shutting_down", "vigil_zombies_reaped_total"} {
				if _, ok := fams[name]; ok {
					t.Errorf("%s served without a snapshot", name)
				}
			}
		})
	}
}

func TestMetricsLabelEscaping(t *testing.T) {
	st := metricsStatus()
	st.Programs[1].Name = "odd\"\\\nname\xff"
	fams := scrape(t, &fakeSource{st: st})
	expect(t, fams, "vigil_program_up", map[string]string{"program": "odd\"\\\nname\uFFFD"}, 0)
	expect(t, fams, "vigil_program_up", map[string]string{"program": "web"}, 1)
}

func TestMetricsContentType(t *testing.T) {
	_, _, hdr := serve(t, &fakeSource{}, http.MethodGet, "/metrics", nil)
	if got := hdr.Get("Content-Type"); got != "text/plain; version=0.0.4; charset=utf-8" {
		t.Errorf("Content-Type %q; Prometheus 3 needs the text format's own", got)
	}
}

// TestMetricsLabelOrder pins the exact text of a few lines: people grep
// for them, and labels sorted by name is what client libraries write.
func TestMetricsLabelOrder(t *testing.T) {
	_, body, _ := serve(t, &fakeSource{st: metricsStatus()}, http.MethodGet, "/metrics", nil)
	for _, want := range []string{
		`vigil_program_last_exit_code{group="app",program="web"} 3` + "\n",
		`vigil_program_state{group="cron",program="cron",state="STOPPED"} 1` + "\n",
		`vigil_program_health_status{group="app",program="web",status="healthy"} 1` + "\n",
		"vigil_up 1\n",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("no line %q in\n%s", want, body)
		}
	}
}

func TestBuildInfoVersionDefault(t *testing.T) {
	h := NewHandler(&fakeSource{}, Options{})
	body := get(h, "/metrics")
	if !strings.Contains(body, `vigil_build_info{goversion="`+runtime.Version()+`",version="unknown"} 1`) {
		t.Errorf("no build info with version unknown:\n%s", body)
	}
}
