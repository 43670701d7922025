package config

import (
	"sort"
	"strings"
	"unicode"
)

// program is a [program:x] section with its group decided.
type program struct {
	name  string
	sec   *section
	group string
}

// groups builds the process groups as supervisord does: each [group:x]
// takes the programs it lists, and every other program becomes a group of
// its own.
func (l *loader) groups(base expansions) []*Group {
	progs, order := l.programs()
	var groups []*Group
	for _, s := range l.ini.sections {
		if strings.HasPrefix(s.name, "group:") {
			if g := l.heterogeneous(s, progs, base); g != nil {
				groups = append(groups, g)
			}
		}
	}
	for _, name := range order {
		p := progs[name]
		if p.group != "" {
			continue
		}
		p.group = name
		procs := l.processes(p, base)
		g := &Group{Name: name, Priority: 999, Pos: p.sec.pos, Processes: procs, FromProgram: true}
		if len(procs) > 0 {
			g.Priority = procs[0].Priority
		}
		groups = append(groups, g)
	}
	l.uniqueGroups(groups)
	sortGroups(groups)
	return groups
}

// programs indexes the [program:x] sections by name (trimmed, as
// supervisord's process_or_group_name does), in file order.
func (l *loader) programs() (map[string]*program, []string) {
	progs := map[string]*program{}
	var order []string
	for _, s := range l.ini.sections {
		raw, ok := strings.CutPrefix(s.name, "program:")
		if !ok {
			continue
		}
		name := strings.TrimSpace(raw)
		if err := checkName(name); err != "" {
			l.d.errorf(s.pos, "", "bad program name %q: %s", name, err)
			continue
		}
		if old := progs[name]; old != nil {
			l.d.errorf(s.pos, "", "program %q is defined twice, first at %s", name, old.sec.pos)
			continue
		}
		progs[name] = &program{name: name, sec: s}
		order = append(order, name)
	}
	return progs, order
}

func (l *loader) heterogeneous(s *section, progs map[string]*program, base expansions) *Group {
	name := strings.TrimSpace(strings.TrimPrefix(s.name, "group:"))
	if err := checkName(name); err != "" {
		l.d.errorf(s.pos, "", "bad group name %q: %s", name, err)
		return nil
	}
	r := keyReader{l: l, sec: s, x: base}
	g := &Group{Name: name, Pos: s.pos}
	g.Priority = get(r, "priority", 999, parseInt)
	for _, p := range l.members(r, name, progs) {
		p.group = name
		g.Processes = append(g.Processes, l.processes(p, base)...)
	}
	return g
}

// members resolves programs=, which supervisord splits on commas.
func (l *loader) members(r keyReader, group string, progs map[string]*program) []*program {
	v, e, ok := r.raw("programs")
	if !ok || v == "" {
		return nil
	}
	var out []*program
	for _, name := range strings.Split(v, ",") {
		name = strings.TrimSpace(name)
		p := progs[name]
		switch {
		case p == nil && l.ini.byName["fcgi-program:"+name] != nil:
			// already warned that fcgi-programs are not run
		case p == nil:
			l.d.errorf(e.pos, "programs", "[group:%s] names unknown program %q%s", group, name, suggest(name, keys(progs)))
		case p.group == group:
			l.d.errorf(e.pos, "programs", "program %q is listed twice", name)
		case p.group != "":
			l.d.errorf(e.pos, "programs", "program %q is already in group %q: a program can be in one group only", name, p.group)
		default:
			p.group = group
			out = append(out, p)
		}
	}
	return out
}

func (l *loader) uniqueGroups(groups []*Group) {
	seen := map[string]*Group{}
	for _, g := range groups {
		if old := seen[g.Name]; old != nil {
			l.d.errorf(g.Pos, "", "group name %q is also used at %s", g.Name, old.Pos)
			continue
		}
		seen[g.Name] = g
	}
}

// sortGroups orders groups and their processes by priority then name, as
// supervisord's Config.__lt__ does.
func sortGroups(groups []*Group) {
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if a.Priority != b.Priority {
			return a.Priority < b.Priority
		}
		return a.Name < b.Name
	})
	for _, g := range groups {
		sort.SliceStable(g.Processes, func(i, j int) bool {
			a, b := g.Processes[i], g.Processes[j]
			if a.Priority != b.Priority {
				return a.Priority < b.Priority
			}
			return a.Name < b.Name
		})
	}
}

// checkName applies supervisord's rule for program, group and process
// names (no space, ":" or "/") plus what keeps them safe as a path
// component and in a URL: not empty, not "." or "..", no control
// characters. It returns "" when the name is fine.
func checkName(name string) string {
	switch name {
	case "":
		return "a name cannot be empty"
	case ".", "..":
		return "a name cannot be . or .."
	}
	for _, r := range name {
		switch {
		case r == ':' || r == '/':
			return "a name cannot contain " + string(r)
		case unicode.IsSpace(r):
			return "a name cannot contain whitespace"
		case unicode.IsControl(r):
			return "a name cannot contain control characters"
		}
	}
	return ""
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
