package control

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/vigil-sh/vigil/initproc"
	"github.com/vigil-sh/vigil/xmlrpc"
)

// rpcMethod is one XML-RPC method.
type rpcMethod func(ctx context.Context, params []any) (any, error)

// rpc serves supervisord's XML-RPC interface (API version 3.0) at /RPC2,
// enough for Debian's supervisorctl to drive init as it drives supervisord.
type rpc struct {
	c       Controller
	version string
	methods map[string]rpcMethod
}

func newRPC(c Controller, version string) *rpc {
	r := &rpc{c: c, version: version}
	r.methods = map[string]rpcMethod{
		"supervisor.getAPIVersion":        constant("3.0"),
		"supervisor.getVersion":           constant("3.0"),
		"supervisor.getSupervisorVersion": constant(version),
		"supervisor.getIdentification":    constant("vigil"),
		"supervisor.getState":             r.getState,
		"supervisor.getPID":               func(context.Context, []any) (any, error) { return os.Getpid(), nil },
		"supervisor.getAllProcessInfo":    r.getAllProcessInfo,
		"supervisor.getProcessInfo":       r.getProcessInfo,
		"supervisor.getAllConfigInfo":     r.getAllConfigInfo,
		"supervisor.startProcess":         r.one("start"),
		"supervisor.stopProcess":          r.one("stop"),
		"supervisor.signalProcess":        r.signalOne,
		"supervisor.startProcessGroup":    r.many("start", groupNames),
		"supervisor.stopProcessGroup":     r.many("stop", groupNames),
		"supervisor.signalProcessGroup":   r.manySignal(groupNames),
		"supervisor.startAllProcesses":    r.many("start", allNames),
		"supervisor.stopAllProcesses":     r.many("stop", allNames),
		"supervisor.signalAllProcesses":   r.manySignal(allNames),
		"supervisor.tailProcessStdoutLog": r.tail("stdout"),
		"supervisor.tailProcessStderrLog": r.tail("stderr"),
		"supervisor.readProcessStdoutLog": r.read("stdout"),
		"supervisor.readProcessStderrLog": r.read("stderr"),
		"supervisor.tailProcessLog":       r.tail("stdout"),
		"supervisor.readProcessLog":       r.read("stdout"),
		"supervisor.clearProcessLogs":     r.clear,
		"supervisor.readLog":              noMainLog,
		"supervisor.readMainLog":          noMainLog,
		"supervisor.clearLog":             noMainLog,
		"supervisor.reloadConfig":         r.reloadConfig,
		"supervisor.addProcessGroup":      r.applyGroup,
		"supervisor.removeProcessGroup":   r.applyGroup,
		"supervisor.shutdown":             r.shutdown,
		"supervisor.restart":              r.restart,
		"supervisor.sendProcessStdin":     noStdin,
		"supervisor.sendRemoteCommEvent":  constant(true),
	}
	r.methods["system.listMethods"] = r.listMethods
	r.methods["system.methodHelp"] = r.methodHelp
	r.methods["system.methodSignature"] = r.methodSignature
	r.methods["system.multicall"] = r.multicall
	return r
}

func constant(v any) rpcMethod { return func(context.Context, []any) (any, error) { return v, nil } }

func (r *rpc) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "XML-RPC wants POST", http.StatusMethodNotAllowed)
		return
	}
	call, err := xmlrpc.DecodeCall(http.MaxBytesReader(w, req.Body, xmlrpc.MaxCallSize))
	if tooLarge(err) {
		// A fault would read as if the call had been understood; HTTP
		// says it was not read at all, and net/http then closes the
		// connection rather than drain the rest.
		http.Error(w, fmt.Sprintf("request body too large: an XML-RPC call may have %d bytes", xmlrpc.MaxCallSize),
			http.StatusRequestEntityTooLarge)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	if err != nil {
		f := xmlrpc.NewFault(xmlrpc.IncorrectParameters, err.Error())
		xmlrpc.EncodeFault(w, f.Code, f.Error())
		return
	}
	v, err := r.call(req.Context(), call.Method, call.Params)
	if err != nil {
		f := asFault(err)
		xmlrpc.EncodeFault(w, f.Code, f.Error())
		return
	}
	xmlrpc.EncodeResponse(w, v)
}

// tooLarge reports a body over the limit, whichever limit saw it first:
// the decoder's own or the http.MaxBytesReader around the body.
func tooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.Is(err, xmlrpc.ErrTooLarge) || errors.As(err, &mbe)
}

func (r *rpc) call(ctx context.Context, method string, params []any) (any, error) {
	m, ok := r.methods[method]
	if !ok {
		return nil, xmlrpc.NewFault(xmlrpc.UnknownMethod, method)
	}
	ctx, cancel := context.WithTimeout(ctx, requestTimeout)
	defer cancel()
	return m(ctx, params)
}

