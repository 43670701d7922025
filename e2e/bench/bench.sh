#!/usr/bin/env bash
# Benchmark vigil against tini and dumb-init, side by side in one run.
#
#   bash e2e/bench/bench.sh              # every measurement
#   bash e2e/bench/bench.sh --only size  # one measurement
#
# Prints a Markdown table on stdout and writes it to e2e/bench/results/
# (latest.md, or latest-NAME.md with --only NAME). Progress goes to stderr.
#
# Adding a measurement: write bench_NAME (it calls `row` once per table row),
# optionally needs_NAME (prerequisite checks), and append NAME to MEASUREMENTS.
set -euo pipefail

MEASUREMENTS=(startup size idle_rss)

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

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$SCRIPT_DIR/../.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
VIGIL="$REPO/bin/init"

log() { printf 'bench: %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }

usage() {
	cat <<EOF
usage: bash e2e/bench/bench.sh [--only NAME]

Measures vigil (bin/init) against tini-static, tini and dumb-init and prints
a Markdown table. Measurements: ${MEASUREMENTS[*]}
  --only NAME   run only measurement NAME
  -h, --help    show this help
EOF
}

# ---------------------------------------------------------------- cleanup

TMP=""
BG_PIDS=() # unshare processes still running

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

# row CELL...: print one Markdown table row.
row() {
	local out="|" cell
	for cell in "$@"; do
		out+=" $cell |"
	done
	printf '%s\n' "$out"
}

# q WORD: WORD quoted for a hyperfine command line.
q() { printf '%q' "$1"; }

# calc EXPR: floating-point arithmetic.
calc() { awk "BEGIN { print $1 }"; }

# ratio A B: A / B formatted as "1.23×" (or "n/a").
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else printf "n/a" }'
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

# build_vigil: build bin/init when it is missing or older than the sources.
build_vigil() {
	local stale=""
	if [[ ! -x $VIGIL ]]; then
		stale="missing"
	elif [[ -n $(cd "$REPO" && find . -path ./e2e -prune -o -path ./bin -prune -o \
		\( \( -name '*.go' ! -name '*_test.go' \) -o -name go.mod -o -name go.sum \) \
		-newer "$VIGIL" -print -quit) ]]; then
		stale="older than the sources"
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

needs_startup() { need hyperfine hyperfine; }
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

# Prerequisites, all checked before anything runs.
need go "golang-go (Go >= the version in go.mod)"
need tini-static tini
need tini tini
need dumb-init dumb-init
need awk mawk
if ! command -v python3 >/dev/null 2>&1 && ! command -v jq >/dev/null 2>&1; then
	die "python3 not found (nor jq): apt-get install python3"
fi
for m in "${SELECTED[@]}"; do
	if declare -F "needs_$m" >/dev/null; then "needs_$m"; fi
done

TRUE=$(command -v true)
[[ $TRUE == /* ]] || TRUE=/bin/true # `command -v true` names the builtin
TINI_STATIC=$(command -v tini-static)
TINI=$(command -v tini)
DUMB_INIT=$(command -v dumb-init)
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
	echo "# vigil benchmark"
	echo
	echo "- Date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
	echo "- Kernel: $(uname -r)"
	echo "- CPU: ${cpu:-unknown} (nproc $(nproc))"
	echo "- Go: $(go version | awk '{ print $3 }')"
	echo "- vigil: $commit"
	echo "- Compared: tini $("$TINI_STATIC" --version | awk '{ print $3 }'), dumb-init $("$DUMB_INIT" --version 2>&1 | awk '{ print $2 }')"
	echo
	row "Measurement" "vigil" "tini-static" "tini" "dumb-init" "baseline" "vigil ÷ tini-static" "target" "verdict"
	row "---" "---:" "---:" "---:" "---:" "---:" "---:" "---" "---"
} >"$REPORT"

for m in "${SELECTED[@]}"; do
	log "running $m"
	"bench_$m" >>"$REPORT"
done

mkdir -p "$RESULTS_DIR"
out="$RESULTS_DIR/latest.md"
[[ -z $ONLY ]] || out="$RESULTS_DIR/latest-$ONLY.md"
cp "$REPORT" "$out"
cat "$REPORT"
log "done in $((SECONDS - START))s; table written to ${out#"$REPO"/}"
