package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/vigil-sh/vigil/config"
	"github.com/vigil-sh/vigil/control"
	"github.com/vigil-sh/vigil/initproc"
)

// runtimeDir is where init keeps its sockets: /run/vigil when /run is
// writable (root, a normal container), else a directory of the user's in
// the temporary directory (non-root, read-only root with a tmpfs on /tmp).
func runtimeDir() string {
	if unix.Access("/run", unix.W_OK) == nil {
		return "/run/vigil"
	}
	return filepath.Join(os.TempDir(), fmt.Sprintf("vigil-%d", os.Getuid()))
}

// socketPath is the control socket: --socket or VIGIL_SOCKET, else
// [unix_http_server] file, else /run/vigil.sock when /run is writable, else
// one in the runtime directory.
func socketPath(flag string, cfg *config.Config) string {
	switch {
	case flag != "":
		return flag
	case cfg != nil && cfg.Unix != nil && cfg.Unix.File != "":
		return cfg.Unix.File
	case unix.Access("/run", unix.W_OK) == nil:
		return "/run/vigil.sock"
	}
	return filepath.Join(runtimeDir(), "vigil.sock")
}

// httpAddr is --http or VIGIL_HTTP, else [inet_http_server] port.
func httpAddr(flag string, cfg *config.Config) string {
	if flag != "" || cfg == nil || cfg.Inet == nil {
		return flag
	}
	port := cfg.Inet.Port
	if strings.HasPrefix(port, "*:") {
		port = port[1:]
	} else if !strings.Contains(port, ":") {
		port = ":" + port
	}
	return port
}

// serveControl serves the probes and metrics on the control socket and,
// when asked, on TCP. It returns a function that closes the listeners.
func serveControl(s *initproc.Supervisor, cfg *config.Config, f *runFlags, log *slog.Logger) (func(), error) {
	opts := control.Options{Version: versionString()}
	// The socket's file mode is its access control, so it serves the API
	// that changes state; on TCP that takes credentials (tcpHandler).
	api := control.NewAPIHandler(s, opts)
	mode := os.FileMode(0o700)
	if cfg.Unix != nil && cfg.Unix.Chmod != 0 {
		mode = os.FileMode(cfg.Unix.Chmod)
	}
	path := socketPath(f.socket, cfg)
	var listeners []net.Listener
	// Without its socket init still runs the programs: the workload
	// matters more than the control plane. It says why, once.
	ln, err := listenSocket(path, mode, cfg.Unix)
	if err != nil {
		log.Warn("no control socket: "+err.Error(), "hint", socketHint(err))
	} else {
		listeners = append(listeners, ln)
	}
	if addr := httpAddr(f.http, cfg); addr != "" {
		tcp, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range listeners {
				l.Close()
			}
			return nil, fmt.Errorf("--http %s: %w", addr, err)
		}
		listeners = append(listeners, tcp)
	}
	tcpAPI, err := tcpHandler(api, cfg, f, log)
	if err != nil {
		for _, l := range listeners {
			l.Close()
		}
		return nil, err
	}
	var servers []*http.Server
	for _, l := range listeners {
		h := api
		if l.Addr().Network() != "unix" {
			h = tcpAPI(l.Addr())
		}
		srv := control.NewServer(h)
		servers = append(servers, srv)
		initproc.Go(log, "http", func() {
			if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("control server stopped", "addr", l.Addr().String(), "err", err)
			}
		})
	}
	return func() {
		for _, srv := range servers {
			srv.Close()
		}
		if ln != nil {
			os.Remove(path) // ours: a socket someone else listens on stays
		}
	}, nil
}

// socketHint says what to do when the socket cannot be made: on a
// read-only root (docker run --read-only) nothing is writable until a
// tmpfs is mounted.
func socketHint(err error) string {
	if errors.Is(err, unix.EROFS) || errors.Is(err, unix.EACCES) {
		return "mount a tmpfs on /run or on " + os.TempDir() + " (docker run --tmpfs /run, Kubernetes: an emptyDir volume), or give --socket a writable path"
	}
	return "give --socket a free, writable path"
}

func listenSocket(path string, mode os.FileMode, u *config.UnixHTTPServer) (net.Listener, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, fmt.Errorf("control socket %s: %w", path, err)
	}
	ln, err := control.ListenUnix(path, mode)
	if err != nil || u == nil || u.Chown == "" {
		return ln, err
	}
	// [unix_http_server] chown=user[:group], as supervisord.
	if err := chown(path, u.Chown); err != nil {
		ln.Close()
		return nil, fmt.Errorf("control socket %s: chown=%s: %w", path, u.Chown, err)
	}
	return ln, nil
}

func chown(path, spec string) error {
	name, group, _ := strings.Cut(spec, ":")
	usr, err := user.Lookup(name)
	if err != nil {
		return err
	}
	gid := usr.Gid
	if group != "" {
		g, err := user.LookupGroup(group)
		if err != nil {
			return err
		}
		gid = g.Gid
	}
	uid, _ := strconv.Atoi(usr.Uid)
	g, _ := strconv.Atoi(gid)
	return os.Chown(path, uid, g)
}

// tcpHandler decides what a TCP listener serves. Probes and metrics are
// always open. The API and XML-RPC need the credentials when there are
// some ([inet_http_server] username and password, or VIGIL_TOKEN /
// --token-file); without any they are served on loopback only, and on any
// other address only with --insecure-http.
func tcpHandler(api http.Handler, cfg *config.Config, f *runFlags, log *slog.Logger) (func(net.Addr) http.Handler, error) {
	creds := control.Credentials{Token: os.Getenv("VIGIL_TOKEN")}
	// An empty token would read as "no token" and leave the API open on
	// loopback: whoever set one meant the opposite.
	if v, set := os.LookupEnv("VIGIL_TOKEN"); set && strings.TrimSpace(v) == "" {
		return nil, errors.New("VIGIL_TOKEN is set but empty: give it the token, or unset it")
	}
	if cfg.Inet != nil {
		creds.Username, creds.Password = cfg.Inet.Username, cfg.Inet.Password
	}
	if f.tokenFile != "" {
		b, err := os.ReadFile(f.tokenFile)
		if err != nil {
			return nil, fmt.Errorf("--token-file: %w", err)
		}
		creds.Token = strings.TrimSpace(string(b))
		if creds.Token == "" {
			return nil, fmt.Errorf("--token-file %s: the file is empty: write the token into it", f.tokenFile)
		}
	}
	return func(addr net.Addr) http.Handler {
		tcp, _ := addr.(*net.TCPAddr)
		switch {
		case !creds.Empty():
			return control.RequireAuth(creds, api)
		case f.insecureHTTP:
			return api
		case tcp != nil && tcp.IP.IsLoopback():
			return control.LoopbackHostOnly(api)
		}
		// Probes on every address are the usual Kubernetes setup, so this
		// is no warning; a request for more is told why it gets nothing.
		log.Info("the TCP listener serves probes and metrics only: state changes over a non-loopback address need credentials",
			"addr", addr.String())
		return control.ProbesOnly(api)
	}, nil
}
