#!/usr/bin/env bash
# Benchmark vigil against tini and dumb-init (as a plain init), and against
# supervisord (as a supervisor of programs, on the same supervisord.conf),
# side by side in one run.
#
#   bash e2e/bench/bench.sh              # every measurement
#   bash e2e/bench/bench.sh --only size  # one measurement
#
# Prints Markdown tables on stdout and writes them to e2e/bench/results/
# (latest.md, or latest-NAME.md with --only NAME). Progress goes to stderr.
#
# Adding a measurement: write bench_NAME (it calls `row` once per table row,
# and `note` for a line under its table), optionally needs_NAME
# (prerequisite checks), append NAME to MEASUREMENTS and give it a table in
# TABLE_OF.
set -euo pipefail

MEASUREMENTS=(startup size idle_rss programs_rss start_100 respawn log_throughput idle_cpu probes ctl)

# Which table each measurement's rows go to: "init" (vs tini and dumb-init)
# or "sup" (vs supervisord).
declare -A TABLE_OF=(
	[startup]=init [size]=init [idle_rss]=init
	[programs_rss]=sup [start_100]=sup [respawn]=sup [log_throughput]=sup [idle_cpu]=sup [probes]=sup [ctl]=sup
)

# Targets.
STARTUP_TARGET_RATIO=1.5 # vigil startup mean <= 1.5 x tini-static's
RSS_TARGET_KB=4096       # vigil idle VmRSS < 4 MiB

# Startup (hyperfine).
WARMUP=20
RUNS=300

# Idle RSS.
SETTLE=0.5      # seconds between the child appearing and reading VmRSS
POLL=0.05       # seconds between /proc checks
POLL_TRIES=100  # POLL_TRIES x POLL = give up after 5 s

# vigil vs supervisord: targets.
PROGRAMS_RSS_TARGET_RATIO=0.25 # vigil VmRSS <= 1/4 of supervisord's
START_TARGET_RATIO=0.1         # vigil's time to 100 RUNNING <= 1/10 of supervisord's
LOG_CAT_TARGET_RATIO=0.5       # vigil -> file >= 0.5 x `cat > file`
LOG_STDOUT_TARGET_RATIO=5      # vigil -> file >= 5 x supervisord -> /dev/stdout
IDLE_CPU_TARGET_TICKS=1        # vigil utime+stime over IDLE_CPU_SECONDS, in clock ticks

# vigil vs supervisord: parameters.
PROGRAMS_RSS_COUNTS=(10 100) # programs for programs_rss
PROGRAMS_SETTLE=1            # seconds between the last RUNNING and reading /proc
START_PROGRAMS=100           # programs for start_100
START_RUNS=3                 # runs of each supervisor; the median is reported
RESPAWN_GAPS=10              # exited -> spawned gaps measured
LOG_BYTES=1073741824         # bytes the program writes through vigil and cat (1 GiB)
LOG_BYTES_SUPERVISORD=1073741824 # the same for supervisord (lower it if it is too slow)
LOG_LINE=100                 # bytes a line, newline included
LOG_RUNS=3                   # runs of each variant; the median is reported
IDLE_CPU_PROGRAMS=100        # programs for idle_cpu
IDLE_CPU_SECONDS=10          # idle time over which CPU is counted
EVENT_TIMEOUT=30             # seconds to wait for log lines before giving up
LOG_TIMEOUT=180              # seconds a log throughput run may take
STOP_TIMEOUT=15              # seconds between SIGTERM and SIGKILL at the end of a run

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
VIGIL="$REPO/bin/init"

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

usage() {
	cat <<EOF
usage: bash e2e/bench/bench.sh [--only NAME]

Measures vigil (bin/init) against tini-static, tini and dumb-init, and
against supervisord on the same supervisord.conf, and prints Markdown
tables. Measurements: ${MEASUREMENTS[*]}
  --only NAME   run only measurement NAME
  -h, --help    show this help
EOF
}

# ---------------------------------------------------------------- cleanup

TMP=""
BG_PIDS=() # unshare processes still running
NAP_PID="" # the sleep of a running nap

