package control

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	rtmetrics "runtime/metrics"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// The go_* and process_* metrics keep the names, types and meanings of
// prometheus/client_golang's Go and process collectors, so that dashboards
// built for those work. Everything is read when a scrape asks for it:
// nothing runs at package init, nothing is logged, and a value that cannot
// be read leaves its family out of that scrape.

// runtimeMetric is one go_* family whose value is the sum of runtime/metrics
// samples; the sums rebuild runtime.MemStats' fields the way client_golang
// does, without ReadMemStats' stop-the-world.
type runtimeMetric struct {
	name, typ, help string
	keys            []string
}

const (
	rmHeapObjects  = "/memory/classes/heap/objects:bytes"
	rmHeapUnused   = "/memory/classes/heap/unused:bytes"
	rmHeapFree     = "/memory/classes/heap/free:bytes"
	rmHeapReleased = "/memory/classes/heap/released:bytes"
	rmHeapStacks   = "/memory/classes/heap/stacks:bytes"
	rmTinyAllocs   = "/gc/heap/tiny/allocs:objects"
)

var runtimeMetrics = []runtimeMetric{
	{"go_threads", "gauge", "Number of OS threads the Go runtime owns.", []string{"/sched/threads/total:threads"}},
	{"go_sched_gomaxprocs_threads", "gauge", "GOMAXPROCS: how many threads can run Go code at once.", []string{"/sched/gomaxprocs:threads"}},
	{"go_gc_gogc_percent", "gauge", "Heap size target percentage (GOGC).", []string{"/gc/gogc:percent"}},
	{"go_gc_gomemlimit_bytes", "gauge", "Go runtime memory limit (GOMEMLIMIT).", []string{"/gc/gomemlimit:bytes"}},
	{"go_memstats_alloc_bytes", "gauge", "Bytes of allocated heap objects.", []string{rmHeapObjects}},
	{"go_memstats_alloc_bytes_total", "counter", "Bytes allocated for heap objects, freed ones included.", []string{"/gc/heap/allocs:bytes"}},
	{"go_memstats_mallocs_total", "counter", "Heap objects allocated.", []string{"/gc/heap/allocs:objects", rmTinyAllocs}},
	{"go_memstats_frees_total", "counter", "Heap objects freed.", []string{"/gc/heap/frees:objects", rmTinyAllocs}},
	{"go_memstats_sys_bytes", "gauge", "Bytes of memory the Go runtime obtained from the OS.", []string{"/memory/classes/total:bytes"}},
	{"go_memstats_heap_alloc_bytes", "gauge", "Bytes of allocated heap objects.", []string{rmHeapObjects}},
	{"go_memstats_heap_sys_bytes", "gauge", "Bytes of heap memory obtained from the OS.", []string{rmHeapObjects, rmHeapUnused, rmHeapFree, rmHeapReleased}},
	{"go_memstats_heap_idle_bytes", "gauge", "Bytes in idle (unused) heap spans.", []string{rmHeapFree, rmHeapReleased}},
	{"go_memstats_heap_inuse_bytes", "gauge", "Bytes in in-use heap spans.", []string{rmHeapObjects, rmHeapUnused}},
	{"go_memstats_heap_released_bytes", "gauge", "Bytes of heap memory returned to the OS.", []string{rmHeapReleased}},
	{"go_memstats_heap_objects", "gauge", "Number of allocated heap objects.", []string{"/gc/heap/objects:objects"}},
	{"go_memstats_next_gc_bytes", "gauge", "Heap size the next garbage collection aims at.", []string{"/gc/heap/goal:bytes"}},
	{"go_memstats_stack_inuse_bytes", "gauge", "Bytes in goroutine stack spans.", []string{rmHeapStacks}},
	{"go_memstats_stack_sys_bytes", "gauge", "Bytes of stack memory obtained from the OS.", []string{rmHeapStacks, "/memory/classes/os-stacks:bytes"}},
}

