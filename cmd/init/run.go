package main

import (
	"log/slog"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/vigil-sh/vigil/config"
	"github.com/vigil-sh/vigil/initproc"
)

// runFlags are the flags of init itself (the root command).
type runFlags struct {
	http         string
	tokenFile    string
	insecureHTTP bool
	socket       string
	runtime      string
	waitReady    string
	config       string
	envFiles     []string
	prefix       bool
	shutdown     time.Duration
	pgroup       bool
	rewrite      []string
	remapExit    []string
	grace        time.Duration
	verbose      bool
	logFormat    string
}

func newRunCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "init [flags] [--] COMMAND [ARG...]",
		Short: "vigil: a container init that reaps, forwards signals and supervises programs",
		Long: `vigil is PID 1 for containers. It runs COMMAND as its child, reaps every
zombie, forwards every signal it receives to COMMAND, and exits with
COMMAND's status (128+N when COMMAND died of signal N).

Flags stop at the first argument that is not a flag, so
  init nginx -g 'daemon off;'
passes -g to nginx. Every flag can also be set with an environment
variable: --grace is VIGIL_GRACE, --log-format is VIGIL_LOG_FORMAT, and so on.`,
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error { return runInit(c, &f, args) },
	}
	cmd.Flags().SetInterspersed(false)
	fl := cmd.Flags()
	fl.StringVarP(&f.config, "config", "c", "", "supervisord-style config file with the programs to run (default: searched for when no COMMAND is given)")
	fl.StringVar(&f.http, "http", "", "also serve /livez, /readyz and /metrics on this TCP address, e.g. :9001 (default: [inet_http_server] port)")
	fl.StringVar(&f.tokenFile, "token-file", "", "a file holding the bearer token that the TCP listener's API and XML-RPC accept (or VIGIL_TOKEN)")
	fl.BoolVar(&f.insecureHTTP, "insecure-http", false, "serve the state-changing API on a non-loopback TCP address without credentials")
	fl.StringVar(&f.socket, "socket", "", "the control socket (default: [unix_http_server] file, else /run/vigil.sock, else in the runtime directory)")
	fl.StringVar(&f.runtime, "runtime-dir", "", "where init keeps its sockets (default /run/vigil, else vigil-UID in the temporary directory)")
	fl.StringVar(&f.waitReady, "wait-ready", "", "start COMMAND only once every program is ready; with a duration, give up (exit 1) after it")
	fl.Lookup("wait-ready").NoOptDefVal = "0"
	fl.StringArrayVar(&f.envFiles, "env-file", nil, "read environment variables from a .env file (repeatable)")
	fl.BoolVar(&f.prefix, "log-prefix", true, "prefix each line programs print with the program's name")
	fl.DurationVar(&f.shutdown, "shutdown-timeout", 9*time.Second, "with programs: the most a shutdown may take, from the signal to exit; everything left is then killed")
	fl.BoolVarP(&f.pgroup, "pgroup", "g", false, "send signals to COMMAND's whole process group, not only COMMAND")
	fl.StringArrayVarP(&f.rewrite, "rewrite", "r", nil, "rewrite a received signal FROM:TO before forwarding it; TO 0 drops it (repeatable)")
	fl.StringArrayVarP(&f.remapExit, "remap-exit", "e", nil, "report exit code N as 0, e.g. 143 for a JVM stopped by SIGTERM (repeatable)")
	fl.DurationVar(&f.grace, "grace", 5*time.Second, "after COMMAND exits, how long leftover processes get between SIGTERM and SIGKILL")
	fl.BoolVarP(&f.verbose, "verbose", "v", false, "log what init does (debug level)")
	fl.StringVar(&f.logFormat, "log-format", "text", "format of init's own messages: text or json")
	return cmd
}