# children_of PID: the children of every thread of PID (Go forks from any
# thread, and /proc/PID/task/TID/children lists only TID's own children).
children_of() {
	cat /proc/"$1"/task/*/children 2>/dev/null || true
}

# stop_unshare PID: kill the PID namespace under unshare PID (SIGKILL to its
# init kills every process in it), then unshare itself, and reap it.
stop_unshare() {
	local u=$1 c
	if kill -0 "$u" 2>/dev/null; then
		kill -STOP "$u" 2>/dev/null || true # no fork between the read and the kill
		for c in $(children_of "$u"); do
			kill -KILL "$c" 2>/dev/null || true
		done
		kill -KILL "$u" 2>/dev/null || true
	fi
	wait "$u" 2>/dev/null || true
	forget_pid "$u"
}

# forget_pid PID: drop PID from BG_PIDS once it has been reaped.
forget_pid() {
	local keep=() p
	for p in "${BG_PIDS[@]}"; do
		[[ $p == "$1" ]] || keep+=("$p")
	done
	BG_PIDS=("${keep[@]}")
}

cleanup() {
	local rc=$? u
	set +e
	trap - EXIT INT TERM
	[[ -n $NAP_PID ]] && kill "$NAP_PID" 2>/dev/null
	for u in "${BG_PIDS[@]}"; do
		stop_unshare "$u"
	done
	[[ -n $TMP ]] && rm -rf "$TMP"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helpers

# need CMD PACKAGE: fail with the Debian package to install when CMD is missing.
need() {
	command -v "$1" >/dev/null 2>&1 || die "$1 not found: apt-get install $2"
}

# note TEXT: a line printed under the current measurement's table.
NOTES=""
note() {
	printf -- '- %s\n' "$*" >>"$NOTES"
}

# row CELL...: print one Markdown table row.
row() {
	local out="|" cell
	for cell in "$@"; do
		out+=" $cell |"
	done
	printf '%s\n' "$out"
}

# nap SECONDS: sleep, in a way a signal to the script interrupts at once (a
# trap waits for a foreground command, not for the wait builtin).
nap() {
	sleep "$1" &
	NAP_PID=$!
	wait "$NAP_PID"
	NAP_PID=""
}

# q WORD: WORD quoted for a hyperfine command line.
q() { printf '%q' "$1"; }

# calc EXPR: floating-point arithmetic.
calc() { awk "BEGIN { print $1 }"; }

# ratio A B: A / B formatted as "1.23×", "0.0012×" (or "n/a").
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) printf "n/a"; else if (a / b >= 0.1) printf "%.2f×", a / b; else printf "%.2g×", a / b }'
}

# verdict COND: PASS when the awk condition COND holds.
verdict() {
	if awk "BEGIN { exit !($1) }"; then echo PASS; else echo FAIL; fi
}

# hyperfine_stats FILE: "NAME MEAN_MS STDDEV_MS" per command of a hyperfine
# JSON export.
hyperfine_stats() {
	if command -v python3 >/dev/null 2>&1; then
		python3 - "$1" <<'EOF'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], r["mean"] * 1000, (r["stddev"] or 0) * 1000)
EOF
	else
		jq -r '.results[] | "\(.command) \(.mean * 1000) \((.stddev // 0) * 1000)"' "$1"
	fi
}

# linkage BIN: static or dynamic, as file(1) sees it.
linkage() {
	local desc
	desc=$(file -bL "$1")
	case $desc in
	*"statically linked"* | *"static-pie linked"*) echo static ;;
	*"dynamically linked"*) echo dynamic ;;
	*) echo unknown ;;
	esac
}

# build_vigil: build bin/init when it is missing, older than the sources, or
# not the static binary the project ships.
build_vigil() {
	local stale=""
	if [[ ! -x $VIGIL ]]; then
		stale="missing"
	elif [[ -n $(cd "$REPO" && find . -path ./e2e -prune -o -path ./bin -prune -o \
		\( \( -name '*.go' ! -name '*_test.go' \) -o -name go.mod -o -name go.sum \) \
		-newer "$VIGIL" -print -quit) ]]; then
		stale="older than the sources"
	elif [[ $(linkage "$VIGIL") != static ]]; then
		stale="not statically linked: built without CGO_ENABLED=0"
	fi
	if [[ -n $stale ]]; then
		log "building bin/init ($stale)"
		(cd "$REPO" && CGO_ENABLED=0 go build -o bin/init ./cmd/init) ||
			die "go build ./cmd/init failed"
	fi
}

# ---------------------------------------------------------------- measurements

# Each bench_NAME prints its table rows with `row`; columns are
#   Measurement | vigil | tini-static | tini | dumb-init | baseline | vigil ÷ tini-static | target | verdict

needs_startup() {
	need hyperfine hyperfine
	if ! command -v python3 >/dev/null 2>&1 && ! command -v jq >/dev/null 2>&1; then
		die "python3 not found (nor jq): apt-get install python3"
	fi
}
bench_startup() {
	local json="$TMP/startup.json" shell_opt=(-N) name mean sd help
	help=$(hyperfine --help 2>&1 || true)
	if ! grep -qE '^ +-N\b' <<<"$help"; then
		log "startup: this hyperfine has no -N; timings include a shell"
		shell_opt=()
	fi
	log "startup: hyperfine --warmup $WARMUP --runs $RUNS"
	# hyperfine prints its report on stdout: keep it off the table.
	hyperfine "${shell_opt[@]}" --warmup "$WARMUP" --runs "$RUNS" --style basic \
		--export-json "$json" \
		-n baseline "$(q "$TRUE")" \
		-n vigil "$(q "$VIGIL") -- $(q "$TRUE")" \
		-n tini-static "$(q "$TINI_STATIC") -- $(q "$TRUE")" \
		-n tini "$(q "$TINI") -- $(q "$TRUE")" \
		-n dumb-init "$(q "$DUMB_INIT") $(q "$TRUE")" >&2

	local -A MEAN=() SD=() CELL=()
	while read -r name mean sd; do
		MEAN[$name]=$mean
		SD[$name]=$sd
		CELL[$name]=$(printf '%.3f ± %.3f' "$mean" "$sd")
	done < <(hyperfine_stats "$json")
	for name in baseline vigil tini-static tini dumb-init; do
		[[ -n ${MEAN[$name]:-} ]] || die "startup: no result for $name in $json"
	done

	row "Startup \`INIT -- /bin/true\` (ms, mean ± sd)" \
		"${CELL[vigil]}" "${CELL[tini-static]}" "${CELL[tini]}" "${CELL[dumb-init]}" \
		"${CELL[baseline]} (bare \`/bin/true\`)" \
		"$(ratio "${MEAN[vigil]}" "${MEAN[tini-static]}")" \
		"≤ ${STARTUP_TARGET_RATIO}× tini-static" \
		"$(verdict "${MEAN[vigil]} <= $STARTUP_TARGET_RATIO * ${MEAN[tini-static]}")"
}

needs_size() { need file file; }
bench_size() {
	local name bin size
	local -A SIZE=() CELL=()
	for name in vigil tini-static tini dumb-init; do
		bin=${BIN[$name]}
		size=$(stat -Lc %s "$bin")
		SIZE[$name]=$size
		CELL[$name]=$(printf '%s (%.2f MiB, %s)' "$size" "$(calc "$size / 1048576")" "$(linkage "$bin")")
	done
	row "Binary size (bytes)" \
		"${CELL[vigil]}" "${CELL[tini-static]}" "${CELL[tini]}" "${CELL[dumb-init]}" \
		"–" "$(ratio "${SIZE[vigil]}" "${SIZE[tini-static]}")" "–" "–"
}

# idle_rss_of NAME INIT...: run `unshare --pid --fork --mount-proc INIT... sleep
# 1000`, wait for the sleep, settle, and leave the init's VmRSS (kB) in RSS_KB.
RSS_KB=""
idle_rss_of() {
	local name=$1
	shift
	local log="$TMP/unshare-$name.log" u init="" sleeper="" c i
	# unshare 2.38 reports "sigprocmask unblock failed" when its child dies
	# of SIGKILL, which is how we stop it: keep its stderr in a log.
	unshare --pid --fork --mount-proc "$@" sleep 1000 </dev/null >/dev/null 2>"$log" &
	u=$!
	BG_PIDS+=("$u")

	for ((i = 0; i < POLL_TRIES; i++)); do
		if [[ -z $init ]]; then
			read -r init _ < <(children_of "$u") || true
		fi
		if [[ -n $init ]]; then
			for c in $(children_of "$init"); do
				if [[ $(cat /proc/"$c"/comm 2>/dev/null) == sleep ]]; then
					sleeper=$c
					break
				fi
			done
			[[ -n $sleeper ]] && break
		fi
		kill -0 "$u" 2>/dev/null || break
		sleep "$POLL"
	done
	if [[ -z $sleeper ]]; then
		log "idle_rss: $name: unshare output:"
		cat "$log" >&2 || true
		die "idle_rss: $name: no 'sleep' child under the init within $(calc "$POLL_TRIES * $POLL")s"
	fi

	sleep "$SETTLE"
	local comm want
	comm=$(cat /proc/"$init"/comm 2>/dev/null) || die "idle_rss: $name: init (pid $init) exited"
	want=$(basename "$1")
	[[ $comm == "${want:0:15}" ]] || die "idle_rss: $name: pid $init is '$comm', not $want"
	[[ $(cat /proc/"$sleeper"/comm 2>/dev/null) == sleep ]] ||
		die "idle_rss: $name: the sleep child (pid $sleeper) exited"
	RSS_KB=$(awk '$1 == "VmRSS:" { print $2 }' /proc/"$init"/status)
	[[ -n $RSS_KB ]] || die "idle_rss: $name: no VmRSS in /proc/$init/status"

	# SIGKILL to the namespace's init kills every process in the namespace;
	# unshare then exits on its own.
	kill -KILL "$init"
	wait "$u" 2>/dev/null || true
	forget_pid "$u"
	log "idle_rss: $name: $RSS_KB kB"
}

needs_idle_rss() {
	need unshare util-linux
	[[ $EUID -eq 0 ]] || die "idle_rss needs root (unshare --pid --mount-proc); run as root or use --only"
}
bench_idle_rss() {
	local -A RSS=()
	idle_rss_of vigil "$VIGIL" --
	RSS[vigil]=$RSS_KB
	idle_rss_of tini-static "$TINI_STATIC" --
	RSS[tini-static]=$RSS_KB
	idle_rss_of tini "$TINI" --
	RSS[tini]=$RSS_KB
	idle_rss_of dumb-init "$DUMB_INIT"
	RSS[dumb-init]=$RSS_KB

	row "Idle RSS as PID 1, one \`sleep\` child (kB)" \
		"${RSS[vigil]}" "${RSS[tini-static]}" "${RSS[tini]}" "${RSS[dumb-init]}" \
		"–" "$(ratio "${RSS[vigil]}" "${RSS[tini-static]}")" \
		"< $RSS_TARGET_KB kB" \
		"$(verdict "${RSS[vigil]} < $RSS_TARGET_KB")"
}

# ---------------------------------------------------------------- vigil vs supervisord

# Both supervisors run as PID 1 of a fresh PID namespace (unshare), each on
# the same supervisord.conf (only the temp directory in it differs), so that
# stopping one kills everything it started, whatever happened. Both get
# TZ=UTC so that the timestamps in their logs compare with the script's clock.
#
# Columns of their table:
#   Measurement | vigil | supervisord | baseline | vigil ÷ supervisord | target | verdict

SUPERVISORD=""
SUP_KIND=""  # vigil or supervisord
SUP_U=""     # the unshare process
SUP_PID=""   # the supervisor, PID 1 of the namespace
SUP_T0=""    # $EPOCHREALTIME just before the start
SUP_DIR=""   # temp directory of this run: config, logs, sockets
SUP_CONF=""
SUP_LOG=""   # vigil's stderr (JSON), or supervisord's logfile
SUP_OUT=""   # the supervisor's stdout
RUN_SEQ=0

needs_sup() {
	need unshare util-linux
	need supervisord supervisor
	[[ $EUID -eq 0 ]] || die "the supervisord measurements need root (unshare --pid --mount-proc); run as root or use --only"
}
needs_programs_rss() { needs_sup; }
needs_start_100() { needs_sup; }
needs_respawn() { needs_sup; }
needs_log_throughput() { needs_sup; need yes coreutils; }
needs_idle_cpu() { needs_sup; }
needs_ctl() { needs_sup; need hyperfine hyperfine; }
needs_probes() { needs_sup; need wrk wrk; need curl curl; }

# sod EPOCH: seconds of the (UTC) day of an $EPOCHREALTIME-style time,
# without losing digits to floating point.
sod() {
	local t=${1/,/.}
	printf '%d.%s\n' $((${t%.*} % 86400)) "${t#*.}"
}

# sup_conf DIR PROGRAMS: a supervisord.conf whose server parts live in DIR,
# followed by PROGRAMS ([program:x] sections).
sup_conf() {
	cat <<CONF
[unix_http_server]
file=$1/supervisor.sock
chmod=0700

[supervisord]
nodaemon=true
silent=true
logfile=$1/supervisord.log
logfile_maxbytes=0
loglevel=info
pidfile=$1/supervisord.pid
childlogdir=$1

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix://$1/supervisor.sock

$2
CONF
}

# sleepers_conf N: one program with N processes that sleep, RUNNING at once,
# their output to the supervisor's stdout as in a container.
sleepers_conf() {
	cat <<CONF
[program:sleep]
command=sleep 100000
process_name=%(program_name)s_%(process_num)03d
numprocs=$1
startsecs=0
redirect_stderr=true
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
CONF
}

# sup_start KIND PROGRAMS [VIGIL_FLAG...]: start KIND (vigil or supervisord)
# as PID 1 of a new PID namespace on a fresh config holding PROGRAMS, in
# which @DIR@ stands for the run's temp directory. Sets the SUP_ variables.
sup_start() {
	local kind=$1 programs=$2 comm i
	shift 2
	RUN_SEQ=$((RUN_SEQ + 1))
	SUP_KIND=$kind
	SUP_DIR="$TMP/run$RUN_SEQ-$kind"
	mkdir "$SUP_DIR"
	SUP_CONF=$SUP_DIR/supervisord.conf
	sup_conf "$SUP_DIR" "${programs//@DIR@/$SUP_DIR}" >"$SUP_CONF"
	SUP_OUT=$SUP_DIR/stdout
	SUP_PID=""
	case $kind in
	vigil)
		comm=$(basename "$VIGIL")
		SUP_LOG=$SUP_DIR/vigil.log
		SUP_T0=$EPOCHREALTIME
		TZ=UTC unshare --pid --fork --mount-proc "$VIGIL" --log-format json -v "$@" -c "$SUP_CONF" \
			</dev/null >"$SUP_OUT" 2>"$SUP_LOG" &
		;;
	supervisord)
		comm=supervisord
		SUP_LOG=$SUP_DIR/supervisord.log
		SUP_T0=$EPOCHREALTIME
		TZ=UTC unshare --pid --fork --mount-proc "$SUPERVISORD" -n -c "$SUP_CONF" \
			</dev/null >"$SUP_OUT" 2>"$SUP_DIR/stderr" &
		;;
	*) die "sup_start: unknown supervisor $kind" ;;
	esac
	SUP_U=$!
	BG_PIDS+=("$SUP_U")
	# unshare forks, then its child execs the supervisor.
	for ((i = 0; i < POLL_TRIES; i++)); do
		read -r SUP_PID _ < <(children_of "$SUP_U") || true
		if [[ -n $SUP_PID && $(cat /proc/"$SUP_PID"/comm 2>/dev/null) == "${comm:0:15}" ]]; then
			return 0
		fi
		alive "$SUP_U" || break
		sleep "$POLL"
	done
	sup_dump
	die "$kind did not start"
}

# alive PID: PID exists and is not a zombie.
alive() {
	local st
	st=$(awk '{ sub(/.*\) /, ""); print $1 }' /proc/"$1"/stat 2>/dev/null) || return 1
	[[ -n $st && $st != Z ]]
}

# sup_dump: show the end of the current run's logs (before dying).
sup_dump() {
	local f
	for f in "$SUP_LOG" "$SUP_DIR/stderr" "$SUP_OUT"; do
		[[ -s $f ]] || continue
		log "$SUP_KIND: last lines of ${f##*/}:"
		tail -n 20 "$f" | cut -c 1-300 >&2
	done
}

