package main

import (
	"syscall"
	"testing"
	"time"
)

func TestRunsInit(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want bool
	}{
		{[]string{"nginx", "-g", "daemon off;"}, true},
		{[]string{"-g", "--", "version"}, true},
		{[]string{"version"}, false},
		{[]string{"-v", "help"}, false},
		{[]string{}, true},
	} {
		if got := runsInit(tc.args); got != tc.want {
			t.Errorf("runsInit(%q) = %v, want %v", tc.args, got, tc.want)
		}
	}
}

func TestParseRewrites(t *testing.T) {
	m, err := parseRewrites([]string{"TERM:QUIT", "usr1:0", "10:RTMIN+1"})
	if err != nil {
		t.Fatal(err)
	}
	if m[syscall.SIGTERM] != syscall.SIGQUIT || m[syscall.SIGUSR1] != 35 {
		t.Fatalf("got %v", m)
	}
	if to, ok := m[syscall.SIGUSR1]; !ok || to != 35 {
		t.Fatalf("later rewrite of USR1 should win: %v", m)
	}
	for _, bad := range []string{"TERM", "TERM:", "NOPE:1", ":TERM"} {
		if _, err := parseRewrites([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestFlagsFromEnv(t *testing.T) {
	cmd := newRunCmd()
	if err := cmd.Flags().Parse([]string{"--log-format", "text"}); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"VIGIL_GRACE": "7s", "VIGIL_REMAP_EXIT": "143, 130", "VIGIL_LOG_FORMAT": "json", "VIGIL_PGROUP": "true"}
	if err := flagsFromEnv(cmd.Flags(), func(k string) (string, bool) { v, ok := env[k]; return v, ok }); err != nil {
		t.Fatal(err)
	}
	fl := cmd.Flags()
	if d, _ := fl.GetDuration("grace"); d != 7*time.Second {
		t.Errorf("grace %v", d)
	}
	if f, _ := fl.GetString("log-format"); f != "text" {
		t.Errorf("the command line must win over the environment, got %q", f)
	}
	if r, _ := fl.GetStringArray("remap-exit"); len(r) != 2 || r[1] != "130" {
		t.Errorf("remap-exit %q", r)
	}
	env = map[string]string{"VIGIL_GRACE": "soon"}
	err := flagsFromEnv(newRunCmd().Flags(), func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err == nil || err.Error() == "" || err.(*exitError).code != exitUsage {
		t.Fatalf("bad VIGIL_GRACE gave %v", err)
	}
}
