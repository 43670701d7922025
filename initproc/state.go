package initproc

import "fmt"

// State is a program's state, with supervisord's names and numbers, which
// its XML-RPC clients see.
type State int

// The states of supervisord, with its codes.
const (
	Stopped  State = 0
	Starting State = 10
	Running  State = 20
	Backoff  State = 30
	Stopping State = 40
	Exited   State = 100
	Fatal    State = 200
	Unknown  State = 1000
)

var stateNames = map[State]string{
	Stopped: "STOPPED", Starting: "STARTING", Running: "RUNNING", Backoff: "BACKOFF",
	Stopping: "STOPPING", Exited: "EXITED", Fatal: "FATAL", Unknown: "UNKNOWN",
}

func (s State) String() string {
	if n, ok := stateNames[s]; ok {
		return n
	}
	return fmt.Sprintf("State(%d)", int(s))
}

// transitions are the moves supervisord makes, plus EXITED -> STOPPED: a
// program waiting out its restart_delay (an extension) can be stopped.
var transitions = map[State][]State{
	Stopped:  {Starting},
	Starting: {Running, Backoff, Stopping},
	Running:  {Exited, Stopping},
	Backoff:  {Starting, Fatal, Stopped},
	Stopping: {Stopped},
	Exited:   {Starting, Stopped},
	Fatal:    {Starting},
}

// check reports whether a program may move from s to next.
func (s State) check(next State) error {
	for _, t := range transitions[s] {
		if t == next {
			return nil
		}
	}
	return fmt.Errorf("invalid state transition %s -> %s", s, next)
}

// Alive reports whether the program has (or is about to have) a process:
// supervisord's RUNNING_STATES.
func (s State) Alive() bool { return s == Starting || s == Running || s == Backoff }

// Down reports whether the program has no process and none is coming
// without someone asking for it.
func (s State) Down() bool { return s == Stopped || s == Exited || s == Fatal }
