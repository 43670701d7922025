package config

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// expansions are the names a value may use in %(name)s. Strings and ints
// are kept apart because Python's %d refuses a string, and supervisord
// configs rely on %(process_num)02d.
type expansions struct {
	here string // per value: the directory of the file the value is in
	strs map[string]string
	ints map[string]int
	env  map[string]string // looked up as ENV_<name>
}

func (x expansions) with(strs map[string]string, ints map[string]int) expansions {
	n := expansions{here: x.here, strs: map[string]string{}, ints: map[string]int{}, env: x.env}
	for k, v := range x.strs {
		n.strs[k] = v
	}
	for k, v := range strs {
		n.strs[k] = v
	}
	for k, v := range x.ints {
		n.ints[k] = v
	}
	for k, v := range ints {
		n.ints[k] = v
	}
	return n
}

// withEnv adds variables visible as ENV_<key>, as supervisord does with
// [supervisord] environment for every program and with a program's own
// environment for its other keys.
func (x expansions) withEnv(vars []EnvVar) expansions {
	n := x.with(nil, nil)
	n.env = make(map[string]string, len(x.env)+len(vars))
	for k, v := range x.env {
		n.env[k] = v
	}
	for _, v := range vars {
		n.env[v.Key] = v.Value
	}
	return n
}

func (x expansions) lookup(name string) (any, bool) {
	if name == "here" {
		return x.here, true
	}
	if v, ok := x.ints[name]; ok {
		return v, true
	}
	if v, ok := x.strs[name]; ok {
		return v, true
	}
	if k, ok := strings.CutPrefix(name, "ENV_"); ok {
		v, ok := x.env[k]
		return v, ok
	}
	return nil, false
}

func (x expansions) known() string {
	names := []string{"here"}
	for k := range x.strs {
		names = append(names, k)
	}
	for k := range x.ints {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(append([]string{"ENV_<variable>"}, names...), ", ")
}

// expand applies Python's "s % mapping": %(name)<flags><width>.<prec><type>
// and %% for a literal percent sign.
func (x expansions) expand(s string) (string, error) {
	if !strings.Contains(s, "%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		c := s[i]
		if c != '%' {
			b.WriteByte(c)
			i++
			continue
		}
		n, err := x.spec(&b, s[i:])
		if err != nil {
			return "", err
		}
		i += n
	}
	return b.String(), nil
}

// spec formats the one conversion at the start of s and returns its length.
func (x expansions) spec(b *strings.Builder, s string) (int, error) {
	if len(s) > 1 && s[1] == '%' {
		b.WriteByte('%')
		return 2, nil
	}
	if len(s) < 2 || s[1] != '(' {
		return 0, fmt.Errorf("bad %% at %q: write %%(name)s to expand a name or %%%% for a literal %%", clip(s))
	}
	name, rest, ok := parenName(s[2:])
	if !ok {
		return 0, fmt.Errorf("%q has no closing parenthesis", clip(s))
	}
	flags, width, prec, verb, tail, err := fieldSpec(rest)
	if err != nil {
		return 0, fmt.Errorf("bad format %q: %v", s[:len(s)-len(tail)], err)
	}
	v, found := x.lookup(name)
	if !found {
		return 0, x.unknown(name, verb)
	}
	out, err := formatValue(v, flags, width, prec, verb)
	if err != nil {
		return 0, fmt.Errorf("%s: %v", conversion(name, verb), err)
	}
	b.WriteString(out)
	return len(s) - len(tail), nil
}

func (x expansions) unknown(name string, verb byte) error {
	if k, ok := strings.CutPrefix(name, "ENV_"); ok {
		return fmt.Errorf("%s: environment variable %s is not set", conversion(name, verb), quoteUnprintable(k))
	}
	return fmt.Errorf("%s: unknown name %q; known names: %s", conversion(name, verb), name, x.known())
}

// conversion spells a conversion for a message, quoted when its name would
// break the message's line.
func conversion(name string, verb byte) string {
	return quoteUnprintable("%(" + name + ")" + string(rune(verb)))
}

// parenName reads a mapping key up to its balancing ")", as Python does.
func parenName(s string) (name, rest string, ok bool) {
	depth := 1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return s[:i], s[i+1:], true
			}
		}
	}
	return "", "", false
}

