// Package config reads a supervisord.conf, unchanged, into typed and
// validated structs, plus the vigil extension keys and programs defined
// through VIGIL_PROGRAM_* environment variables.
//
// The package only parses: apart from reading the files it is asked to read
// (and the files [include] globs match) it touches nothing, so the runtime
// decides when users, directories and env files are looked at.
//
// # Environment precedence
//
// A process's environment is built from, lowest first:
//
//  1. init's own environment;
//  2. the files given with --env-file;
//  3. [supervisord] env_file, then [supervisord] environment;
//  4. the program's env_file, in the order listed;
//  5. the program's environment.
//
// %(ENV_X)s expansions see the variables of 1 and 2 (LoadOptions.Env) plus
// [supervisord] environment, and within a program also that program's
// environment, as supervisord does. Env files are not read while loading;
// Config.Environ reads them when the runtime builds the environment.
//
// # Extension keys
//
// Durations are whole seconds or Go durations ("500ms", "1m30s").
//
//	[supervisord] env_file   .env files for every program (space or comma separated, relative to the file)
//	env_file                 the program's .env files, likewise
//	log_prefix=true          prefix each output line with the program name
//	critical=false           when the program stops for good, init shuts down with its status
//	restart_delay=0          wait before respawning a program that exited from RUNNING
//	backoff=linear           linear (1s, 2s, 3s...) or exponential (1s, 2s, 4s...)
//	backoff_max=60s          cap of the exponential backoff
//	depends_on=              program or process names, comma separated
//	ready=startsecs          startsecs, healthcheck or notify
//	watchdog_timeout=0       with ready=notify
//	healthcheck_command=     one of these three: argv split like command,
//	healthcheck_http=        an http:// or https:// URL,
//	healthcheck_tcp=         or host:port
//	healthcheck_interval=30s, healthcheck_timeout=30s, healthcheck_retries=3,
//	healthcheck_start_period=0, healthcheck_restart=false
package config

import (
	"sort"
	"syscall"
	"time"
)

// Config is a whole configuration: the INI file, its includes and the
// VIGIL_PROGRAM_* programs, expanded and checked.
type Config struct {
	Files       []string // every file read, in order
	Supervisord Supervisord
	Groups      []*Group        // sorted by priority then name, as supervisord starts them
	Unix        *UnixHTTPServer // nil when the section is absent
	Inet        *InetHTTPServer // nil when absent
	Ctl         *Supervisorctl  // nil when absent
}

// Supervisord is the [supervisord] section. Keys vigil has no use for are
// still parsed and checked so that a config supervisord rejects is rejected
// here too.
type Supervisord struct {
	Pos             Pos
	Environment     []EnvVar
	Logfile         string
	LogfileMaxBytes int64
	LogfileBackups  int
	Loglevel        string
	User            string
	Directory       string
	Umask           int // -1 when unset; supervisord itself would apply 022
	Minfds          int
	Minprocs        int
	Nodaemon        bool
	Silent          bool
	NoCleanup       bool
	StripANSI       bool
	Identifier      string
	Pidfile         string
	ChildLogDir     string
	EnvFiles        []string // vigil extension: absolute paths, in order
}

// UnixHTTPServer is the [unix_http_server] section.
type UnixHTTPServer struct {
	Pos                Pos
	File               string
	Chmod              uint32 // 0700 unless given
	Chown              string // "user" or "user:group" as written
	Username, Password string
}

// InetHTTPServer is the [inet_http_server] section.
type InetHTTPServer struct {
	Pos                Pos
	Port               string // host:port as given; "*:9001" and "9001" mean every interface
	Username, Password string
}

// Supervisorctl is the [supervisorctl] section.
type Supervisorctl struct {
	Pos                Pos
	ServerURL          string
	Username, Password string
	Prompt             string
	HistoryFile        string
}

// EnvVar is one environment variable; slices of them keep the order the
// user wrote.
type EnvVar struct{ Key, Value string }

