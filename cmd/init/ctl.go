package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/vigil-sh/vigil/config"
	"github.com/vigil-sh/vigil/control"
)

// Exit codes of init ctl, as supervisorctl's where it has them.
const (
	exitFailed     = 1 // a request was refused for some program
	exitNotRunning = 3 // some program is not running (status), or not ready (health, wait)
	exitNoServer   = 4 // init cannot be reached
)

type ctlFlags struct {
	socket     string
	server     string
	user, pass string
	config     string
	output     string
}

func newCtlCmd() *cobra.Command {
	var f ctlFlags
	cmd := &cobra.Command{
		Use:   "ctl",
		Short: "Talk to the running init: status, start, stop, restart, signal, health, wait",
		PersistentPreRunE: func(c *cobra.Command, _ []string) error {
			return flagsFromEnv(c.Flags(), lookupEnv)
		},
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usageErrorf("ctl: unknown command %q (see init ctl --help)", args[0])
			}
			c.SetOut(c.ErrOrStderr())
			_ = c.Help()
			return &exitError{code: exitUsage}
		},
	}
	cmd.PersistentFlags().StringVar(&f.socket, "socket", "", "init's control socket (default: /run/vigil.sock, else the runtime directory's)")
	cmd.PersistentFlags().StringVarP(&f.output, "output", "o", "text", "text or json")
	cmd.PersistentFlags().StringVar(&f.server, "server", "", "init's TCP address as a URL, e.g. http://127.0.0.1:9001")
	cmd.PersistentFlags().StringVarP(&f.user, "username", "u", "", "user name for --server")
	cmd.PersistentFlags().StringVarP(&f.pass, "password", "p", "", "password for --server")
	cmd.PersistentFlags().StringVarP(&f.config, "config", "c", "", "read where init listens from this config ([supervisorctl] serverurl, [unix_http_server] file)")
	cmd.AddCommand(newStatusCmd(&f), newActionCmd(&f, "start", "started"), newActionCmd(&f, "stop", "stopped"),
		newActionCmd(&f, "restart", "restarted"), newSignalCmd(&f), newHealthCmd(&f), newWaitCmd(&f))
	cmd.AddCommand(newReloadCmds(&f)...)
	cmd.AddCommand(newTailCmd(&f), newLogsCmd(&f), newPidCmd(&f), newAvailCmd(&f), newShutdownCmd(&f), newVersionCmd())
	for _, sub := range cmd.Commands() {
		switch sub.Name() {
		case "status", "start", "stop", "restart", "tail", "pid":
			sub.ValidArgsFunction = completePrograms(&f)
		}
	}
	return cmd
}

// withClient makes a command's RunE that first finds init.
func withClient(f *ctlFlags, run func(c *cobra.Command, cl *client, args []string) error) func(*cobra.Command, []string) error {
	return func(c *cobra.Command, args []string) error {
		cl, err := dial(f)
		if err != nil {
			return err
		}
		return run(c, cl, args)
	}
}

// client is an HTTP client of init's control plane: over its socket, or
// over TCP with credentials.
type client struct {
	http *http.Client
	base string // URL prefix of every request
	path string // where it connects, for messages
}

// target is one place init may listen.
type target struct {
	url        string // unix:///path or http://host:port
	user, pass string
}

// dial finds init: --server or VIGIL_SERVER (a URL), --socket or
// VIGIL_SOCKET, the config's [supervisorctl] serverurl (with its username
// and password) or [unix_http_server] file, then the default sockets. The
// error names every place it looked.
func dial(f *ctlFlags) (*client, error) {
	var tried []string
	for _, t := range targets(f) {
		cl, err := connect(t)
		if err == nil {
			return cl, nil
		}
		tried = append(tried, fmt.Sprintf("%s (%v)", t.url, unwrapNet(err)))
	}
	return nil, &exitError{code: exitNoServer, msg: "cannot reach init: tried " + strings.Join(tried, ", ") +
		"; give --socket, --server, VIGIL_SOCKET or VIGIL_SERVER"}
}