# sup_stop: SIGTERM the supervisor, give it STOP_TIMEOUT seconds to stop its
# programs and exit, then kill the whole namespace.
sup_stop() {
	local i t0=$EPOCHREALTIME
	kill -TERM "$SUP_PID" 2>/dev/null || true
	for ((i = 0; i < STOP_TIMEOUT * 20; i++)); do
		alive "$SUP_U" || break
		sleep 0.05
	done
	if alive "$SUP_U"; then
		log "$SUP_KIND (pid $SUP_PID) still running ${STOP_TIMEOUT}s after SIGTERM: killing its namespace"
	else
		log "$SUP_KIND stopped $(calc "${EPOCHREALTIME/,/.} - ${t0/,/.}" | xargs printf '%.2f')s after SIGTERM"
	fi
	stop_unshare "$SUP_U"
}

# event_pattern EVENT: an ERE for EVENT's lines in either supervisor's log.
event_pattern() {
	case $1 in
	spawned) echo '"msg":"spawned"|INFO spawned: ' ;;
	running) echo 'success: [^ ]+ entered RUNNING state' ;;
	exited) echo '"msg":"exited: |exited: [^ ]+ \(' ;;
	*) die "event_pattern: unknown event $1" ;;
	esac
}

# event_count EVENT: how many EVENT lines the current run's log has.
event_count() {
	local n
	n=$(grep -cE -- "$(event_pattern "$1")" "$SUP_LOG" 2>/dev/null) || true
	echo "${n:-0}"
}

