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
	tests := []struct {
		state    State
		spawnErr string
		reqErr   error // an error of the request itself, which stays
		want     error
		msg      string
	}{
		{Running, "", nil, nil, ""},
		{Fatal, "/srv/app: permission denied", nil, ErrSpawn, "spawn error: /srv/app: permission denied"},
		{Fatal, "", nil, ErrGaveUp, "exited too quickly: it kept exiting before it was up and is FATAL after startretries=3; its output says why"},
		{Exited, "", nil, nil, ""},
		{Fatal, "x: command not found in PATH", ErrAlreadyStarted, ErrAlreadyStarted, "already started"},
	}
	targets := make([]*program, len(tests))
	results := make([]Result, len(tests))
	for i, tt := range tests {
		cfg := &config.Process{Name: "p", StartRetries: 3}
		targets[i] = &program{cfg: cfg, m: &machine{cfg: cfg, state: tt.state, spawnErr: tt.spawnErr}}
		results[i].Err = tt.reqErr
	}
	startOutcomes(results, targets)
	for i, tt := range tests {
		// errors.Is(err, nil) holds for a nil err only.
		if err := results[i].Err; !errors.Is(err, tt.want) || err != nil && err.Error() != tt.msg {
			t.Errorf("%d: %v, want %q", i, err, tt.msg)
		}
	}
}