func targets(f *ctlFlags) []target {
	switch {
	case f.server != "":
		return []target{{url: f.server, user: f.user, pass: f.pass}}
	case f.socket != "":
		return []target{{url: "unix://" + f.socket}}
	}
	var ts []target
	if cfg := ctlConfig(f); cfg != nil {
		if c := cfg.Ctl; c != nil && c.ServerURL != "" {
			ts = append(ts, target{url: c.ServerURL, user: c.Username, pass: c.Password})
		}
		if cfg.Unix != nil && cfg.Unix.File != "" {
			ts = append(ts, target{url: "unix://" + cfg.Unix.File})
		}
	}
	ts = append(ts, target{url: "unix:///run/vigil.sock"}, target{url: "unix://" + runtimeDir() + "/vigil.sock"})
	// init may run as another user (docker run --user 1000 with a
	// read-only root, then docker exec as root): its runtime directory
	// has that user's id in its name.
	others, _ := filepath.Glob(filepath.Join(os.TempDir(), "vigil-*", "vigil.sock"))
	for _, o := range others {
		if t := (target{url: "unix://" + o}); !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
	}
	return ts
}

// ctlConfig reads the config init would, if there is one, quietly: ctl
// only wants to know where init listens.
func ctlConfig(f *ctlFlags) *config.Config {
	path := f.config
	if path == "" {
		path = findConfig()
	}
	if path == "" {
		return nil
	}
	cfg, _, err := config.Load(path, config.LoadOptions{Env: map[string]string{}})
	if err != nil {
		return nil
	}
	return cfg
}

func connect(t target) (*client, error) {
	if path, ok := strings.CutPrefix(t.url, "unix://"); ok {
		conn, err := net.DialTimeout("unix", path, 2*time.Second)
		if err != nil {
			return nil, err
		}
		conn.Close()
		return &client{path: path, base: "http://vigil", http: &http.Client{Transport: &http.Transport{
			DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, "unix", path)
			}}}}, nil
	}
	u, err := url.Parse(t.url)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return nil, fmt.Errorf("want unix:///path or http://host:port")
	}
	conn, err := net.DialTimeout("tcp", u.Host, 2*time.Second)
	if err != nil {
		return nil, err
	}
	conn.Close()
	var rt http.RoundTripper = http.DefaultTransport
	if t.user != "" {
		rt = basicAuth{user: t.user, pass: t.pass, next: rt}
	}
	return &client{path: t.url, base: strings.TrimSuffix(t.url, "/"), http: &http.Client{Transport: rt}}, nil
}

// basicAuth adds credentials to every request.
type basicAuth struct {
	user, pass string
	next       http.RoundTripper
}

func (b basicAuth) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.SetBasicAuth(b.user, b.pass)
	return b.next.RoundTrip(r)
}

func unwrapNet(err error) error {
	if oe, ok := err.(*net.OpError); ok && oe.Err != nil {
		return oe.Err
	}
	return err
}

func (c *client) get(path string) (int, []byte, error) {
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		return 0, nil, &exitError{code: exitNoServer, msg: fmt.Sprintf("%s: %v", c.path, err)}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

func (c *client) control(req control.ControlRequest) ([]control.ResultJSON, error) {
	var out struct {
		Results []control.ResultJSON `json:"results"`
	}
	return out.Results, c.post("/api/v1/control", req, &out)
}

// post sends body as JSON and decodes the answer into out. An API error
// becomes a one-line message (several lines for a config with errors).
func (c *client) post(path string, body, out any) error {
	b, _ := json.Marshal(body)
	resp, err := c.http.Post(c.base+path, "application/json", bytes.NewReader(b))
	if err != nil {
		return &exitError{code: exitNoServer, msg: fmt.Sprintf("%s: %v", c.path, err)}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return &exitError{code: exitNoServer, msg: fmt.Sprintf("%s: %v", c.path, err)}
	}
	var e struct {
		Error *control.ErrorJSON `json:"error"`
	}
	if json.Unmarshal(raw, &e) == nil && e.Error != nil {
		return &exitError{code: exitFailed, msg: e.Error.Code + ": " + strings.ReplaceAll(e.Error.Message, "\n", "\nvigil: ")}
	}
	if resp.StatusCode != http.StatusOK {
		return &exitError{code: exitFailed, msg: fmt.Sprintf("init answered %s", resp.Status)}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return &exitError{code: exitFailed, msg: "bad answer from init: " + err.Error()}
	}
	return nil
}

func (c *client) programs() ([]control.ProgramJSON, error) {
	code, body, err := c.get("/api/v1/programs")
	if err != nil {
		return nil, err
	}
	var ps []control.ProgramJSON
	if code != http.StatusOK || json.Unmarshal(body, &ps) != nil {
		return nil, &exitError{code: exitNoServer, msg: fmt.Sprintf("init answered %d: %s", code, bytes.TrimSpace(body))}
	}
	return ps, nil
}

func newStatusCmd(f *ctlFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "status [NAME...]",
		Short: "Show programs like supervisorctl status; exit 3 if one is not running",
		RunE: withClient(f, func(c *cobra.Command, cl *client, names []string) error {
			ps, err := cl.selected(names)
			if err != nil {
				return err
			}
			printStatus(c.OutOrStdout(), ps, f.output)
			for _, p := range ps {
				if p.State != "RUNNING" {
					return &exitError{code: exitNotRunning}
				}
			}
			return nil
		}),
	}
}

