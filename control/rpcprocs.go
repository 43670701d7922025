package control

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"syscall"

	"github.com/vigil-sh/vigil/config"
	"github.com/vigil-sh/vigil/initproc"
	"github.com/vigil-sh/vigil/xmlrpc"
)

// wantWait reads supervisord's optional wait parameter (default true).
func wantWait(params []any, i int) bool {
	if i >= 0 && i < len(params) {
		if b, ok := params[i].(bool); ok {
			return b
		}
	}
	return true
}

// one is startProcess and stopProcess: a fault when the request fails, and
// after a start, when the process did not stay up.
func (r *rpc) one(verb string) rpcMethod {
	return func(ctx context.Context, params []any) (any, error) {
		name, err := str(params, 0)
		if err != nil {
			return nil, err
		}
		if strings.HasSuffix(name, ":*") {
			return r.many(verb, groupNames)(ctx, append([]any{strings.TrimSuffix(name, ":*")}, params[1:]...))
		}
		res, err := r.c.Control(ctx, initproc.Request{Verb: verb, Names: []string{name}, Wait: wantWait(params, 1)})
		if err != nil {
			return nil, err
		}
		if len(res) == 1 && res[0].Err != nil {
			return nil, res[0].Err
		}
		if verb == "start" && wantWait(params, 1) {
			if p, err := r.find(ctx, name); err == nil && p.State != initproc.Running {
				if p.SpawnErr != "" {
					return nil, xmlrpc.NewFault(xmlrpc.SpawnError, name)
				}
				return nil, xmlrpc.NewFault(xmlrpc.AbnormalTermination, name)
			}
		}
		return true, nil
	}
}

func groupNames(params []any) ([]string, error) {
	g, err := str(params, 0)
	return []string{g + ":*"}, err
}

func allNames([]any) ([]string, error) { return []string{"all"}, nil }

// many is the group and all variants: a list of {name, group, status,
// description}, one per process.
func (r *rpc) many(verb string, names func([]any) ([]string, error)) rpcMethod {
	return func(ctx context.Context, params []any) (any, error) {
		ns, err := names(params)
		if err != nil {
			return nil, err
		}
		wait := wantWait(params, len(params)-1)
		res, err := r.c.Control(ctx, initproc.Request{Verb: verb, Names: ns, Wait: wait})
		return groupResults(res), orBadName(err, ns)
	}
}

func (r *rpc) manySignal(names func([]any) ([]string, error)) rpcMethod {
	return func(ctx context.Context, params []any) (any, error) {
		ns, err := names(params)
		if err != nil {
			return nil, err
		}
		sig, err := signalParam(params, len(params)-1)
		if err != nil {
			return nil, err
		}
		res, err := r.c.Control(ctx, initproc.Request{Verb: "signal", Names: ns, Signal: sig})
		return groupResults(res), orBadName(err, ns)
	}
}

func orBadName(err error, names []string) error {
	if err != nil && strings.HasSuffix(names[0], ":*") {
		return xmlrpc.NewFault(xmlrpc.BadName, strings.TrimSuffix(names[0], ":*"))
	}
	return err
}

func groupResults(res []initproc.Result) []any {
	out := []any{}
	for _, x := range res {
		status, desc := xmlrpc.Success, "OK"
		if x.Err != nil {
			f := asFault(x.Err)
			status, desc = f.Code, f.Error()
		}
		out = append(out, map[string]any{"name": x.Name, "group": x.Group, "status": status, "description": desc})
	}
	return out
}

// signalParam reads a signal given as a name or a number.
func signalParam(params []any, i int) (syscall.Signal, error) {
	if i < 0 || i >= len(params) {
		return 0, xmlrpc.NewFault(xmlrpc.SignatureUnsupported, "missing signal")
	}
	var s string
	switch v := params[i].(type) {
	case string:
		s = v
	case int:
		s = strconv.Itoa(v)
	}
	sig, err := config.ParseSignal(s)
	if err != nil {
		return 0, xmlrpc.NewFault(xmlrpc.BadSignal, s)
	}
	return sig, nil
}

func (r *rpc) signalOne(ctx context.Context, params []any) (any, error) {
	name, err := str(params, 0)
	if err != nil {
		return nil, err
	}
	sig, err := signalParam(params, 1)
	if err != nil {
		return nil, err
	}
	res, err := r.c.Control(ctx, initproc.Request{Verb: "signal", Names: []string{name}, Signal: sig})
	if err != nil {
		return nil, err
	}
	if len(res) == 1 && res[0].Err != nil {
		return nil, res[0].Err
	}
	return true, nil
}

func (r *rpc) ring(ctx context.Context, params []any, stream string) (*initproc.Ring, error) {
	name, err := str(params, 0)
	if err != nil {
		return nil, err
	}
	if p, err := r.find(ctx, name); err == nil {
		name = p.Name
	}
	return r.c.Stream(ctx, name, stream)
}

// ringArgs reads the (name, offset, length) of the log methods.
func (r *rpc) ringArgs(ctx context.Context, params []any, stream string) (*initproc.Ring, int64, int, error) {
	ring, err := r.ring(ctx, params, stream)
	if err != nil {
		return nil, 0, 0, err
	}
	off, err := integer(params, 1)
	if err != nil {
		return nil, 0, 0, err
	}
	length, err := integer(params, 2)
	return ring, int64(off), length, err
}

