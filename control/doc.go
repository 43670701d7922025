// Package control serves what an orchestrator and an operator ask of init
// over HTTP, on the control socket (and on TCP when asked).
//
// NewHandler serves the probes and metrics: read-only, and open without
// credentials, so that probes and scrapers work without configuration
// (GET and HEAD only):
//
//	/livez, /healthz     200 when init's supervisor loop answers a snapshot in time
//	/readyz[?verbose]    200 when every wanted program is ready, Kubernetes' format
//	/readyz/<program>    200 when that program is ready ("name" or "group:name")
//	/metrics             Prometheus text exposition
//
// NewAPIHandler adds what can change things or show programs' output: the
// JSON API under /api/v1, supervisord's XML-RPC at /RPC2, /logtail, and the
// web page at / with its files under /ui/. On TCP it goes behind
// RequireAuth (or ProbesOnly when no credentials are set); on the socket,
// the socket's file mode is the access control. Requests that change state
// must be POSTs (the API's with a JSON body), and requests a browser marks as
// cross-site are refused, so a page elsewhere cannot drive init.
//
// Metrics, besides the go_* and process_* ones:
//
//	vigil_up                                         1 when init's loop answered this scrape, else 0 (and no other vigil_ metric but build info)
//	vigil_build_info{version,goversion}              always 1
//	vigil_start_time_seconds                         when init started, unix time
//	vigil_shutting_down                              1 once init is shutting down
//	vigil_zombies_reaped_total                       orphans reaped that were not init's own children (counter)
//	vigil_signals_forwarded_total                    signals init passed on to its children (counter)
//	vigil_program_state{program,group,state}         1 for the current state, 0 for the others (STOPPED, STARTING, RUNNING, BACKOFF, STOPPING, EXITED, FATAL, UNKNOWN)
//	vigil_program_up{program,group}                  1 when RUNNING
//	vigil_program_ready{program,group}               1 when the program counts as ready for /readyz
//	vigil_program_restarts_total{program,group}      spawns after the first (counter)
//	vigil_program_last_exit_code{program,group}      of the last run, 128+N for signal N; absent before the first exit
//	vigil_program_start_time_seconds{program,group}  start of the current or last run, unix time; absent before the first
//	vigil_program_health_status{program,group,status} 1 for the current health (none, starting, healthy, unhealthy), 0 for the others
//
// The one-hot state and health metrics follow kube-state-metrics' phase
// metrics, so that alerts can match a state without knowing its code.
//
// vigil writes every metric itself in the text format, the go_* and
// process_* ones included (procmetrics.go), rather than use
// github.com/prometheus/client_golang: on a static build of vigil
// (CGO_ENABLED=0, default flags) client_golang and the protobuf runtime it
// needs add about 3.6 MB, for what a scrape of a few dozen series on a
// local socket does not need (OpenMetrics and protobuf negotiation,
// compression). A smaller metrics library was tried and dropped: its
// package initialisation printed a line to stderr on cgroup v1 hosts, in
// every run of the binary, `init ctl` included. The go_* and process_*
// metrics keep client_golang's names, types and help, so dashboards built
// for it still work.
package control