// Group is a process group: a [group:x] section, or the implicit group
// supervisord makes of every [program:x] that no [group] lists.
type Group struct {
	Name        string
	Priority    int
	Pos         Pos
	Processes   []*Process // sorted by priority then name
	FromProgram bool       // true: the implicit group of one [program:x]
}

// Process is one process, fully expanded: numprocs N gives N of them, each
// with its own %(process_num) expansions.
type Process struct {
	Name, Group, Program string
	ProcessNum, NumProcs int
	Pos                  Pos // the section header, or the variable defining an env program

	Command     []string // argv, split like supervisord's shlex.split
	CommandLine string   // the expanded string before splitting

	Priority     int
	AutoStart    bool
	StartSecs    time.Duration
	StartRetries int
	AutoRestart  AutoRestart
	ExitCodes    []int

	StopSignal               syscall.Signal
	StopWait                 time.Duration
	StopAsGroup, KillAsGroup bool

	User        string
	Directory   string
	Umask       int      // -1 when unset
	Environment []EnvVar // the program's environment= in order
	ServerURL   string   // "" when unset or AUTO

	RedirectStderr bool
	Stdout, Stderr LogSpec

	// vigil extensions
	EnvFiles        []string // absolute paths, in order
	LogPrefix       bool
	Critical        bool
	RestartDelay    time.Duration
	Backoff         Backoff
	BackoffMax      time.Duration
	DependsOn       []string // program or process names as written
	Ready           ReadyMode
	WatchdogTimeout time.Duration
	Health          *HealthCheck // nil when none

	dependsPos Pos
}

// LogSpec is where one output channel of a process goes.
type LogSpec struct {
	File            string // "" for none, "AUTO", or a path such as /dev/stdout
	MaxBytes        int64
	Backups         int
	CaptureMaxBytes int64
	EventsEnabled   bool
	Syslog          bool
}

// HealthCheck is a program's health probe; exactly one of Command, HTTP and
// TCP is set.
type HealthCheck struct {
	Command     []string
	HTTP        string // an http:// or https:// URL
	TCP         string // host:port
	Interval    time.Duration
	Timeout     time.Duration
	StartPeriod time.Duration
	Retries     int
	Restart     bool // restart the process when it turns unhealthy
}

// Processes lists every process in start order: priority, then group name,
// then process name.
func (c *Config) Processes() []*Process {
	var all []*Process
	for _, g := range c.Groups {
		all = append(all, g.Processes...)
	}
	sort.SliceStable(all, func(i, j int) bool {
		a, b := all[i], all[j]
		if a.Priority != b.Priority {
			return a.Priority < b.Priority
		}
		if a.Group != b.Group {
			return a.Group < b.Group
		}
		return a.Name < b.Name
	})
	return all
}

// Process finds a process by "name" or "group:name"; nil if there is none.
// Process names are unique across groups, so the bare name is enough.
func (c *Config) Process(name string) *Process {
	for _, g := range c.Groups {
		for _, p := range g.Processes {
			if p.Name == name || g.Name+":"+p.Name == name {
				return p
			}
		}
	}
	return nil
}

// DependsOn resolves p's depends_on into the processes it names: a program
// name stands for all of its processes.
func (c *Config) DependsOn(p *Process) []*Process {
	var out []*Process
	seen := map[*Process]bool{}
	for _, name := range p.DependsOn {
		for _, q := range c.lookupDep(name) {
			if !seen[q] {
				seen[q] = true
				out = append(out, q)
			}
		}
	}
	return out
}

func (c *Config) lookupDep(name string) []*Process {
	var byProgram, byName []*Process
	for _, g := range c.Groups {
		for _, q := range g.Processes {
			if q.Program == name {
				byProgram = append(byProgram, q)
			}
			if q.Name == name || g.Name+":"+q.Name == name {
				byName = append(byName, q)
			}
		}
	}
	if len(byProgram) > 0 {
		return byProgram
	}
	return byName
}
