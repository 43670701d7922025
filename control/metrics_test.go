package control

import (
	"errors"
	"net/http"
	"os"
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

// checkTypes checks that each family of types is there, with samples and
// of its type. (A missing family's GetType is COUNTER, the zero value.)
func checkTypes(t *testing.T, fams map[string]*dto.MetricFamily, types map[string]dto.MetricType) {
	t.Helper()
	for name, want := range types {
		f, ok := fams[name]
		if !ok {
			t.Errorf("no %s", name)
			continue
		}
		if got := f.GetType(); got != want {
			t.Errorf("%s is a %v, want a %v", name, got, want)
		}
		if len(f.GetMetric()) == 0 {
			t.Errorf("%s has no samples", name)
		}
	}
}

func TestMetricTypes(t *testing.T) {
	fams := scrape(t, &fakeSource{st: metricsStatus()})
	checkTypes(t, fams, map[string]dto.MetricType{
		"vigil_program_restarts_total": dto.MetricType_COUNTER,
		"vigil_zombies_reaped_total":   dto.MetricType_COUNTER,
		"vigil_program_state":          dto.MetricType_GAUGE,
		"vigil_up":                     dto.MetricType_GAUGE,
	})
	for name, f := range fams {
		if f.GetType() == dto.MetricType_UNTYPED || f.GetHelp() == "" {
			t.Errorf("%s: type %v, help %q; every family needs both", name, f.GetType(), f.GetHelp())
		}
	}
}

// TestGoAndProcessMetrics checks the go_* and process_* families that
// client_golang's collectors define: present, typed as there, and with
// values that describe this test process.
func TestGoAndProcessMetrics(t *testing.T) {
	runtime.GC() // so that the pause summary has a sample
	before := time.Now()
	fams := scrape(t, &fakeSource{st: metricsStatus()})
	checkTypes(t, fams, map[string]dto.MetricType{
		"go_info":                          dto.MetricType_GAUGE,
		"go_goroutines":                    dto.MetricType_GAUGE,
		"go_threads":                       dto.MetricType_GAUGE,
		"go_sched_gomaxprocs_threads":      dto.MetricType_GAUGE,
		"go_gc_gogc_percent":               dto.MetricType_GAUGE,
		"go_gc_gomemlimit_bytes":           dto.MetricType_GAUGE,
		"go_gc_duration_seconds":           dto.MetricType_SUMMARY,
		"go_memstats_alloc_bytes":          dto.MetricType_GAUGE,
		"go_memstats_alloc_bytes_total":    dto.MetricType_COUNTER,
		"go_memstats_mallocs_total":        dto.MetricType_COUNTER,
		"go_memstats_frees_total":          dto.MetricType_COUNTER,
		"go_memstats_sys_bytes":            dto.MetricType_GAUGE,
		"go_memstats_heap_alloc_bytes":     dto.MetricType_GAUGE,
		"go_memstats_heap_sys_bytes":       dto.MetricType_GAUGE,
		"go_memstats_heap_idle_bytes":      dto.MetricType_GAUGE,
		"go_memstats_heap_inuse_bytes":     dto.MetricType_GAUGE,
		"go_memstats_heap_released_bytes":  dto.MetricType_GAUGE,
		"go_memstats_heap_objects":         dto.MetricType_GAUGE,
		"go_memstats_next_gc_bytes":        dto.MetricType_GAUGE,
		"go_memstats_stack_inuse_bytes":    dto.MetricType_GAUGE,
		"go_memstats_stack_sys_bytes":      dto.MetricType_GAUGE,
		"go_memstats_last_gc_time_seconds": dto.MetricType_GAUGE,
		"process_cpu_seconds_total":        dto.MetricType_COUNTER,
		"process_resident_memory_bytes":    dto.MetricType_GAUGE,
		"process_virtual_memory_bytes":     dto.MetricType_GAUGE,
		"process_start_time_seconds":       dto.MetricType_GAUGE,
		"process_open_fds":                 dto.MetricType_GAUGE,
		"process_max_fds":                  dto.MetricType_GAUGE,
	})

	v := func(name string) float64 {
		t.Helper()
		got, ok := sample(fams, name, nil)
		if !ok {
			t.Errorf("no %s", name)
		}
		return got
	}
	atLeast := func(name string, got, min float64) {
		t.Helper()
		if !(got >= min) {
			t.Errorf("%s = %v, want at least %v", name, got, min)
		}
	}
	expect(t, fams, "go_info", map[string]string{"version": runtime.Version()}, 1)
	atLeast("go_goroutines", v("go_goroutines"), 1)
	atLeast("go_threads", v("go_threads"), 1)
	expect(t, fams, "go_sched_gomaxprocs_threads", nil, float64(runtime.GOMAXPROCS(0)))
	atLeast("go_memstats_heap_alloc_bytes", v("go_memstats_heap_alloc_bytes"), 1)
	atLeast("go_memstats_sys_bytes", v("go_memstats_sys_bytes"), v("go_memstats_heap_sys_bytes"))
	atLeast("go_memstats_heap_sys_bytes", v("go_memstats_heap_sys_bytes"), v("go_memstats_heap_alloc_bytes"))
	atLeast("go_memstats_mallocs_total", v("go_memstats_mallocs_total"), v("go_memstats_frees_total"))
	atLeast("go_memstats_last_gc_time_seconds", v("go_memstats_last_gc_time_seconds"), float64(before.Add(-time.Minute).Unix()))
	gc := fams["go_gc_duration_seconds"].GetMetric()
	if len(gc) != 1 || len(gc[0].GetSummary().GetQuantile()) != 5 {
		t.Errorf("go_gc_duration_seconds: want one summary with 5 quantiles, got %v", gc)
	} else {
		s := gc[0].GetSummary()
		atLeast("go_gc_duration_seconds_count", float64(s.GetSampleCount()), 1)
		atLeast("go_gc_duration_seconds_sum", s.GetSampleSum(), 0)
		atLeast("go_gc_duration_seconds{quantile=\"1\"}", s.GetQuantile()[4].GetValue(), s.GetQuantile()[0].GetValue())
	}

	atLeast("process_cpu_seconds_total", v("process_cpu_seconds_total"), 0)
	atLeast("process_resident_memory_bytes", v("process_resident_memory_bytes"), 1<<20)
	atLeast("process_virtual_memory_bytes", v("process_virtual_memory_bytes"), v("process_resident_memory_bytes"))
	atLeast("process_open_fds", v("process_open_fds"), 1)
	atLeast("process_max_fds", v("process_max_fds"), v("process_open_fds"))
	// The test binary started before this test, and not long before:
	// /proc's start time is in ticks and boot time in whole seconds.
	start := v("process_start_time_seconds")
	if now := float64(time.Now().Unix()); start > now+1 || start < now-3600 {
		t.Errorf("process_start_time_seconds = %v, %v s from now", start, start-now)
	}
}

// TestOpenFDs compares the count with what the test opens itself. Other
// tests' connections may still be closing, so it tries a few times.
func TestOpenFDs(t *testing.T) {
	var n0, n int
	var err error
	for try := 0; try < 10; try++ {
		if n0, err = openFDs(); err != nil {
			t.Fatal(err)
		}
		var files []*os.File
		for range 3 {
			f, err := os.Open(os.DevNull)
			if err != nil {
				t.Fatal(err)
			}
			files = append(files, f)
		}
		n, err = openFDs()
		for _, f := range files {
			f.Close()
		}
		if err == nil && n == n0+len(files) {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("openFDs = %d, %v after opening 3; want %d", n, err, n0+3)
}

func TestReadProcStat(t *testing.T) {
	st, err := readProcStat()
	if err != nil {
		t.Fatal(err)
	}
	if st.vsize == 0 || st.rssPages == 0 || st.starttime == 0 {
		t.Errorf("readProcStat = %+v", st)
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