// writeGoMetrics writes go_info, the runtimeMetrics and the garbage
// collector's pauses.
func writeGoMetrics(e *expo) {
	e.family("go_info", "gauge", "Information about the Go environment.")
	e.sample("go_info", 1, "version", runtime.Version())
	// Not /sched/goroutines: that one counts the runtime's own goroutines
	// too, such as the GC's mark workers that start with the first
	// collection, so it would grow once without anything having leaked.
	e.family("go_goroutines", "gauge", "Number of goroutines that currently exist.")
	e.sample("go_goroutines", float64(runtime.NumGoroutine()))

	index := map[string]int{}
	var samples []rtmetrics.Sample
	for _, m := range runtimeMetrics {
		for _, k := range m.keys {
			if _, ok := index[k]; !ok {
				index[k] = len(samples)
				samples = append(samples, rtmetrics.Sample{Name: k})
			}
		}
	}
	rtmetrics.Read(samples)
next:
	for _, m := range runtimeMetrics {
		var v float64
		for _, k := range m.keys {
			switch s := samples[index[k]].Value; s.Kind() {
			case rtmetrics.KindUint64:
				v += float64(s.Uint64())
			case rtmetrics.KindFloat64:
				v += s.Float64()
			default: // a runtime without this metric
				continue next
			}
		}
		e.family(m.name, m.typ, m.help)
		e.sample(m.name, v)
	}

	// ReadGCStats takes the heap lock, not the world; its quantiles are
	// those of the last 256 pauses, as in client_golang.
	st := debug.GCStats{PauseQuantiles: make([]time.Duration, 5)}
	debug.ReadGCStats(&st)
	e.family("go_gc_duration_seconds", "summary", "Wall-time pause (stop-the-world) duration in garbage collection cycles.")
	for i, q := range []string{"0", "0.25", "0.5", "0.75", "1"} {
		e.sample("go_gc_duration_seconds", st.PauseQuantiles[i].Seconds(), "quantile", q)
	}
	e.sample("go_gc_duration_seconds_sum", st.PauseTotal.Seconds())
	e.sample("go_gc_duration_seconds_count", float64(st.NumGC))
	var last float64
	if st.NumGC > 0 {
		last = unixSeconds(st.LastGC)
	}
	e.family("go_memstats_last_gc_time_seconds", "gauge", "When the last garbage collection finished, in unix time; 0 before the first.")
	e.sample("go_memstats_last_gc_time_seconds", last)
}

// userHZ is the unit of the times in /proc/PID/stat, fixed at 100 on
// every architecture Go supports on Linux.
const userHZ = 100

// writeProcessMetrics writes the process_* families from /proc/self and
// RLIMIT_NOFILE.
func writeProcessMetrics(e *expo) {
	if st, err := readProcStat(); err == nil {
		e.family("process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.")
		e.sample("process_cpu_seconds_total", float64(st.utime+st.stime)/userHZ)
		e.family("process_resident_memory_bytes", "gauge", "Resident memory size in bytes.")
		e.sample("process_resident_memory_bytes", float64(st.rssPages)*float64(os.Getpagesize()))
		e.family("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes.")
		e.sample("process_virtual_memory_bytes", float64(st.vsize))
		if start, err := processStart(st.starttime); err == nil {
			e.family("process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.")
			e.sample("process_start_time_seconds", start)
		}
	}
	if n, err := openFDs(); err == nil {
		e.family("process_open_fds", "gauge", "Number of open file descriptors.")
		e.sample("process_open_fds", float64(n))
	}
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) == nil {
		e.family("process_max_fds", "gauge", "Maximum number of open file descriptors.")
		e.sample("process_max_fds", float64(rl.Cur))
	}
}

// procStat holds the fields of /proc/self/stat that are used.
type procStat struct {
	utime, stime, starttime, vsize, rssPages uint64
}

var errProcStat = errors.New("unexpected /proc/self/stat")

func readProcStat() (procStat, error) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return procStat{}, err
	}
	// The command name, field 2, is in parentheses and may hold spaces
	// and parentheses itself; field 3 follows the last ')'.
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return procStat{}, errProcStat
	}
	f := bytes.Fields(b[i+1:])
	if len(f) < 22 {
		return procStat{}, errProcStat
	}
	// f[0] is field 3 (state), so field N is f[N-3].
	var st procStat
	for _, x := range []struct {
		dst   *uint64
		field int
	}{{&st.utime, 14}, {&st.stime, 15}, {&st.starttime, 22}, {&st.vsize, 23}, {&st.rssPages, 24}} {
		if *x.dst, err = strconv.ParseUint(string(f[x.field-3]), 10, 64); err != nil {
			return procStat{}, errProcStat
		}
	}
	return st, nil
}

// bootTime is the btime line of /proc/stat, read on the first scrape that
// needs it: it does not change while the system runs.
var bootTime struct {
	sync.Mutex
	secs uint64
}

// processStart converts /proc/self/stat's start time, in clock ticks since
// boot, to unix time.
func processStart(ticks uint64) (float64, error) {
	bootTime.Lock()
	defer bootTime.Unlock()
	if bootTime.secs == 0 {
		b, err := os.ReadFile("/proc/stat")
		if err != nil {
			return 0, err
		}
		for line := range bytes.Lines(b) {
			if v, ok := bytes.CutPrefix(line, []byte("btime ")); ok {
				bootTime.secs, err = strconv.ParseUint(string(bytes.TrimSpace(v)), 10, 64)
				if err != nil {
					return 0, err
				}
				break
			}
		}
		if bootTime.secs == 0 {
			return 0, errors.New("no btime in /proc/stat")
		}
	}
	return float64(bootTime.secs) + float64(ticks)/userHZ, nil
}

// openFDs counts the entries of /proc/self/fd, less the one this reads
// them through.
func openFDs() (int, error) {
	d, err := os.Open("/proc/self/fd")
	if err != nil {
		return 0, err
	}
	defer d.Close()
	n := -1
	for {
		names, err := d.Readdirnames(256)
		n += len(names)
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return 0, err
		}
	}
}