# sup_wait EVENT N [TIMEOUT]: wait until the current run's log has N EVENT
# lines; die when the supervisor exits or TIMEOUT seconds pass.
sup_wait() {
	local event=$1 n=$2 limit=${3:-$EVENT_TIMEOUT} i tries got
	tries=$(calc "int($limit / $POLL)")
	for ((i = 0; i < tries; i++)); do
		got=$(event_count "$event")
		((got >= n)) && return 0
		alive "$SUP_PID" || {
			sup_dump
			die "$SUP_KIND exited with $got of $n '$event' lines in its log"
		}
		sleep "$POLL"
	done
	sup_dump
	die "$SUP_KIND: $got of $n '$event' lines in its log after ${limit}s"
}

# events: the current run's log as "SECONDS_OF_DAY EVENT NAME" lines, EVENT
# one of spawned, running, exited. vigil's times have nanoseconds,
# supervisord's milliseconds.
events() {
	awk -v kind="$SUP_KIND" '
	function sod(hms, a) {
		sub(/[Z+-].*$/, "", hms)
		sub(/,/, ".", hms)
		split(hms, a, ":")
		return a[1] * 3600 + a[2] * 60 + a[3]
	}
	function field(k, v) {
		if (!match($0, "\"" k "\":\"[^\"]*\"")) return ""
		v = substr($0, RSTART, RLENGTH)
		return substr(v, length(k) + 5, length(v) - length(k) - 5)
	}
	kind == "vigil" {
		msg = field("msg"); t = field("time"); ev = ""
		if (msg == "spawned") {
			ev = "spawned"; name = field("program")
		} else if (msg ~ /^success: .* entered RUNNING state$/) {
			ev = "running"; name = msg
			sub(/^success: /, "", name); sub(/ entered RUNNING state$/, "", name)
		} else if (msg ~ /^exited: /) {
			ev = "exited"; name = msg
			sub(/^exited: /, "", name); sub(/ .*/, "", name)
		}
		if (ev != "" && t != "") printf "%.9f %s %s\n", sod(substr(t, index(t, "T") + 1)), ev, name
	}
	kind == "supervisord" {
		ev = ""; name = $5
		if ($4 == "spawned:") { ev = "spawned"; gsub(/\047/, "", name) }
		else if ($4 == "success:" && $0 ~ /entered RUNNING state/) ev = "running"
		else if ($4 == "exited:") ev = "exited"
		if (ev != "") printf "%.9f %s %s\n", sod($2), ev, name
	}' "$SUP_LOG"
}

