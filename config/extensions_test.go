package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

const quiet = "stdout_logfile=NONE\nstderr_logfile=NONE\n"

func TestExtensionKeys(t *testing.T) {
	c := mustParse(t, `[program:db]
command=db
`+quiet+`
[program:web]
command=web
`+quiet+`log_prefix=false
critical=true
restart_delay=500ms
backoff=exponential
backoff_max=2m
depends_on=db
ready=notify
watchdog_timeout=30
`, nil)
	p := c.Process("web")
	got := []any{p.LogPrefix, p.Critical, p.RestartDelay, p.Backoff, p.BackoffMax, p.DependsOn, p.Ready, p.WatchdogTimeout}
	want := []any{false, true, 500 * time.Millisecond, BackoffExponential, 2 * time.Minute, []string{"db"}, ReadyNotify, 30 * time.Second}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %v\nwant %v", got, want)
	}
	if deps := c.DependsOn(p); len(deps) != 1 || deps[0].Name != "db" {
		t.Errorf("DependsOn = %v", deps)
	}
}

func TestHealthCheck(t *testing.T) {
	tests := []struct {
		keys string
		want *HealthCheck
	}{
		{"healthcheck_command=pg_isready -h 'local host'", &HealthCheck{
			Command: []string{"pg_isready", "-h", "local host"}, Interval: 30 * time.Second, Timeout: 30 * time.Second, Retries: 3}},
		{"healthcheck_http=http://127.0.0.1:8080/healthz\nhealthcheck_interval=5s\nhealthcheck_timeout=2\nhealthcheck_retries=1\nhealthcheck_start_period=1m\nhealthcheck_restart=true\nready=healthcheck",
			&HealthCheck{HTTP: "http://127.0.0.1:8080/healthz", Interval: 5 * time.Second, Timeout: 2 * time.Second, Retries: 1, StartPeriod: time.Minute, Restart: true}},
		{"healthcheck_tcp=:5432", &HealthCheck{TCP: ":5432", Interval: 30 * time.Second, Timeout: 30 * time.Second, Retries: 3}},
		{"healthcheck_http=https://%(program_name)s.local/", &HealthCheck{HTTP: "https://w.local/", Interval: 30 * time.Second, Timeout: 30 * time.Second, Retries: 3}},
	}
	for _, tt := range tests {
		c := mustParse(t, "[program:w]\ncommand=x\n"+quiet+tt.keys+"\n", nil)
		if got := one(t, c).Health; !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q:\n got %+v\nwant %+v", tt.keys, got, tt.want)
		}
	}
}

func TestExtensionErrors(t *testing.T) {
	tests := []struct{ keys, want string }{
		{"log_prefix=maybe", `app.conf:5: log_prefix: want true or false (or yes/no, on/off, 1/0), got "maybe"`},
		{"critical=2", `app.conf:5: critical: want true or false (or yes/no, on/off, 1/0), got "2"`},
		{"restart_delay=-1s", `app.conf:5: restart_delay: want seconds or a duration like 500ms or 1m30s, 0 or more, got "-1s"`},
		{"restart_delay=soon", `app.conf:5: restart_delay: want seconds or a duration like 500ms or 1m30s, 0 or more, got "soon"`},
		{"backoff=fibonacci", `app.conf:5: backoff: want linear or exponential, got "fibonacci"`},
		{"backoff_max=x", `app.conf:5: backoff_max: want seconds or a duration like 500ms or 1m30s, 0 or more, got "x"`},
		{"ready=now", `app.conf:5: ready: want startsecs, healthcheck or notify, got "now"`},
		{"ready=healthcheck", `app.conf:5: ready: ready=healthcheck needs healthcheck_command, healthcheck_http or healthcheck_tcp`},
		{"watchdog_timeout=1h1", `app.conf:5: watchdog_timeout: want seconds or a duration like 500ms or 1m30s, 0 or more, got "1h1"`},
		{"healthcheck_http=ftp://x/", `app.conf:5: healthcheck_http: want an http:// or https:// URL like http://127.0.0.1:8080/healthz, got "ftp://x/"`},
		{"healthcheck_http=/healthz", `app.conf:5: healthcheck_http: want an http:// or https:// URL like http://127.0.0.1:8080/healthz, got "/healthz"`},
		{"healthcheck_tcp=localhost", `app.conf:5: healthcheck_tcp: want host:port like 127.0.0.1:5432, got "localhost"`},
		{"healthcheck_tcp=localhost:0", `app.conf:5: healthcheck_tcp: want host:port like 127.0.0.1:5432, got "localhost:0"`},
		{"healthcheck_command=", `app.conf:5: healthcheck_command: empty command`},
		{"healthcheck_command='x", `app.conf:5: healthcheck_command: cannot split "'x": no closing quotation`},
		{"healthcheck_tcp=:1\nhealthcheck_http=http://x/", `app.conf:6: healthcheck_http: set only one of healthcheck_command, healthcheck_http and healthcheck_tcp (healthcheck_tcp is set too)`},
		{"healthcheck_tcp=:1\nhealthcheck_interval=0", `app.conf:6: healthcheck_interval: want a duration above 0 like 10s, got "0"`},
		{"healthcheck_tcp=:1\nhealthcheck_timeout=0s", `app.conf:6: healthcheck_timeout: want a duration above 0 like 10s, got "0s"`},
		{"healthcheck_tcp=:1\nhealthcheck_retries=0", `app.conf:6: healthcheck_retries: want an integer of 1 or more, got "0"`},
		{"healthcheck_tcp=:1\nhealthcheck_restart=sometimes", `app.conf:6: healthcheck_restart: want true or false (or yes/no, on/off, 1/0), got "sometimes"`},
		{"healthcheck_tcp=:1\nhealthcheck_start_period=-5", `app.conf:6: healthcheck_start_period: want seconds or a duration like 500ms or 1m30s, 0 or more, got "-5"`},
	}
	for _, tt := range tests {
		_, _, err := parse("[program:w]\ncommand=x\n"+quiet+tt.keys+"\n", nil)
		if got := errLines(t, err); len(got) != 1 || got[0] != tt.want {
			t.Errorf("%q:\n got %q\nwant %q", tt.keys, got, tt.want)
		}
	}
}

