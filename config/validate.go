package config

import (
	"sort"
	"strings"
)

// validate runs the checks that need every process at hand.
func (l *loader) validate(c *Config) {
	l.uniqueProcesses(c)
	l.checkDepends(c)
	l.checkCycles(c)
}

// uniqueProcesses rejects a process name used twice, even in different
// groups: names are how vigil's logs, control socket and ctl refer to a
// process, so they must be unambiguous without the group.
func (l *loader) uniqueProcesses(c *Config) {
	seen := map[string]*Process{}
	for _, g := range c.Groups {
		for _, p := range g.Processes {
			if old := seen[p.Name]; old != nil {
				l.d.errorf(p.Pos, "process_name", "process name %q is also used by the process defined at %s", p.Name, old.Pos)
				continue
			}
			seen[p.Name] = p
		}
	}
}

func (l *loader) checkDepends(c *Config) {
	var names []string
	for _, p := range c.Processes() {
		names = append(names, p.Program, p.Name)
	}
	for _, p := range c.Processes() {
		for _, d := range p.DependsOn {
			if len(c.lookupDep(d)) == 0 {
				l.d.errorf(p.dependsPos, "depends_on", "unknown program or process %q%s", d, suggest(d, names))
			}
		}
	}
}

// checkCycles finds dependency cycles with a depth-first search and reports
// each once, as the path that closes it: "a -> b -> a".
func (l *loader) checkCycles(c *Config) {
	const (
		unseen = iota
		active
		done
	)
	state := map[*Process]int{}
	reported := map[string]bool{}
	var stack []*Process
	var visit func(p *Process)
	visit = func(p *Process) {
		state[p] = active
		stack = append(stack, p)
		for _, q := range c.DependsOn(p) {
			switch state[q] {
			case unseen:
				visit(q)
			case active:
				l.reportCycle(stack, q, reported)
			}
		}
		stack = stack[:len(stack)-1]
		state[p] = done
	}
	for _, p := range c.Processes() {
		if state[p] == unseen {
			visit(p)
		}
	}
}

func (l *loader) reportCycle(stack []*Process, back *Process, reported map[string]bool) {
	i := len(stack) - 1
	for i > 0 && stack[i] != back {
		i--
	}
	cycle := stack[i:]
	var names, key []string
	for _, p := range cycle {
		names = append(names, p.Name)
		key = append(key, p.Name)
	}
	sort.Strings(key)
	if k := strings.Join(key, "\x00"); !reported[k] {
		reported[k] = true
		path := strings.Join(append(names, back.Name), " -> ")
		l.d.errorf(cycle[0].dependsPos, "depends_on", "dependency cycle %s", path)
	}
}