func runInit(c *cobra.Command, f *runFlags, args []string) error {
	if err := flagsFromEnv(c.Flags(), lookupEnv); err != nil {
		return err
	}
	level := slog.LevelWarn
	if f.verbose {
		level = slog.LevelDebug
	}
	stdout, stderr := initproc.StdConsoles()
	// init's messages are queued by the console (see initproc.Console);
	// the last ones get out before it exits.
	defer stderr.Flush(time.Second)
	log, err := initproc.NewLogger(stderr, f.logFormat, level)
	if err != nil {
		return usageErrorf("--log-format: %v", err)
	}
	opts := initproc.Options{Command: args, Grace: f.grace, Log: log, Forwarding: initproc.Forwarding{Pgroup: f.pgroup},
		Prefix: f.prefix, ShutdownTimeout: f.shutdown, Stdout: stdout, Stderr: stderr}
	if opts.Forwarding.Rewrite, err = parseRewrites(f.rewrite); err != nil {
		return err
	}
	if opts.RemapExit, err = parseRemaps(f.remapExit); err != nil {
		return err
	}
	cfg, env, err := loadConfig(f, len(args) > 0, log)
	if err != nil {
		return err
	}
	opts.BaseEnv = env
	if cfg == nil || len(cfg.Processes()) == 0 {
		if len(args) == 0 {
			c.SetOut(c.ErrOrStderr())
			_ = c.Usage()
			return &exitError{code: exitUsage}
		}
		opts.ShutdownTimeout = 0
		return &exitError{code: initproc.Run(opts)}
	}
	if opts.WaitReady, opts.WaitReadyTimeout, err = parseWaitReady(f.waitReady); err != nil {
		return err
	}
	opts.Reload = func() (*config.Config, error) {
		cfg, _, err := loadConfig(f, len(args) > 0, log)
		if cfg == nil && err == nil {
			cfg = &config.Config{}
		}
		return cfg, err
	}
	opts.RuntimeDir = f.runtime
	if opts.RuntimeDir == "" {
		opts.RuntimeDir = runtimeDir()
	}
	s, err := initproc.NewSupervisor(cfg, opts)
	if err != nil {
		return &exitError{code: exitUsage, msg: err.Error()}
	}
	closeControl, err := serveControl(s, cfg, f, log)
	if err != nil {
		return &exitError{code: exitUsage, msg: err.Error()}
	}
	defer closeControl()
	return &exitError{code: s.Run()}
}

// parseWaitReady reads --wait-ready: empty is off, 0 waits forever.
func parseWaitReady(v string) (bool, time.Duration, error) {
	if v == "" {
		return false, 0, nil
	}
	if v == "0" {
		return true, 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return false, 0, usageErrorf("--wait-ready %q: want a duration like 30s, or no value to wait forever", v)
	}
	return true, d, nil
}

// lookupEnv is os.LookupEnv; a variable so tests can read another environment.
var lookupEnv = os.LookupEnv

// flagsFromEnv fills every flag not given on the command line from
// VIGIL_<FLAG> (dashes become underscores). A repeatable flag takes a
// comma-separated list.
func flagsFromEnv(fs *pflag.FlagSet, lookup func(string) (string, bool)) error {
	var err error
	fs.VisitAll(func(fl *pflag.Flag) {
		name := "VIGIL_" + strings.ToUpper(strings.ReplaceAll(fl.Name, "-", "_"))
		v, ok := lookup(name)
		if err != nil || !ok || fl.Changed {
			return
		}
		vals := []string{v}
		if fl.Value.Type() == "stringArray" {
			vals = strings.Split(v, ",")
		}
		for _, s := range vals {
			if e := fl.Value.Set(strings.TrimSpace(s)); e != nil {
				err = usageErrorf("%s=%q: %v", name, v, e)
				return
			}
		}
	})
	return err
}

func parseRewrites(specs []string) (map[syscall.Signal]syscall.Signal, error) {
	m := map[syscall.Signal]syscall.Signal{}
	for _, s := range specs {
		from, to, ok := strings.Cut(s, ":")
		if !ok {
			return nil, usageErrorf("--rewrite %q: want FROM:TO, e.g. TERM:QUIT or USR1:0", s)
		}
		f, err := config.ParseSignal(from)
		if err != nil {
			return nil, usageErrorf("--rewrite %q: %v", s, err)
		}
		if strings.TrimSpace(to) == "0" {
			m[f] = 0
			continue
		}
		t, err := config.ParseSignal(to)
		if err != nil {
			return nil, usageErrorf("--rewrite %q: %v", s, err)
		}
		m[f] = t
	}
	return m, nil
}

func parseRemaps(codes []string) (map[int]bool, error) {
	m := map[int]bool{}
	for _, s := range codes {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 0 || n > 255 {
			return nil, usageErrorf("--remap-exit %q: want an exit code from 0 to 255", s)
		}
		m[n] = true
	}
	return m, nil
}
