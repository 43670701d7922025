package xmlrpc

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "python", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// lookTool finds a program the test needs from the Python side. Off CI a
// missing one skips the test; on CI it fails it, so that the check cannot
// silently stop running there.
func lookTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is needed on CI: %v", name, err)
		}
		t.Skipf("%s not installed: %v", name, err)
	}
	return path
}

// The testdata/python/call_*.xml files are the output of Python's
// xmlrpc.client.dumps(params, method) for the params listed here, as
// supervisorctl sends them (call_latin1.xml as ServerProxy sends it with
// encoding="latin-1").
func TestDecodePythonCalls(t *testing.T) {
	info := func(name string) map[string]any {
		return map[string]any{"methodName": "supervisor.getProcessInfo", "params": []any{name}}
	}
	tests := []struct {
		file   string
		method string
		params []any
	}{
		{"call_getProcessInfo.xml", "supervisor.getProcessInfo", []any{"web"}},
		{"call_getAllProcessInfo.xml", "supervisor.getAllProcessInfo", []any{}},
		{"call_startProcess.xml", "supervisor.startProcess", []any{"group:web", true}},
		{"call_stopProcessGroup.xml", "supervisor.stopProcessGroup", []any{"group", false}},
		{"call_signalProcess.xml", "supervisor.signalProcess", []any{"web", "HUP"}},
		{"call_tailProcessStdoutLog.xml", "supervisor.tailProcessStdoutLog", []any{"web", 0, 1600}},
		{"call_readLog.xml", "supervisor.readLog", []any{-1600, 0}},
		{"call_reloadConfig.xml", "supervisor.reloadConfig", []any{}},
		{"call_methodHelp.xml", "system.methodHelp", []any{"supervisor.startProcess"}},
		// Python writes the \r\n as it is; XML parsers, Python's too, read it as \n.
		{"call_sendProcessStdin.xml", "supervisor.sendProcessStdin",
			[]any{"web", "hello <world> & \"quotes\" 'single'\n\ttab\ncafé ☃ 😀 ]]>"}},
		{"call_latin1.xml", "supervisor.sendProcessStdin", []any{"café ☃"}},
		{"call_multicall.xml", "system.multicall", []any{[]any{
			info("web"),
			map[string]any{"methodName": "supervisor.stopProcess", "params": []any{"g:web", true}},
			map[string]any{"methodName": "supervisor.getState", "params": []any{}},
		}}},
		// dumps((2147483647, -2147483648, 0, True, False, 1.5, -0.0, 1e300,
		// 2.5e-10, float('inf'), "", "plain", Binary(b"\x00\xff"*50),
		// Binary(b""), datetime(2024, 2, 29, 23, 59, 58), None, [], {},
		// [1, ["a", [True]]], {"k": {"n": [1, 2]}, "<&>": "v"}),
		// "test.types", allow_none=True)
		{"call_types.xml", "test.types", []any{
			math.MaxInt32, math.MinInt32, 0, true, false, 1.5, math.Copysign(0, -1), 1e300,
			2.5e-10, math.Inf(1), "", "plain", bytes.Repeat([]byte{0, 0xff}, 50),
			[]byte{}, when, nil, []any{}, map[string]any{},
			[]any{1, []any{"a", []any{true}}}, map[string]any{"k": map[string]any{"n": []any{1, 2}}, "<&>": "v"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, err := DecodeCall(bytes.NewReader(readTestdata(t, tt.file)))
			if err != nil {
				t.Fatal(err)
			}
			if c.Method != tt.method || !reflect.DeepEqual(c.Params, tt.params) {
				t.Errorf("got %q %#v\nwant %q %#v", c.Method, c.Params, tt.method, tt.params)
			}
		})
	}
}

// The testdata/python/response_*.xml files are what supervisord itself
// sends: the output of supervisor.xmlrpc.xmlrpc_marshal for these values.
func TestDecodeSupervisordResponses(t *testing.T) {
	web := map[string]any{
		"name": "web", "group": "web", "description": "pid 42, uptime 0:01:02",
		"start": 1700000000, "stop": 0, "now": 1700000062, "state": 20, "statename": "RUNNING",
		"spawnerr": "", "exitstatus": 0, "logfile": "/var/log/web.log",
		"stdout_logfile": "/var/log/web.log", "stderr_logfile": "", "pid": 42,
	}
	worker := map[string]any{}
	for k, v := range web {
		worker[k] = v
	}
	worker["name"], worker["group"], worker["state"], worker["statename"] = "worker", "g", 0, "STOPPED"
	worker["pid"], worker["description"] = 0, "Not started"
	tests := []struct {
		file  string
		want  any
		fault *Fault
	}{
		{file: "response_getProcessInfo.xml", want: web},
		{file: "response_getAllProcessInfo.xml", want: []any{web, worker}},
		{file: "response_getState.xml", want: map[string]any{"statecode": 1, "statename": "RUNNING"}},
		{file: "response_startProcess.xml", want: true},
		{file: "response_tailProcessStdoutLog.xml", want: []any{"line one\nline <two> & three\n", 1234, false}},
		{file: "response_reloadConfig.xml", want: []any{[]any{[]any{"new"}, []any{"changed"}, []any{}}}},
		{file: "response_multicall.xml", want: []any{[]any{true}, map[string]any{"faultCode": 70, "faultString": "NOT_RUNNING: web"}}},
		{file: "response_empty.xml", want: []any{}},
		{file: "response_fault.xml", fault: &Fault{Code: BadName, Name: "BAD_NAME", Detail: "foo"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := DecodeResponse(bytes.NewReader(readTestdata(t, tt.file)))
			if tt.fault != nil {
				var f *Fault
				if !errors.As(err, &f) || *f != *tt.fault || got != nil {
					t.Fatalf("got %#v, %#v; want fault %#v", got, err, tt.fault)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

// pythonReader decodes each document twice, with xmlrpc.client.loads and
// the way supervisorctl's SupervisorTransport does it (decode as UTF-8,
// re-encode as ASCII with character references, feed the parser), and
// prints the repr of each result, or of the Fault raised.
const pythonReader = `
import base64, json, sys, xmlrpc.client

def loads(body):
    params, method = xmlrpc.client.loads(body, use_builtin_types=True)
    if method is not None:
        return 'call %s %r' % (method, params)
    return repr(params[0]) if len(params) == 1 else 'params %r' % (params,)

def transport(body):
    data = body.decode('utf-8').encode('ascii', 'xmlcharrefreplace')
    p, u = xmlrpc.client.getparser(use_builtin_types=True)
    p.feed(data)
    p.close()
    params = u.close()
    return repr(params[0]) if len(params) == 1 else 'params %r' % (params,)

out = []
for doc in json.load(sys.stdin):
    body = base64.b64decode(doc['body'])
    results = []
    for decode in (loads, transport) if doc['response'] else (loads,):
        try:
            results.append(decode(body))
        except xmlrpc.client.Fault as f:
            results.append(repr(f))
        except Exception as e:
            results.append('error %s: %s' % (type(e).__name__, e))
    out.append(results)
json.dump(out, sys.stdout)
`

type pythonCase struct {
	name string
	body func(*bytes.Buffer) error
	want string // Python's repr of the value, or of the Fault
}

func response(v any) func(*bytes.Buffer) error {
	return func(b *bytes.Buffer) error { return EncodeResponse(b, v) }
}

func fault(f *Fault) func(*bytes.Buffer) error {
	return func(b *bytes.Buffer) error { return EncodeFault(b, f.Code, f.Error()) }
}

// Log text as supervisord hands it over: colour codes, a NUL, a progress
// bar's carriage returns, a torn multi-byte character and a stray byte.
const hostileLog = "\x1b[32mok\x1b[0m\x00 10%\r20%\r\nsnow\xe2\x98 \xff end\n"

var pythonCases = []pythonCase{
	{"int", response(42), "42"},
	{"int beyond 32 bits", response(int64(1) << 40), "1099511627776"},
	{"negative", response(math.MinInt64), "-9223372036854775808"},
	{"true", response(true), "True"},
	{"false", response(false), "False"},
	{"double", response(1.5), "1.5"},
	{"double big", response(123456789.5), "123456789.5"},
	{"double exponent", response(1e300), "1e+300"},
	{"double tiny", response(2.5e-10), "2.5e-10"},
	{"negative zero", response(math.Copysign(0, -1)), "-0.0"},
	{"inf", response(math.Inf(-1)), "-inf"},
	{"nan", response(math.NaN()), "nan"},
	{"string", response("web"), "'web'"},
	{"empty string", response(""), "''"},
	{"escapes", response(`<a>&amp;]]>"`), `'<a>&amp;]]>"'`},
	{"whitespace", response(" \t\n x \r\n"), `' \t\n x \r\n'`},
	{"unicode", response("café ☃ 😀"), "'café ☃ 😀'"},
	{"control characters", response("a\x01b\x1fc\x7f"), `'a�b�c\x7f'`},
	{"log text", response(hostileLog), `'�[32mok�[0m� 10%\r20%\r\nsnow�� � end\n'`},
	{"bytes", response([]byte("\x00\xffhi")), `b'\x00\xffhi'`},
	{"empty bytes", response([]byte{}), "b''"},
	{"time", response(time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)), "datetime.datetime(2024, 1, 2, 3, 4, 5)"},
	{"empty array", response([]any{}), "[]"},
	{"strings", response([]string{"a", "b"}), "['a', 'b']"},
	{"empty struct", response(map[string]any{}), "{}"},
	{"struct", response(map[string]any{"statecode": 1, "statename": "RUNNING"}), "{'statecode': 1, 'statename': 'RUNNING'}"},
	{"struct names escaped", response(map[string]any{"<&>": "v", "a\x01": 1}), "{'<&>': 'v', 'a�': 1}"},
	{"process infos", response([]map[string]any{{"name": "web", "pid": 42}}), "[{'name': 'web', 'pid': 42}]"},
	{"tail result", response([]any{"line\n", 1234, false}), `['line\n', 1234, False]`},
	{"reloadConfig", response([]any{[]any{[]string{"new"}, []string{}, []string{}}}), "[[['new'], [], []]]"},
	{"deepest", response(nest(MaxDepth, 1)), strings.Repeat("[", MaxDepth) + "1" + strings.Repeat("]", MaxDepth)},
	{"multicall", response([]any{
		MulticallResult(true, nil),
		MulticallResult(nil, NewFault(NotRunning, "web")),
		MulticallResult(nil, errors.New("boom")),
	}), "[[True], {'faultCode': 70, 'faultString': 'NOT_RUNNING: web'}, {'faultCode': 30, 'faultString': 'FAILED: boom'}]"},
	{"fault", fault(NewFault(BadName, "foo")), "<Fault 10: 'BAD_NAME: foo'>"},
	{"fault without detail", fault(NewFault(ShutdownState, "")), "<Fault 6: 'SHUTDOWN_STATE'>"},
	{"fault with log text", fault(NewFault(SpawnError, "web: \x1b[31m\xff")), "<Fault 50: 'SPAWN_ERROR: web: �[31m�'>"},
	{"call", func(b *bytes.Buffer) error { return EncodeCall(b, "supervisor.startProcess", "web", true) },
		"call supervisor.startProcess ('web', True)"},
	{"call without params", func(b *bytes.Buffer) error { return EncodeCall(b, "supervisor.getAllProcessInfo") },
		"call supervisor.getAllProcessInfo ()"},
}

// Python's xmlrpc.client, which supervisorctl uses, must read everything
// the encoder writes, including log text no XML parser would take as is.
func TestPythonReadsOurOutput(t *testing.T) {
	python := lookTool(t, "python3")
	type doc struct {
		Body     []byte `json:"body"`
		Response bool   `json:"response"`
	}
	docs := make([]doc, len(pythonCases))
	for i, c := range pythonCases {
		var b bytes.Buffer
		if err := c.body(&b); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		docs[i] = doc{b.Bytes(), !strings.HasPrefix(c.want, "call ")}
	}
	input, _ := json.Marshal(docs)
	cmd := exec.Command(python, "-c", pythonReader)
	cmd.Stdin = bytes.NewReader(input)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python3: %v", err)
	}
	var results [][]string
	if err := json.Unmarshal(out, &results); err != nil || len(results) != len(pythonCases) {
		t.Fatalf("python3 printed %q: %v", out, err)
	}
	for i, c := range pythonCases {
		for _, got := range results[i] {
			if got != c.want {
				t.Errorf("%s: Python read %s, want %s\nbody: %q", c.name, got, c.want, docs[i].Body)
			}
		}
	}
}
