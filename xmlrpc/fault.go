package xmlrpc

import (
	"errors"
	"strings"
)

// Fault codes of supervisord's XML-RPC interface. supervisorctl picks its
// message from the code ("ERROR (no such process)" for BadName), so each
// failure must carry the code supervisord would have used.
const (
	UnknownMethod        = 1
	IncorrectParameters  = 2
	BadArguments         = 3
	SignatureUnsupported = 4
	ShutdownState        = 6
	BadName              = 10
	BadSignal            = 11
	NoFile               = 20
	NotExecutable        = 21
	Failed               = 30
	AbnormalTermination  = 40
	SpawnError           = 50
	AlreadyStarted       = 60
	NotRunning           = 70
	Success              = 80
	AlreadyAdded         = 90
	StillRunning         = 91
	CantReread           = 92
)

var faultNames = map[int]string{
	UnknownMethod:        "UNKNOWN_METHOD",
	IncorrectParameters:  "INCORRECT_PARAMETERS",
	BadArguments:         "BAD_ARGUMENTS",
	SignatureUnsupported: "SIGNATURE_UNSUPPORTED",
	ShutdownState:        "SHUTDOWN_STATE",
	BadName:              "BAD_NAME",
	BadSignal:            "BAD_SIGNAL",
	NoFile:               "NO_FILE",
	NotExecutable:        "NOT_EXECUTABLE",
	Failed:               "FAILED",
	AbnormalTermination:  "ABNORMAL_TERMINATION",
	SpawnError:           "SPAWN_ERROR",
	AlreadyStarted:       "ALREADY_STARTED",
	NotRunning:           "NOT_RUNNING",
	Success:              "SUCCESS",
	AlreadyAdded:         "ALREADY_ADDED",
	StillRunning:         "STILL_RUNNING",
	CantReread:           "CANT_REREAD",
}

// Fault is an XML-RPC fault as supervisord raises it: a numeric code and a
// faultString of the form "NAME: detail", or just "NAME" without a detail.
// A fault from a server that does not follow that form has an empty Name
// and its whole faultString in Detail.
type Fault struct {
	Code   int
	Name   string
	Detail string
}

// NewFault names the fault after its code, "UNKNOWN" for a code outside
// supervisord's table, as supervisord's getFaultDescription does.
func NewFault(code int, detail string) *Fault {
	name, ok := faultNames[code]
	if !ok {
		name = "UNKNOWN"
	}
	return &Fault{Code: code, Name: name, Detail: detail}
}

// Error returns the faultString, so a fault read back from the wire prints
// as the server sent it.
func (f *Fault) Error() string {
	switch {
	case f.Name == "":
		return f.Detail
	case f.Detail == "":
		return f.Name
	}
	return f.Name + ": " + f.Detail
}

// parseFault splits a faultString at the first ": " when what precedes it
// looks like one of supervisord's names (upper case and underscores), so
// that a detail containing ": " stays whole. Whatever it cannot split so
// that Error gives back the same string goes whole into Detail.
func parseFault(code int, s string) *Fault {
	name, detail, found := strings.Cut(s, ": ")
	if !isFaultName(name) || (found && detail == "") {
		return &Fault{Code: code, Detail: s}
	}
	return &Fault{Code: code, Name: name, Detail: detail}
}

func isFaultName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < 'A' || c > 'Z') && c != '_' {
			return false
		}
	}
	return true
}

// MulticallResult is one element of system.multicall's answer: the value
// wrapped in a one-element array on success, a {faultCode, faultString}
// struct on failure. An error that is not a *Fault becomes a FAILED fault,
// as supervisord reports an unexpected exception inside a multicall.
func MulticallResult(v any, err error) any {
	if err == nil {
		return []any{v}
	}
	var f *Fault
	if !errors.As(err, &f) {
		f = NewFault(Failed, err.Error())
	}
	return faultStruct(f.Code, f.Error())
}

func faultStruct(code int, msg string) map[string]any {
	return map[string]any{"faultCode": code, "faultString": msg}
}