// selected is the programs that names match, as supervisorctl picks them.
func (c *client) selected(names []string) ([]control.ProgramJSON, error) {
	ps, err := c.programs()
	if err != nil {
		return nil, err
	}
	return selectPrograms(ps, names)
}

// selectPrograms keeps the programs names match ("name", "group:name",
// "group:*"); no names means all.
func selectPrograms(ps []control.ProgramJSON, names []string) ([]control.ProgramJSON, error) {
	if len(names) == 0 {
		return ps, nil
	}
	var out []control.ProgramJSON
	for _, n := range names {
		found := false
		for _, p := range ps {
			g, pn, grouped := strings.Cut(n, ":")
			if n == "all" || n == p.Name || grouped && g == p.Group && (pn == "*" || pn == p.Name) {
				out, found = append(out, p), true
			}
		}
		if !found {
			return nil, &exitError{code: exitFailed, msg: n + ": ERROR (no such process)"}
		}
	}
	return out, nil
}

func printStatus(w io.Writer, ps []control.ProgramJSON, format string) {
	if format == "json" {
		json.NewEncoder(w).Encode(ps)
		return
	}
	for _, p := range ps {
		fmt.Fprintf(w, "%-33s%-10s%s\n", namespec(p), p.State, p.Description)
	}
}

func newActionCmd(f *ctlFlags, verb, done string) *cobra.Command {
	return &cobra.Command{
		Use:   verb + " NAME|GROUP:*|all...",
		Short: strings.ToUpper(verb[:1]) + verb[1:] + " programs and wait until they are " + done,
		Args:  cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, names []string) error {
			return runAction(c, f, control.ControlRequest{Verb: verb, Names: names, Wait: true}, done)
		},
	}
}

func newSignalCmd(f *ctlFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "signal SIG NAME|GROUP:*|all...",
		Short: "Send a signal to programs",
		Args:  cobra.MinimumNArgs(2),
		RunE: func(c *cobra.Command, args []string) error {
			// A typo in the name is a usage error, found without init.
			if _, err := config.ParseSignal(args[0]); err != nil {
				return usageErrorf("%v", err)
			}
			return runAction(c, f, control.ControlRequest{Verb: "signal", Signal: args[0], Names: args[1:]}, "signalled")
		},
	}
}

func runAction(c *cobra.Command, f *ctlFlags, req control.ControlRequest, done string) error {
	cl, err := dial(f)
	if err != nil {
		return err
	}
	results, err := cl.control(req)
	if err != nil {
		return err
	}
	if f.output == "json" {
		json.NewEncoder(c.OutOrStdout()).Encode(results)
	}
	failed := false
	for _, r := range results {
		if f.output == "json" {
			failed = failed || r.Error != nil
			continue
		}
		if r.Error != nil {
			failed = true
			fmt.Fprintf(c.OutOrStdout(), "%s: ERROR (%s)\n", r.Name, r.Error.Message)
		} else {
			fmt.Fprintf(c.OutOrStdout(), "%s: %s\n", r.Name, done)
		}
	}
	if failed {
		return &exitError{code: exitFailed}
	}
	return nil
}

