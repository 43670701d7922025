package control

import (
	"fmt"
	"time"

	"github.com/vigil-sh/vigil/initproc"
)

// Describe is supervisorctl's description column: "pid 123, uptime
// 0:01:02" for a running program, the stop time for one that ran, "Not
// started" for one that never did, the spawn error for one that could not.
func Describe(p initproc.ProgramStatus, now time.Time) string {
	switch {
	case p.State == initproc.Running || p.State == initproc.Stopping || p.State == initproc.Starting && p.Pid != 0:
		d := Uptime(p, now).Truncate(time.Second)
		h, m, s := int(d.Hours()), int(d.Minutes())%60, int(d.Seconds())%60
		desc := fmt.Sprintf("pid %d, uptime %d:%02d:%02d", p.Pid, h, m, s)
		if p.Status != "" {
			desc += ", " + p.Status
		}
		return desc
	case p.SpawnErr != "" && (p.State == initproc.Backoff || p.State == initproc.Fatal):
		return p.SpawnErr
	case p.State == initproc.Fatal:
		return "Exited too quickly (process log may have details)"
	case p.Stop.IsZero():
		return "Not started"
	}
	return p.Stop.Format("Jan 02 03:04 PM")
}

// Uptime is how long the program's current process has run, 0 when none
// runs. It is counted by init, for the description and the API alike: a
// client counting from the start time would use its own clock, which may
// differ from the container's.
func Uptime(p initproc.ProgramStatus, now time.Time) time.Duration {
	if p.Pid == 0 || p.Start.IsZero() {
		return 0
	}
	return now.Sub(p.Start)
}
