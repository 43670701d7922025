package config

import (
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

func TestSampleLoadsClean(t *testing.T) {
	c := mustParse(t, Sample(), nil)
	if c.Unix == nil || c.Ctl == nil || c.Process("app") == nil {
		t.Errorf("sample lacks sections: %+v", c)
	}
}

// TestSampleDocumentsExtensions checks that every extension key appears in
// the sample, and that uncommenting them (with one health probe) still
// loads with no error and no warning.
func TestSampleDocumentsExtensions(t *testing.T) {
	ext := []string{
		"env_file", "log_prefix", "critical", "restart_delay", "backoff", "backoff_max", "depends_on",
		"ready", "watchdog_timeout", "healthcheck_command", "healthcheck_http", "healthcheck_tcp",
		"healthcheck_interval", "healthcheck_timeout", "healthcheck_retries", "healthcheck_start_period",
		"healthcheck_restart",
	}
	for _, k := range ext {
		if !strings.Contains(Sample(), "\n;"+k+"=") {
			t.Errorf("sample does not document %s", k)
		}
	}
	text := Sample()
	for _, k := range ext {
		if k == "healthcheck_http" || k == "healthcheck_tcp" || k == "env_file" {
			continue
		}
		text = strings.Replace(text, "\n;"+k+"=", "\n"+k+"=", 1)
	}
	text = strings.Replace(text, "ready=startsecs", "ready=notify", 1)
	text = strings.Replace(text, "depends_on=db,cache", "depends_on=db", 1)
	text += "\n[program:db]\ncommand=db\n" + quiet
	c := mustParse(t, text, nil)
	if p := c.Process("app"); p.Health == nil || p.Ready != ReadyNotify || len(p.DependsOn) != 1 {
		t.Errorf("app = %+v", p)
	}
}

// TestSupervisordSamples parses Debian's packaged supervisord.conf and the
// output of echo_supervisord_conf: no errors, and only the warnings that
// say what vigil ignores.
func TestSupervisordSamples(t *testing.T) {
	tests := []struct {
		file  string
		warns []string
	}{
		{"testdata/debian-supervisord.conf", []string{`testdata/debian-supervisord.conf:28: files: no file matches "/etc/supervisor/conf.d/*.conf"...`}},
		{"testdata/echo_supervisord_conf.conf", []string{"testdata/echo_supervisord_conf.conf:50: nodaemon: ignored: vigil always stays in the foreground"}},
	}
	for _, tt := range tests {
		c, warns, err := Load(tt.file, LoadOptions{Env: map[string]string{"HOME": "/root"}})
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		for _, w := range warnLines(warns) {
			if !containsLine(tt.warns, w) && !matchesAny(tt.warns, w) {
				t.Errorf("%s: unexpected warning %s", tt.file, w)
			}
		}
		if c.Unix == nil || c.Unix.Chmod != 0o700 || c.Ctl == nil || !strings.HasPrefix(c.Ctl.ServerURL, "unix://") {
			t.Errorf("%s: servers %+v %+v", tt.file, c.Unix, c.Ctl)
		}
	}
}

func matchesAny(patterns []string, s string) bool {
	for _, p := range patterns {
		if prefix, ok := strings.CutSuffix(p, "..."); ok && strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// TestEchoSampleUncommented turns every commented key of the
// [program:theprogramname] example of echo_supervisord_conf on: every key
// supervisord documents must be accepted.
func TestEchoSampleUncommented(t *testing.T) {
	data, err := os.ReadFile("testdata/echo_supervisord_conf.conf")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	start := strings.Index(text, ";[program:theprogramname]")
	end := strings.Index(text, ";[eventlistener:")
	block := regexp.MustCompile(`(?m)^;`).ReplaceAllString(text[start:end], "")
	block = strings.Replace(block, "user=chrism", "user=nobody", 1)
	c, warns, err := parse(block, nil)
	if err != nil {
		t.Fatal(err)
	}
	// supervisord gives the same warning: the example sets both.
	want := []string{"app.conf:25: stderr_logfile: ignored because redirect_stderr=true sends stderr to stdout"}
	if got := warnLines(warns); !reflect.DeepEqual(got, want) {
		t.Errorf("warnings: %q", got)
	}
	p := one(t, c)
	if p.Name != "theprogramname" || !reflect.DeepEqual(p.Command, []string{"/bin/cat"}) || !p.RedirectStderr || p.Stderr.File != "" || p.Stdout.File != "/a/path" || len(p.Environment) != 2 {
		t.Errorf("process = %+v", p)
	}
}

func TestDefaultPaths(t *testing.T) {
	got := DefaultPaths("/opt/vigil/bin", "/srv")
	want := []string{
		"/opt/vigil/etc/supervisord.conf", "/opt/vigil/supervisord.conf",
		"/srv/supervisord.conf", "/srv/etc/supervisord.conf",
		"/etc/supervisord.conf", "/etc/supervisor/supervisord.conf",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	got = DefaultPaths("/", "/")
	want = []string{"/etc/supervisord.conf", "/supervisord.conf", "/etc/supervisor/supervisord.conf"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("root: got %q, want %q", got, want)
	}
	if got := DefaultPaths("", "/srv"); len(got) != 4 || got[0] != "/srv/supervisord.conf" {
		t.Errorf("no exe dir: %q", got)
	}
}