// tail is tailProcessStdoutLog(name, offset, length) -> [bytes, offset,
// overflow].
func (r *rpc) tail(stream string) rpcMethod {
	return func(ctx context.Context, params []any) (any, error) {
		ring, off, length, err := r.ringArgs(ctx, params, stream)
		if err != nil {
			return nil, err
		}
		data, next, overflow := ring.Tail(off, length)
		return []any{string(data), int(next), overflow}, nil
	}
}

// read is readProcessStdoutLog(name, offset, length) -> bytes.
func (r *rpc) read(stream string) rpcMethod {
	return func(ctx context.Context, params []any) (any, error) {
		ring, off, length, err := r.ringArgs(ctx, params, stream)
		if err != nil {
			return nil, err
		}
		data, err := ring.Read(off, length)
		if err != nil {
			return nil, xmlrpc.NewFault(xmlrpc.BadArguments, err.Error())
		}
		return string(data), nil
	}
}

func (r *rpc) clear(ctx context.Context, params []any) (any, error) {
	for _, stream := range []string{"stdout", "stderr"} {
		ring, err := r.ring(ctx, params, stream)
		if err != nil && stream == "stdout" {
			return nil, err
		}
		if ring != nil {
			ring.Clear()
		}
	}
	return true, nil
}

func noMainLog(context.Context, []any) (any, error) {
	return nil, xmlrpc.NewFault(xmlrpc.NoFile, "init keeps no main log: its own messages go to its stderr")
}

func noStdin(context.Context, []any) (any, error) {
	return nil, xmlrpc.NewFault(xmlrpc.NotRunning, "programs' stdin is /dev/null under init")
}

// reloadConfig reads the config again and answers [[added, changed,
// removed]] by group, changing nothing, as supervisord does; the changes
// are applied by add/removeProcessGroup.
func (r *rpc) reloadConfig(ctx context.Context, _ []any) (any, error) {
	d, err := r.c.Reread(ctx)
	if err != nil {
		if errors.Is(err, initproc.ErrNotResponding) {
			return nil, err
		}
		return nil, xmlrpc.NewFault(xmlrpc.CantReread, err.Error())
	}
	return []any{[]any{toAny(groupsOf(d.Added)), toAny(groupsOf(d.Changed)), toAny(groupsOf(d.Removed))}}, nil
}

// groupsOf turns process names into group names: for programs with
// numprocs 1 and no [group], the same.
func groupsOf(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

// applyGroup is addProcessGroup and removeProcessGroup: init applies the
// whole difference of the re-read config at once (only what changed is
// touched), so the first of supervisorctl update's calls does it all.
func (r *rpc) applyGroup(ctx context.Context, params []any) (any, error) {
	if _, err := str(params, 0); err != nil {
		return nil, err
	}
	if _, err := r.c.Update(ctx); err != nil {
		if errors.Is(err, initproc.ErrShuttingDown) || errors.Is(err, initproc.ErrNotResponding) {
			return nil, err
		}
		return nil, xmlrpc.NewFault(xmlrpc.CantReread, err.Error())
	}
	return true, nil
}

func (r *rpc) shutdown(ctx context.Context, _ []any) (any, error) {
	return true, r.c.Shutdown(ctx)
}

// restart is supervisord's "restart everything"; init applies the
// difference of the config instead and keeps unchanged programs running.
func (r *rpc) restart(ctx context.Context, _ []any) (any, error) {
	if _, err := r.c.Update(ctx); err != nil {
		return nil, xmlrpc.NewFault(xmlrpc.CantReread, err.Error())
	}
	return true, nil
}

func (r *rpc) listMethods(context.Context, []any) (any, error) {
	names := make([]string, 0, len(r.methods))
	for n := range r.methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return toAny(names), nil
}

func (r *rpc) methodHelp(_ context.Context, params []any) (any, error) {
	name, err := str(params, 0)
	if err != nil {
		return nil, err
	}
	if _, ok := r.methods[name]; !ok {
		return nil, xmlrpc.NewFault(xmlrpc.SignatureUnsupported, name)
	}
	return name + ": as in supervisord's XML-RPC API 3.0", nil
}

func (r *rpc) methodSignature(_ context.Context, params []any) (any, error) {
	name, err := str(params, 0)
	if err != nil {
		return nil, err
	}
	if _, ok := r.methods[name]; !ok {
		return nil, xmlrpc.NewFault(xmlrpc.SignatureUnsupported, name)
	}
	return []any{[]any{"undef"}}, nil
}

// multicall runs each {methodName, params} in turn.
func (r *rpc) multicall(ctx context.Context, params []any) (any, error) {
	calls, ok := []any(nil), len(params) == 1
	if ok {
		calls, ok = params[0].([]any)
	}
	if !ok {
		return nil, xmlrpc.NewFault(xmlrpc.IncorrectParameters, "want an array of calls")
	}
	out := []any{}
	for _, c := range calls {
		m, _ := c.(map[string]any)
		name, _ := m["methodName"].(string)
		ps, _ := m["params"].([]any)
		if name == "system.multicall" {
			out = append(out, xmlrpc.MulticallResult(nil, xmlrpc.NewFault(xmlrpc.IncorrectParameters, "recursive multicall")))
			continue
		}
		v, err := r.call(ctx, name, ps)
		if err != nil {
			err = asFault(err)
		}
		out = append(out, xmlrpc.MulticallResult(v, err))
	}
	return out, nil
}
