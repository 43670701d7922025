package xmlrpc

import (
	"bytes"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeSupervisord answers the few methods the test's supervisorctl
// commands call, through the codec alone, as the /RPC2 handler will.
func fakeSupervisord(t *testing.T) http.Handler {
	process := func(name, group, state string, code int, desc string) map[string]any {
		return map[string]any{
			"name": name, "group": group, "statename": state, "state": code, "description": desc,
			"pid": 0, "start": 0, "stop": 0, "now": 0, "exitstatus": 0, "spawnerr": "",
			"logfile": "", "stdout_logfile": "", "stderr_logfile": "",
		}
	}
	methods := map[string]func(params []any) (any, error){
		"supervisor.getVersion": func([]any) (any, error) { return "3.0", nil },
		"supervisor.getAllProcessInfo": func([]any) (any, error) {
			return []map[string]any{
				process("web", "web", "RUNNING", 20, "pid 42, uptime 0:01:02"),
				process("worker", "g", "STOPPED", 0, "Not started"),
			}, nil
		},
		"supervisor.startProcess": func(params []any) (any, error) {
			if params[0] == "web" {
				return nil, NewFault(AlreadyStarted, "web")
			}
			return nil, NewFault(BadName, params[0].(string))
		},
		"supervisor.readProcessStdoutLog": func(params []any) (any, error) {
			if params[0] != "web" || params[1] != -1600 || params[2] != 0 {
				return nil, NewFault(BadArguments, "")
			}
			return hostileLog, nil
		},
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := DecodeCall(http.MaxBytesReader(w, r.Body, MaxCallSize))
		if err != nil {
			t.Errorf("supervisorctl sent a call we cannot read: %v", err)
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "text/xml")
		method, ok := methods[c.Method]
		if !ok {
			EncodeFault(w, UnknownMethod, NewFault(UnknownMethod, "").Error())
			return
		}
		v, err := method(c.Params)
		var f *Fault
		if errors.As(err, &f) {
			EncodeFault(w, f.Code, f.Error())
			return
		}
		if err := EncodeResponse(w, v); err != nil {
			t.Error(err)
		}
	})
}

// Debian's supervisorctl must work against the codec: statuses, faults
// turned into its own messages, and log text with bytes no XML may hold.
func TestSupervisorctl(t *testing.T) {
	ctl := lookTool(t, "supervisorctl")
	srv := httptest.NewServer(fakeSupervisord(t))
	defer srv.Close()
	conf := filepath.Join(t.TempDir(), "supervisord.conf")
	if err := os.WriteFile(conf, []byte("[supervisorctl]\nserverurl="+srv.URL+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string
		exit int
	}{
		{[]string{"status"}, "web                              RUNNING   pid 42, uptime 0:01:02\n" +
			"g:worker                         STOPPED   Not started\n", 3},
		{[]string{"start", "nope"}, "nope: ERROR (no such process)\n", 1},
		{[]string{"start", "web"}, "web: ERROR (already started)\n", 0},
		{[]string{"tail", "web"}, "\uFFFD[32mok\uFFFD[0m\uFFFD 10%\r20%\r\nsnow\uFFFD\uFFFD \uFFFD end\n\n", 0},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			cmd := exec.Command(ctl, append([]string{"-c", conf}, tt.args...)...)
			cmd.Env = append(os.Environ(), "PYTHONIOENCODING=utf-8")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			var exit *exec.ExitError
			code := 0
			if errors.As(err, &exit) {
				code = exit.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if string(out) != tt.want || code != tt.exit {
				t.Errorf("printed %q, exit %d; want %q, exit %d\nstderr: %s", out, code, tt.want, tt.exit, stderr.String())
			}
		})
	}
}