func TestExtensionWarnings(t *testing.T) {
	tests := []struct{ keys, want string }{
		{"watchdog_timeout=10s", "app.conf:5: watchdog_timeout: has no effect without ready=notify"},
		{"healthcheck_interval=10s", "app.conf:5: healthcheck_interval: has no effect without healthcheck_command, healthcheck_http or healthcheck_tcp"},
		{"healthcheck_comand=x", `app.conf:5: healthcheck_comand: unknown key, did you mean "healthcheck_command"?`},
		{"depend_on=x", `app.conf:5: depend_on: unknown key, did you mean "depends_on"?`},
	}
	for _, tt := range tests {
		_, warns, err := parse("[program:w]\ncommand=x\n"+quiet+tt.keys+"\n", nil)
		if err != nil {
			t.Errorf("%q: %v", tt.keys, err)
		}
		if w := warnLines(warns); !containsLine(w, tt.want) {
			t.Errorf("%q:\n got %q\nwant %q", tt.keys, w, tt.want)
		}
	}
}

func TestDependsOn(t *testing.T) {
	c := mustParse(t, `[program:db]
command=db
`+quiet+`numprocs=2
process_name=db%(process_num)d
[program:cache]
command=cache
`+quiet+`[program:api]
command=api
`+quiet+`depends_on=db, cache db0
[program:worker]
command=w
`+quiet+`depends_on=db1
`, nil)
	var names []string
	for _, p := range c.DependsOn(c.Process("api")) {
		names = append(names, p.Name)
	}
	if want := []string{"db0", "db1", "cache"}; !reflect.DeepEqual(names, want) {
		t.Errorf("api depends on %q, want %q", names, want)
	}
	if deps := c.DependsOn(c.Process("worker")); len(deps) != 1 || deps[0].Name != "db1" {
		t.Errorf("worker depends on %v", deps)
	}
	if deps := c.DependsOn(c.Process("cache")); len(deps) != 0 {
		t.Errorf("cache depends on %v", deps)
	}
}

func TestDependsOnErrors(t *testing.T) {
	tests := []struct {
		text string
		want []string
	}{
		{"[program:a]\ncommand=a\n" + quiet + "depends_on=nope\n",
			[]string{`app.conf:5: depends_on: unknown program or process "nope"`}},
		{"[program:api]\ncommand=a\n" + quiet + "depends_on=apj\n",
			[]string{`app.conf:5: depends_on: unknown program or process "apj", did you mean "api"?`}},
		{"[program:a]\ncommand=a\n" + quiet + "depends_on=a\n",
			[]string{`app.conf:5: depends_on: dependency cycle a -> a`}},
		{"[program:a]\ncommand=a\n" + quiet + "depends_on=b\n[program:b]\ncommand=b\n" + quiet + "depends_on=c\n[program:c]\ncommand=c\n" + quiet + "depends_on=a\n",
			[]string{`app.conf:5: depends_on: dependency cycle a -> b -> c -> a`}},
		{"[program:a]\ncommand=a\n" + quiet + "depends_on=b\n[program:b]\ncommand=b\n" + quiet + "depends_on=a\n[program:c]\ncommand=c\n" + quiet + "depends_on=c\n",
			[]string{`app.conf:5: depends_on: dependency cycle a -> b -> a`, `app.conf:15: depends_on: dependency cycle c -> c`}},
		{"[program:a]\ncommand=a\n" + quiet + "depends_on=b,x\n[program:b]\ncommand=b\n" + quiet + "depends_on=a\n",
			[]string{`app.conf:5: depends_on: unknown program or process "x"`, `app.conf:5: depends_on: dependency cycle a -> b -> a`}},
	}
	for _, tt := range tests {
		_, _, err := parse(tt.text, nil)
		if got := errLines(t, err); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%q:\n got %q\nwant %q", tt.text, got, tt.want)
		}
	}
}

func TestDependsOnEnvProgram(t *testing.T) {
	_, _, err := Load("", LoadOptions{Env: map[string]string{
		"VIGIL_PROGRAM_a": "a", "VIGIL_PROGRAM_a__DEPENDS_ON": "b",
		"VIGIL_PROGRAM_b": "b", "VIGIL_PROGRAM_b__DEPENDS_ON": "a",
	}})
	got := errLines(t, err)
	if len(got) != 1 || !strings.HasPrefix(got[0], "env VIGIL_PROGRAM_a__DEPENDS_ON: depends_on: dependency cycle a -> b -> a") {
		t.Errorf("got %q", got)
	}
}