func fieldSpec(s string) (flags string, width, prec int, verb byte, rest string, err error) {
	i := 0
	for i < len(s) && strings.IndexByte("-+ #0", s[i]) >= 0 {
		i++
	}
	flags = s[:i]
	width, i = digits(s, i)
	prec = -1
	if i < len(s) && s[i] == '.' {
		prec, i = digits(s, i+1)
	}
	for i < len(s) && strings.IndexByte("hlL", s[i]) >= 0 {
		i++
	}
	if i >= len(s) {
		return "", 0, 0, 0, "", fmt.Errorf("incomplete format")
	}
	verb = s[i]
	if strings.IndexByte("diouxXeEfFgGcrsa", verb) < 0 {
		return "", 0, 0, 0, s[i+1:], fmt.Errorf("unsupported format character %q", verb)
	}
	return flags, width, prec, verb, s[i+1:], nil
}

func digits(s string, i int) (int, int) {
	j := i
	for j < len(s) && s[j] >= '0' && s[j] <= '9' {
		j++
	}
	if j == i {
		return 0, i
	}
	n, err := strconv.Atoi(s[i:j])
	if err != nil || n > 1<<16 {
		n = 1 << 16
	}
	return n, j
}

func formatValue(v any, flags string, width, prec int, verb byte) (string, error) {
	switch verb {
	case 's', 'r', 'a':
		s := fmt.Sprint(v)
		if str, ok := v.(string); ok && verb != 's' {
			s = pyRepr(str)
		}
		return goFormat(strings.ReplaceAll(flags, "0", ""), width, prec, 's', s), nil
	case 'c':
		return formatChar(v, flags, width)
	}
	n, ok := v.(int)
	if !ok {
		return "", fmt.Errorf("a number is required, not a string")
	}
	switch verb {
	case 'd', 'i', 'u':
		return goFormat(flags, width, prec, 'd', n), nil
	case 'o':
		if strings.Contains(flags, "#") {
			return goFormat(strings.ReplaceAll(flags, "#", ""), width, prec, 'O', n), nil
		}
	case 'e', 'E', 'f', 'F', 'g', 'G':
		if prec < 0 {
			prec = 6
		}
		return goFormat(flags, width, prec, rune(verb), float64(n)), nil
	}
	return goFormat(flags, width, prec, rune(verb), n), nil
}

func formatChar(v any, flags string, width int) (string, error) {
	var s string
	switch t := v.(type) {
	case int:
		if t < 0 || t > 0x10ffff {
			return "", fmt.Errorf("%%c arg not in range(0x110000)")
		}
		s = string(rune(t))
	case string:
		if len([]rune(t)) != 1 {
			return "", fmt.Errorf("%%c requires an int or a single character")
		}
		s = t
	}
	return goFormat(strings.ReplaceAll(flags, "0", ""), width, -1, 's', s), nil
}

func goFormat(flags string, width, prec int, verb rune, v any) string {
	f := "%" + flags
	if width > 0 {
		f += strconv.Itoa(width)
	}
	if prec >= 0 {
		f += "." + strconv.Itoa(prec)
	}
	return fmt.Sprintf(f+string(verb), v)
}

// pyRepr quotes like Python's repr of a str, for %(name)r.
func pyRepr(s string) string {
	q := "'"
	if strings.Contains(s, "'") && !strings.Contains(s, `"`) {
		q = `"`
	}
	r := strings.NewReplacer(`\`, `\\`, "\n", `\n`, "\t", `\t`, "\r", `\r`, q, `\`+q)
	return q + r.Replace(s) + q
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
