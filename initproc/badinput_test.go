package initproc

import (
	"errors"
	"testing"

	"github.com/vigil-sh/vigil/config"
)

// A waited-for start that ends FATAL is an error, with the spawn error's
// reason and path when the command could not be started at all, rather
// than "started".
func TestStartOutcomes(t *testing.T) {
	prog := func(st State, spawnErr string) *program {
		cfg := &config.Process{Name: "p", StartRetries: 3}
		return &program{cfg: cfg, m: &machine{cfg: cfg, state: st, spawnErr: spawnErr}}
	}
	targets := []*program{
		prog(Running, ""),
		prog(Fatal, "/srv/app: permission denied"),
		prog(Fatal, ""),
		prog(Exited, ""),
		prog(Fatal, "x: command not found in PATH"),
	}
	results := make([]Result, len(targets))
	results[4].Err = ErrAlreadyStarted // an error of the request itself stays
	startOutcomes(results, targets)
	for i, want := range []struct {
		is  error
		msg string
	}{
		{nil, ""},
		{ErrSpawn, "spawn error: /srv/app: permission denied"},
		{ErrGaveUp, "exited too quickly: it kept exiting before it was up and is FATAL after startretries=3; its output says why"},
		{nil, ""},
		{ErrAlreadyStarted, "already started"},
	} {
		err := results[i].Err
		if !errors.Is(err, want.is) || (err == nil) != (want.is == nil) || err != nil && err.Error() != want.msg {
			t.Errorf("%d: %v, want %q", i, err, want.msg)
		}
	}
}