# since T0 EVENT: milliseconds from $EPOCHREALTIME T0 to the last EVENT line
# of the current run ("count MS").
since() {
	events | awk -v t0="$(sod "$1")" -v ev="$2" '
	$2 == ev {
		t = $1
		if (t < t0 - 43200) t += 86400 # past midnight
		if (n == 0 || t > last) last = t
		n++
	}
	END { printf "%d %.3f\n", n, (last - t0) * 1000 }'
}

# median: the median of the numbers on stdin.
median() {
	sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

vmrss() { awk '$1 == "VmRSS:" { print $2 }' /proc/"$1"/status; }

# cpu_ticks PID: utime + stime of PID (all its threads), in clock ticks.
cpu_ticks() { awk '{ sub(/.*\) /, ""); print $12 + $13 }' /proc/"$1"/stat; }

# cpu_ns PID: nanoseconds PID's threads have spent on a CPU (schedstat).
cpu_ns() {
	cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# sup_idle KIND N: start KIND with N sleeping programs and wait until all of
# them are RUNNING, then PROGRAMS_SETTLE seconds.
sup_idle() {
	sup_start "$1" "$(sleepers_conf "$2")"
	sup_wait running "$2"
	nap "$PROGRAMS_SETTLE"
	alive "$SUP_PID" || die "$1 exited while idle"
}

bench_programs_rss() {
	local n kind
	local -A RSS=()
	for n in "${PROGRAMS_RSS_COUNTS[@]}"; do
		for kind in vigil supervisord; do
			sup_idle "$kind" "$n"
			RSS[$kind]=$(vmrss "$SUP_PID")
			[[ -n ${RSS[$kind]} ]] || die "programs_rss: no VmRSS for $kind (pid $SUP_PID)"
			log "programs_rss: $kind, $n programs: ${RSS[$kind]} kB"
			sup_stop
		done
		row "Idle RSS, $n \`sleep\` programs (kB)" "${RSS[vigil]}" "${RSS[supervisord]}" "–" \
			"$(ratio "${RSS[vigil]}" "${RSS[supervisord]}")" \
			"≤ ${PROGRAMS_RSS_TARGET_RATIO}× supervisord" \
			"$(verdict "${RSS[vigil]} <= $PROGRAMS_RSS_TARGET_RATIO * ${RSS[supervisord]}")"
	done
}

bench_start_100() {
	local n=$START_PROGRAMS r kind got ms
	local -A RUNS=() MED=()
	for ((r = 1; r <= START_RUNS; r++)); do
		for kind in vigil supervisord; do
			sup_start "$kind" "$(sleepers_conf "$n")"
			sup_wait running "$n"
			read -r got ms < <(since "$SUP_T0" running)
			((got == n)) || die "start_100: $kind: $got RUNNING lines, want $n"
			log "start_100: $kind run $r: $ms ms"
			RUNS[$kind]+="$ms "
			sup_stop
		done
	done
	local -A CELL=()
	for kind in vigil supervisord; do
		MED[$kind]=$(tr ' ' '\n' <<<"${RUNS[$kind]}" | grep . | median)
		CELL[$kind]=$(printf '%.1f (runs: %s)' "${MED[$kind]}" \
			"$(for ms in ${RUNS[$kind]}; do printf '%.1f\n' "$ms"; done | paste -sd ' ')")
	done
	row "Start $n programs (startsecs=0) to the last RUNNING (ms, median of $START_RUNS)" \
		"${CELL[vigil]}" "${CELL[supervisord]}" "–" \
		"$(ratio "${MED[vigil]}" "${MED[supervisord]}")" \
		"≤ ${START_TARGET_RATIO}× supervisord" \
		"$(verdict "${MED[vigil]} <= $START_TARGET_RATIO * ${MED[supervisord]}")"
	note "start_100: from the script's clock just before it starts the supervisor (unshare included) to the timestamp of the last \"entered RUNNING state\" line in the supervisor's own log (vigil: nanoseconds; supervisord: milliseconds)."
}

bench_respawn() {
	local kind gaps
	local -A MED=() CELL=()
	local programs
	programs=$(
		cat <<CONF
[program:crash]
command=sh -c 'sleep 0.2; exit 1'
autorestart=true
startsecs=0
redirect_stderr=true
stdout_logfile=/dev/stdout
stdout_logfile_maxbytes=0
CONF
	)
	for kind in vigil supervisord; do
		sup_start "$kind" "$programs"
		sup_wait spawned $((RESPAWN_GAPS + 1)) $((EVENT_TIMEOUT + 2 * RESPAWN_GAPS))
		sup_stop
		# each exited line, then the next spawned line of the same program
		gaps=$(events | awk '
			$2 == "exited" { ex[$3] = $1 }
			$2 == "spawned" && ($3 in ex) {
				g = $1 - ex[$3]
				if (g < -43200) g += 86400
				printf "%.3f\n", g * 1000
				delete ex[$3]
			}' | head -n "$RESPAWN_GAPS")
		(($(grep -c . <<<"$gaps") == RESPAWN_GAPS)) ||
			die "respawn: $kind: $(grep -c . <<<"$gaps") exited -> spawned gaps in its log, want $RESPAWN_GAPS"
		MED[$kind]=$(median <<<"$gaps")
		CELL[$kind]=$(sort -g <<<"$gaps" | awk -v m="${MED[$kind]}" 'NR == 1 { lo = $1 } { hi = $1 } END { printf "%.1f (%.1f–%.1f)", m, lo, hi }')
		log "respawn: $kind: ${CELL[$kind]} ms"
	done
	row "Respawn after a crash, \"exited\" → next \"spawned\" (ms, median (min–max) of $RESPAWN_GAPS)" \
		"${CELL[vigil]}" "${CELL[supervisord]}" "–" \
		"$(ratio "${MED[vigil]}" "${MED[supervisord]}")" "–" "–"
	note "respawn: \`sh -c 'sleep 0.2; exit 1'\`, autorestart=true, startsecs=0; gaps between the log timestamps (supervisord's have millisecond resolution)."
}

# log_run KIND DEST BYTES [VIGIL_FLAG...]: run a program writing BYTES of
# lines through KIND to DEST (file: stdout_logfile=FILE; stdout:
# stdout_logfile=/dev/stdout with the supervisor's stdout in a file), and
# leave its throughput in MB/s in MBPS, and the CPU time the supervisor used
# (utime+stime, whole run) per GiB in CPU_GIB.
MBPS=""
CPU_GIB=""
declare -A EXTRA_NOTED=()
log_run() {
	local kind=$1 dest=$2 bytes=$3 logfile out size end i
	shift 3
	case $dest in
	file) logfile=@DIR@/program.log ;;
	stdout) logfile=/dev/stdout ;;
	esac
	sup_start "$kind" "[program:gen]
command=/bin/sh $TMP/gen.sh $bytes
startsecs=0
autorestart=false
redirect_stderr=true
stdout_logfile=$logfile
stdout_logfile_maxbytes=0" "$@"
	out=$SUP_OUT
	[[ $dest == file ]] && out=$SUP_DIR/program.log
	sup_wait exited 1 "$LOG_TIMEOUT"
	# The program has exited: wait (bounded) until its output is all in.
	for ((i = 0; i < POLL_TRIES; i++)); do
		size=$(stat -c %s "$out" 2>/dev/null) || size=0
		((size >= bytes)) && break
		sleep "$POLL"
	done
	((size >= bytes)) || {
		sup_dump
		die "log_throughput: $kind -> $dest: $size bytes in ${out##*/} after the program exited, want $bytes"
	}
	if ((size != bytes)); then
		log "log_throughput: $kind -> $dest: $size bytes in ${out##*/}, $((size - bytes)) more than the program wrote; last bytes: $(tail -c 16 "$out" | od -An -c | tr -s ' ')"
		if [[ -z ${EXTRA_NOTED[$kind $dest $((size - bytes))]:-} ]]; then
			EXTRA_NOTED[$kind $dest $((size - bytes))]=1
			note "log_throughput: $kind → $dest: the output has $((size - bytes)) byte(s) more than the program wrote ($size for $bytes)."
		fi
	fi
	# The end: the later of the "exited" line and the output's last write.
	end=$(
		{
			events | awk '$2 == "exited" { print $1 }'
			sod "$(stat -c %.9Y "$out")"
		} | awk -v t0="$(sod "$SUP_T0")" '{ t = $1; if (t < t0 - 43200) t += 86400; if (t > m) m = t } END { printf "%.9f\n", m - t0 }'
	)
	MBPS=$(calc "$bytes / 1000000 / $end")
	CPU_GIB=$(calc "$(cpu_ticks "$SUP_PID") / $(getconf CLK_TCK) * 1073741824 / $bytes")
	log "log_throughput: $kind -> $dest: $bytes bytes in $(printf '%.3f' "$end")s, $(printf '%.0f' "$MBPS") MB/s, supervisor CPU $(printf '%.2f' "$CPU_GIB") s/GiB"
	sup_stop
	rm -f "$out"
}

bench_log_throughput() {
	local r t0 t1 stat v
	# Per variant: space-separated MB/s and CPU s/GiB of each run.
	local -A MB=() CPU=() MED=() CELL=()
	# yes's stderr is dropped: under supervisord, which leaves SIGPIPE
	# ignored in its children, yes ends with "Broken pipe" on stderr.
	printf '#!/bin/sh\n# gen.sh BYTES: BYTES of %d-byte lines on stdout.\nyes %s 2>/dev/null | head -c "$1"\n' \
		"$LOG_LINE" "$(printf "%0$((LOG_LINE - 1))d" 0)" >"$TMP/gen.sh"

	for ((r = 1; r <= LOG_RUNS; r++)); do
		# Baseline: the same program straight into a file. The shell around
		# cat reads its own stat once cat is reaped: cutime+cstime are cat's.
		t0=$EPOCHREALTIME
		stat=$(/bin/sh "$TMP/gen.sh" "$LOG_BYTES" | sh -c 'cat >"$1" && cat /proc/$$/stat' sh "$TMP/cat.out")
		t1=$EPOCHREALTIME
		[[ $(stat -c %s "$TMP/cat.out") == "$LOG_BYTES" ]] ||
			die "log_throughput: cat wrote $(stat -c %s "$TMP/cat.out") bytes, want $LOG_BYTES"
		rm -f "$TMP/cat.out"
		MBPS=$(calc "$LOG_BYTES / 1000000 / (${t1/,/.} - ${t0/,/.})")
		CPU_GIB=$(awk -v hz="$(getconf CLK_TCK)" -v b="$LOG_BYTES" '{ sub(/.*\) /, ""); print ($14 + $15) / hz * 1073741824 / b }' <<<"$stat")
		log "log_throughput: run $r: cat: $(printf '%.0f' "$MBPS") MB/s, cat CPU $(printf '%.2f' "$CPU_GIB") s/GiB"
		MB[cat]+="$MBPS " CPU[cat]+="$CPU_GIB "

		log_run vigil file "$LOG_BYTES"
		MB[vigil_file]+="$MBPS " CPU[vigil_file]+="$CPU_GIB "
		log_run supervisord file "$LOG_BYTES_SUPERVISORD"
		MB[supervisord_file]+="$MBPS " CPU[supervisord_file]+="$CPU_GIB "
		log_run vigil stdout "$LOG_BYTES" --log-prefix=false
		MB[vigil_stdout]+="$MBPS " CPU[vigil_stdout]+="$CPU_GIB "
		log_run supervisord stdout "$LOG_BYTES_SUPERVISORD"
		MB[supervisord_stdout]+="$MBPS " CPU[supervisord_stdout]+="$CPU_GIB "
	done
	for v in "${!MB[@]}"; do
		MED[$v]=$(tr ' ' '\n' <<<"${MB[$v]}" | grep . | median | xargs printf '%.0f')
		CELL[$v]="${MED[$v]} (CPU $(tr ' ' '\n' <<<"${CPU[$v]}" | grep . | median | xargs printf '%.2f') s/GiB)"
	done

	row "Log throughput, program → \`stdout_logfile=FILE\` (MB/s, median of $LOG_RUNS)" \
		"${CELL[vigil_file]}" "${CELL[supervisord_file]}" "${CELL[cat]}: program \| \`cat > FILE\`" \
		"$(ratio "${MED[vigil_file]}" "${MED[supervisord_file]}")" \
		"vigil ≥ ${LOG_CAT_TARGET_RATIO}× baseline" \
		"$(verdict "${MED[vigil_file]} >= $LOG_CAT_TARGET_RATIO * ${MED[cat]}")"
	row "Log throughput, vigil → FILE vs supervisord → \`/dev/stdout\` (MB/s, median of $LOG_RUNS)" \
		"${MED[vigil_file]} (FILE)" "${MED[supervisord_stdout]} (\`/dev/stdout\`)" "–" \
		"$(ratio "${MED[vigil_file]}" "${MED[supervisord_stdout]}")" \
		"≥ ${LOG_STDOUT_TARGET_RATIO}× supervisord" \
		"$(verdict "${MED[vigil_file]} >= $LOG_STDOUT_TARGET_RATIO * ${MED[supervisord_stdout]}")"
	row "Log throughput, program → \`/dev/stdout\`, the supervisor's stdout a file (MB/s, median of $LOG_RUNS)" \
		"${CELL[vigil_stdout]}, \`--log-prefix=false\`" "${CELL[supervisord_stdout]}" "–" \
		"$(ratio "${MED[vigil_stdout]}" "${MED[supervisord_stdout]}")" "–" "–"
	local what
	what="$(calc "$LOG_BYTES / 1048576") MiB"
	if [[ $LOG_BYTES_SUPERVISORD != "$LOG_BYTES" ]]; then
		what+=" ($(calc "$LOG_BYTES_SUPERVISORD / 1048576") MiB through supervisord: throughput is a rate)"
	fi
	note "log_throughput: one program writes $what of $LOG_LINE-byte lines (\`yes | head -c\`; the last line has no newline), stdout_logfile_maxbytes=0. Time: from the start to the later of the \"exited\" log line and the output file's last write. CPU: the supervisor's own utime+stime over the run (cat's, for the baseline), per GiB."
}

bench_idle_cpu() {
	local kind n=$IDLE_CPU_PROGRAMS t0 t1 ns0 ns1 hz
	local -A TICKS=() CELL=()
	hz=$(getconf CLK_TCK)
	for kind in vigil supervisord; do
		sup_idle "$kind" "$n"
		t0=$(cpu_ticks "$SUP_PID")
		ns0=$(cpu_ns "$SUP_PID")
		nap "$IDLE_CPU_SECONDS"
		alive "$SUP_PID" || die "idle_cpu: $kind exited"
		t1=$(cpu_ticks "$SUP_PID")
		ns1=$(cpu_ns "$SUP_PID")
		TICKS[$kind]=$((t1 - t0))
		CELL[$kind]=$(printf '%d ticks (%.1f ms)' "${TICKS[$kind]}" "$(calc "($ns1 - $ns0) / 1000000")")
		log "idle_cpu: $kind: ${CELL[$kind]}"
		sup_stop
	done
	row "Idle CPU, $n \`sleep\` programs, ${IDLE_CPU_SECONDS} s (utime+stime, 1 tick = $(calc "1000 / $hz") ms)" \
		"${CELL[vigil]}" "${CELL[supervisord]}" "–" \
		"$(ratio "${TICKS[vigil]}" "${TICKS[supervisord]}")" \
		"vigil ≤ $IDLE_CPU_TARGET_TICKS tick" \
		"$(verdict "${TICKS[vigil]} <= $IDLE_CPU_TARGET_TICKS")"
	note "idle_cpu: ticks from /proc/PID/stat; the ms in parentheses is the on-CPU time of all the supervisor's threads from /proc/PID/task/*/schedstat."
}

# Probes: /livez and /readyz of vigil under wrk while it supervises 10
# programs, and the RSS that serving them (and /metrics) adds.
PROBE_PORT=${PROBE_PORT:-19731}
PROBE_SECONDS=5
PROBE_RPS_TARGET=20000
PROBE_P99_TARGET_MS=5

# wrk_stats URL: requests per second and p99 latency in ms.
wrk_stats() {
	wrk -t2 -c10 -d"${PROBE_SECONDS}s" --latency "$1" 2>&1 | awk '
		/Requests\/sec:/ { rps = $2 }
		$1 == "99%" { v = $2; u = v; sub(/[0-9.]+/, "", u); sub(/[a-z]+$/, "", v)
			if (u == "us") v /= 1000; else if (u == "s") v *= 1000; p99 = v }
		/Non-2xx/ { bad = $NF }
		END { printf "%d %.2f %d\n", rps, p99, bad }'
}

bench_probes() {
	local path rps p99 bad before after
	sup_start vigil "$(sleepers_conf 10)" --http "127.0.0.1:$PROBE_PORT"
	sup_wait running 10
	nap 1
	before=$(vmrss "$SUP_PID")
	for path in /livez /readyz; do
		read -r rps p99 bad < <(wrk_stats "http://127.0.0.1:$PROBE_PORT$path")
		log "probes: $path: $rps req/s, p99 $p99 ms, non-2xx $bad"
		row "\`GET $path\` under wrk, 10 programs (req/s; p99 ms)" "$rps; $p99" "–" "–" "–" \
			"≥ $PROBE_RPS_TARGET req/s, p99 < $PROBE_P99_TARGET_MS ms" \
			"$(verdict "$rps >= $PROBE_RPS_TARGET && $p99 < $PROBE_P99_TARGET_MS && $bad == 0")"
	done
	curl -fsS "http://127.0.0.1:$PROBE_PORT/metrics" >/dev/null
	after=$(vmrss "$SUP_PID")
	row "RSS added by serving the probes and /metrics (kB)" "$((after - before)) ($before → $after)" "–" "–" "–" "–" "–"
	sup_stop
	note "probes: wrk -t2 -c10 -d${PROBE_SECONDS}s over loopback TCP (--http); supervisord has no such endpoint. RSS before: idle with 10 programs; after: right after the wrk runs and one /metrics scrape."
}

# ctl: `init ctl status` against `supervisorctl status`, each against its
# own server supervising 10 programs, timed by hyperfine.
CTL_TARGET_RATIO=0.05 # vigil <= 1/20 of supervisorctl's time

bench_ctl() {
	local json="$TMP/ctl.json" v s
	sup_start vigil "$(sleepers_conf 10)"
	sup_wait running 10
	hyperfine -N -i --warmup 5 --runs 100 --export-json "$json" \
		"$VIGIL ctl --socket $SUP_DIR/supervisor.sock status" >/dev/null 2>&1
	v=$(hyperfine_stats "$json" | awk '{ printf "%.2f", $(NF-1) }')
	sup_stop
	sup_start supervisord "$(sleepers_conf 10)"
	sup_wait running 10
	hyperfine -N -i --warmup 3 --runs 20 --export-json "$json" \
		"supervisorctl -c $SUP_CONF status" >/dev/null 2>&1
	s=$(hyperfine_stats "$json" | awk '{ printf "%.2f", $(NF-1) }')
	sup_stop
	row "\`ctl status\` vs \`supervisorctl status\`, 10 programs (ms)" "$v" "$s" "–" "$(ratio "$v" "$s")" \
		"≤ 1/20 of supervisorctl" "$(verdict "$v <= $CTL_TARGET_RATIO * $s")"
}

# ---------------------------------------------------------------- main

ONLY=""
while (($#)); do
	case $1 in
	--only)
		(($# >= 2)) || die "--only needs a measurement name (${MEASUREMENTS[*]})"
		ONLY=$2
		shift 2
		;;
	--only=*)
		ONLY=${1#--only=}
		shift
		;;
	-h | --help)
		usage
		exit 0
		;;
	*)
		usage >&2
		die "unknown argument: $1"
		;;
	esac
done

SELECTED=("${MEASUREMENTS[@]}")
if [[ -n $ONLY ]]; then
	ONLY=${ONLY#bench_}
	ONLY=${ONLY//-/_}
	[[ " ${MEASUREMENTS[*]} " == *" $ONLY "* ]] ||
		die "unknown measurement '$ONLY' (one of: ${MEASUREMENTS[*]})"
	SELECTED=("$ONLY")
fi

declare -A TABLES=()
for m in "${SELECTED[@]}"; do
	TABLES[${TABLE_OF[$m]}]=1
done

# Prerequisites, all checked before anything runs.
need go "golang-go (Go >= the version in go.mod)"
need awk mawk
need file file
if [[ -n ${TABLES[init]:-} ]]; then
	need tini-static tini
	need tini tini
	need dumb-init dumb-init
fi
for m in "${SELECTED[@]}"; do
	if declare -F "needs_$m" >/dev/null; then "needs_$m"; fi
done

TRUE=$(command -v true)
[[ $TRUE == /* ]] || TRUE=/bin/true # `command -v true` names the builtin
TINI_STATIC=$(command -v tini-static || true)
TINI=$(command -v tini || true)
DUMB_INIT=$(command -v dumb-init || true)
SUPERVISORD=$(command -v supervisord || true)
declare -A BIN=([vigil]=$VIGIL [tini-static]=$TINI_STATIC [tini]=$TINI [dumb-init]=$DUMB_INIT)

START=$SECONDS
TMP=$(mktemp -d)
build_vigil

REPORT="$TMP/report.md"
{
	cpu=$(awk -F': *' '$1 ~ /^model name/ { print $2; exit }' /proc/cpuinfo)
	commit=$(git -C "$REPO" rev-parse --short HEAD 2>/dev/null || echo unknown)
	if [[ -n $(git -C "$REPO" status --porcelain --untracked-files=no 2>/dev/null) ]]; then
		commit+=" (uncommitted changes)"
	fi
	compared=()
	if [[ -n ${TABLES[init]:-} ]]; then
		compared+=("tini $("$TINI_STATIC" --version | awk '{ print $3 }')")
		compared+=("dumb-init $("$DUMB_INIT" --version 2>&1 | awk '{ print $2 }')")
	fi
	if [[ -n ${TABLES[sup]:-} ]]; then
		py=$(sed -n '1s/^#! *\([^ ]*\).*/\1/p' "$SUPERVISORD")
		compared+=("supervisord $("$SUPERVISORD" --version 2>&1)${py:+ ($("$py" --version 2>&1))}")
	fi
	echo "# vigil benchmark"
	echo
	echo "- Date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "- Kernel: $(uname -r)"
	echo "- CPU: ${cpu:-unknown} (nproc $(nproc))"
	echo "- Go: $(go version | awk '{ print $3 }')"
	echo "- vigil: $commit"
	echo "- Compared: $(IFS=,; sed 's/,/, /g' <<<"${compared[*]}")"
} >"$REPORT"

# Table headers, and the text under each table.
declare -A TITLE=(
	[init]="vigil as a plain init, vs tini and dumb-init"
	[sup]="vigil as a supervisor, vs supervisord on the same supervisord.conf"
)
table_head() {
	case $1 in
	init)
		row "Measurement" "vigil" "tini-static" "tini" "dumb-init" "baseline" "vigil ÷ tini-static" "target" "verdict"
		row "---" "---:" "---:" "---:" "---:" "---:" "---:" "---" "---"
		;;
	sup)
		row "Measurement" "vigil" "supervisord" "baseline" "vigil ÷ supervisord" "target" "verdict"
		row "---" "---:" "---:" "---:" "---:" "---" "---"
		;;
	esac
}
SUP_NOTE="- Both run as PID 1 of a fresh PID namespace, each on the same generated supervisord.conf (\`[supervisord] loglevel=info\`, programs' \`stdout_logfile=/dev/stdout\` unless said otherwise); vigil with \`--log-format json -v\`, supervisord with \`-n\`."

for m in "${SELECTED[@]}"; do
	log "running $m"
	NOTES="$TMP/notes-${TABLE_OF[$m]}.md"
	"bench_$m" >>"$TMP/rows-${TABLE_OF[$m]}.md"
done

for t in init sup; do
	[[ -s $TMP/rows-$t.md ]] || continue
	{
		echo
		echo "## ${TITLE[$t]}"
		echo
		table_head "$t"
		cat "$TMP/rows-$t.md"
		if [[ $t == sup ]]; then
			echo
			echo "$SUP_NOTE"
		fi
		if [[ -s $TMP/notes-$t.md ]]; then
			cat "$TMP/notes-$t.md"
		fi
	} >>"$REPORT"
done

mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/latest.md"
[[ -z $ONLY ]] || out="$RESULTS_DIR/latest-$ONLY.md"
cp "$REPORT" "$out"
cat "$REPORT"
log "done in $((SECONDS - START))s; tables written to ${out#"$REPO"/}"