func newHealthCmd(f *ctlFlags) *cobra.Command {
	var live bool
	cmd := &cobra.Command{
		Use:   "health",
		Short: "Exit 0 when every program is ready, 3 otherwise (for HEALTHCHECK and exec probes)",
		Long: "Exit 0 when every program is ready, 3 otherwise, with /readyz?verbose's lines: for HEALTHCHECK and\n" +
			"Kubernetes exec readiness probes. With --live, exit 0 when init's supervisor loop answers (/livez):\n" +
			"for liveness probes, which must not restart a container only because a program is starting.",
		Args: cobra.NoArgs,
		RunE: withClient(f, func(c *cobra.Command, cl *client, _ []string) error {
			path := "/readyz?verbose"
			if live {
				path = "/livez"
			}
			code, body, err := cl.get(path)
			if err != nil {
				return err
			}
			c.OutOrStdout().Write(body)
			if code != http.StatusOK {
				return &exitError{code: exitNotRunning}
			}
			return nil
		}),
	}
	cmd.Flags().BoolVar(&live, "live", false, "check init's liveness (/livez) instead of every program's readiness")
	return cmd
}

func newWaitCmd(f *ctlFlags) *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "wait",
		Short: "Block until every program is ready (exit 0), or until --timeout (exit 3)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			deadline := time.Now().Add(timeout)
			for {
				// init may not be up yet: keep trying to reach it too.
				if cl, err := dial(f); err == nil {
					if code, _, err := cl.get("/readyz"); err == nil && code == http.StatusOK {
						return nil
					}
				}
				if timeout > 0 && time.Now().After(deadline) {
					return &exitError{code: exitNotRunning, msg: fmt.Sprintf("not ready after %v", timeout)}
				}
				time.Sleep(100 * time.Millisecond)
			}
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 0, "give up after this long (default: wait for ever)")
	return cmd
}

func newReloadCmds(f *ctlFlags) []*cobra.Command {
	mk := func(use, short, path string, apply bool) *cobra.Command {
		return &cobra.Command{
			Use: use, Short: short, Args: cobra.NoArgs,
			RunE: withClient(f, func(c *cobra.Command, cl *client, _ []string) error {
				return cl.reload(c.OutOrStdout(), path, apply, f.output)
			}),
		}
	}
	return []*cobra.Command{
		mk("reread", "Read the config again and show what changed, changing nothing", "/api/v1/reread", false),
		mk("update", "Read the config again and apply the difference: start added, stop removed, restart changed programs", "/api/v1/update", true),
		mk("reload", "The same as update (init never restarts unchanged programs)", "/api/v1/update", true),
	}
}

func (c *client) reload(w io.Writer, path string, applied bool, format string) error {
	var out struct{ control.DiffJSON }
	if err := c.post(path, nil, &out); err != nil {
		return err
	}
	if format == "json" {
		return json.NewEncoder(w).Encode(out.DiffJSON)
	}
	words := map[bool][3]string{false: {"available", "changed", "disappeared"}, true: {"added process group", "updated process group", "removed process group"}}[applied]
	for i, names := range [][]string{out.Added, out.Changed, out.Removed} {
		for _, n := range names {
			fmt.Fprintf(w, "%s: %s\n", n, words[i])
		}
	}
	if len(out.Added)+len(out.Changed)+len(out.Removed) == 0 && !applied {
		fmt.Fprintln(w, "No config updates to processes")
	}
	return nil
}

// completePrograms completes program names (and group:*) from the running
// init, for the shell completion cobra generates.
func completePrograms(f *ctlFlags) cobra.CompletionFunc {
	return func(c *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
		cl, err := dial(f)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		ps, err := cl.programs()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		names := []string{"all"}
		seen := map[string]bool{}
		for _, p := range ps {
			names = append(names, p.Name)
			if p.Group != p.Name && !seen[p.Group] {
				seen[p.Group] = true
				names = append(names, p.Group+":*")
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// namespec is supervisorctl's name for a process: "group:name", or just
// "name" when the group is the program itself.
func namespec(p control.ProgramJSON) string {
	if p.Group != p.Name {
		return p.Group + ":" + p.Name
	}
	return p.Name
}