// asFault maps init's errors to supervisord's faults.
func asFault(err error) *xmlrpc.Fault {
	var f *xmlrpc.Fault
	switch {
	case errors.As(err, &f):
		return f
	case errors.Is(err, initproc.ErrBadName):
		return xmlrpc.NewFault(xmlrpc.BadName, strings.TrimPrefix(err.Error(), initproc.ErrBadName.Error()+": "))
	case errors.Is(err, initproc.ErrAlreadyStarted):
		return xmlrpc.NewFault(xmlrpc.AlreadyStarted, "")
	case errors.Is(err, initproc.ErrNotRunning):
		return xmlrpc.NewFault(xmlrpc.NotRunning, "")
	case errors.Is(err, initproc.ErrShuttingDown):
		return xmlrpc.NewFault(xmlrpc.ShutdownState, "")
	case errors.Is(err, initproc.ErrNoFile):
		return xmlrpc.NewFault(xmlrpc.NoFile, err.Error())
	case errors.Is(err, initproc.ErrSpawn):
		return xmlrpc.NewFault(xmlrpc.SpawnError, strings.TrimPrefix(err.Error(), initproc.ErrSpawn.Error()+": "))
	case errors.Is(err, initproc.ErrGaveUp):
		return xmlrpc.NewFault(xmlrpc.AbnormalTermination, "")
	}
	return xmlrpc.NewFault(xmlrpc.Failed, err.Error())
}

func str(params []any, i int) (string, error) {
	if i >= len(params) {
		return "", xmlrpc.NewFault(xmlrpc.SignatureUnsupported, "missing parameter")
	}
	s, ok := params[i].(string)
	if !ok {
		return "", xmlrpc.NewFault(xmlrpc.IncorrectParameters, fmt.Sprintf("parameter %d: want a string", i+1))
	}
	return s, nil
}

func integer(params []any, i int) (int, error) {
	if i >= len(params) {
		return 0, xmlrpc.NewFault(xmlrpc.SignatureUnsupported, "missing parameter")
	}
	n, ok := params[i].(int)
	if !ok {
		return 0, xmlrpc.NewFault(xmlrpc.IncorrectParameters, fmt.Sprintf("parameter %d: want an int", i+1))
	}
	return n, nil
}

func (r *rpc) snapshot(ctx context.Context) (initproc.InitStatus, error) {
	c, cancel := context.WithTimeout(ctx, DefaultLivenessTimeout)
	defer cancel()
	return r.c.Snapshot(c)
}

func (r *rpc) getState(ctx context.Context, _ []any) (any, error) {
	st, err := r.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	if st.ShuttingDown {
		return map[string]any{"statecode": -1, "statename": "SHUTDOWN"}, nil
	}
	return map[string]any{"statecode": 1, "statename": "RUNNING"}, nil
}

// processInfo is supervisord's process info struct.
func processInfo(p initproc.ProgramStatus, now time.Time) map[string]any {
	exit := max(p.ExitCode, 0)
	return map[string]any{
		"name": p.Name, "group": p.Group, "start": secs(p.Start), "stop": secs(p.Stop), "now": int(now.Unix()),
		"state": int(p.State), "statename": p.State.String(), "spawnerr": p.SpawnErr, "exitstatus": exit,
		"logfile": p.LogFile, "stdout_logfile": p.LogFile, "stderr_logfile": "", "pid": p.Pid,
		"description": Describe(p, now),
	}
}

func secs(t time.Time) int {
	if t.IsZero() {
		return 0
	}
	return int(t.Unix())
}

func (r *rpc) getAllProcessInfo(ctx context.Context, _ []any) (any, error) {
	st, err := r.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	out := []any{}
	for _, p := range st.Programs {
		out = append(out, processInfo(p, now))
	}
	return out, nil
}

func (r *rpc) find(ctx context.Context, name string) (initproc.ProgramStatus, error) {
	st, err := r.snapshot(ctx)
	if err != nil {
		return initproc.ProgramStatus{}, err
	}
	for _, p := range st.Programs {
		if name == p.Name || name == p.Group+":"+p.Name {
			return p, nil
		}
	}
	return initproc.ProgramStatus{}, xmlrpc.NewFault(xmlrpc.BadName, name)
}

func (r *rpc) getProcessInfo(ctx context.Context, params []any) (any, error) {
	name, err := str(params, 0)
	if err != nil {
		return nil, err
	}
	p, err := r.find(ctx, name)
	if err != nil {
		return nil, err
	}
	return processInfo(p, time.Now()), nil
}

func (r *rpc) getAllConfigInfo(ctx context.Context, _ []any) (any, error) {
	st, err := r.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	out := []any{}
	for _, p := range st.Programs {
		out = append(out, map[string]any{"name": p.Name, "group": p.Group, "inuse": true, "autostart": p.AutoStart,
			"process_prio": p.Priority, "group_prio": p.Priority, "command": p.Command})
	}
	return out, nil
}
