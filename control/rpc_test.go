package control

import (
	"bytes"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vigil-sh/vigil/xmlrpc"
)

func rpcCall(t *testing.T, h *httptest.Server, method string, params ...any) (any, error) {
	t.Helper()
	var b bytes.Buffer
	if err := xmlrpc.EncodeCall(&b, method, params...); err != nil {
		t.Fatal(err)
	}
	resp, err := h.Client().Post(h.URL+"/RPC2", "text/xml", &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	return xmlrpc.DecodeResponse(resp.Body)
}

func faultCode(err error) int {
	var f *xmlrpc.Fault
	if errors.As(err, &f) {
		return f.Code
	}
	return 0
}

func TestRPC(t *testing.T) {
	srv := httptest.NewServer(NewAPIHandler(&fakeController{}, Options{Version: "v"}))
	defer srv.Close()
	if v, err := rpcCall(t, srv, "supervisor.getAPIVersion"); v != "3.0" || err != nil {
		t.Fatalf("getAPIVersion: %v %v", v, err)
	}
	if _, err := rpcCall(t, srv, "supervisor.nope"); faultCode(err) != xmlrpc.UnknownMethod {
		t.Fatalf("unknown method: %v", err)
	}
	if _, err := rpcCall(t, srv, "supervisor.getProcessInfo", "nosuch"); faultCode(err) != xmlrpc.BadName {
		t.Fatalf("bad name: %v", err)
	}
	v, err := rpcCall(t, srv, "supervisor.getProcessInfo", "web")
	info, _ := v.(map[string]any)
	if err != nil || info["statename"] != "RUNNING" || info["pid"] != 42 || info["description"] != "pid 42, uptime 0:01:02" {
		t.Fatalf("getProcessInfo: %v %v", v, err)
	}
	if _, err := rpcCall(t, srv, "supervisor.signalProcess", "web", "NOPE"); faultCode(err) != xmlrpc.BadSignal {
		t.Fatalf("bad signal: %v", err)
	}
	v, err = rpcCall(t, srv, "system.multicall", []any{
		map[string]any{"methodName": "supervisor.getAPIVersion", "params": []any{}},
		map[string]any{"methodName": "supervisor.nope", "params": []any{}},
	})
	res, _ := v.([]any)
	if err != nil || len(res) != 2 || !strings.Contains(toString(res), "3.0") {
		t.Fatalf("multicall: %v %v", v, err)
	}
	if f, _ := res[1].(map[string]any); f["faultCode"] != xmlrpc.UnknownMethod {
		t.Fatalf("multicall fault: %v", res[1])
	}
	v, _ = rpcCall(t, srv, "supervisor.tailProcessStdoutLog", "web", 0, 7)
	if tail, _ := v.([]any); len(tail) != 3 || tail[0] != "line 2\n" || tail[1] != 14 || tail[2] != true {
		t.Fatalf("tail: %v", v)
	}
	resp, err := srv.Client().Post(srv.URL+"/RPC2", "text/xml", strings.NewReader(`<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><methodCall><methodName>&a;</methodName></methodCall>`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := xmlrpc.DecodeResponse(resp.Body); faultCode(err) != xmlrpc.IncorrectParameters {
		t.Fatalf("entity declaration accepted: %v", err)
	}
	if resp, _ := srv.Client().Get(srv.URL + "/RPC2"); resp.StatusCode != 405 {
		t.Fatalf("GET /RPC2: %d", resp.StatusCode)
	}
}

func toString(v []any) string {
	var b strings.Builder
	for _, x := range v {
		b.WriteString(strings.TrimSpace(strings.ReplaceAll(fmtAny(x), "\n", " ")))
	}
	return b.String()
}

func fmtAny(v any) string {
	if a, ok := v.([]any); ok && len(a) == 1 {
		if s, ok := a[0].(string); ok {
			return s
		}
	}
	return ""
}
