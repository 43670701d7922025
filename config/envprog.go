package config

import "strings"

// EnvProgramPrefix starts the variables that define programs without a
// config file: VIGIL_PROGRAM_<name>=<command> and
// VIGIL_PROGRAM_<name>__<KEY>=<value> for any [program] key, KEY in any
// case. The name ends at the first "__", so names cannot contain "__".
// In their values %(here)s is the config file's directory, or the working
// directory when there is no file.
const EnvProgramPrefix = "VIGIL_PROGRAM_"

// envSetting is one VIGIL_PROGRAM_* variable, split.
type envSetting struct {
	variable, name, key, value string
}

// addEnvPrograms merges the VIGIL_PROGRAM_* variables over the INI, key by
// key: a variable wins over the same key in [program:name], and a program
// the INI does not have is created.
func (l *loader) addEnvPrograms() {
	byName := map[string][]envSetting{}
	for _, v := range keys(l.opts.Env) {
		if s, ok := l.envSetting(v); ok {
			byName[s.name] = append(byName[s.name], s)
		}
	}
	for _, name := range keys(byName) {
		l.envProgram(name, byName[name])
	}
}

func (l *loader) envSetting(variable string) (envSetting, bool) {
	rest, ok := strings.CutPrefix(variable, EnvProgramPrefix)
	if !ok {
		return envSetting{}, false
	}
	pos := Pos{Var: variable}
	name, key, hasKey := strings.Cut(rest, "__")
	if !hasKey {
		key = "command"
	}
	key = strings.ToLower(key)
	if msg := checkEnvName(name); msg != "" {
		l.d.errorf(pos, "", "bad program name %q: %s", name, msg)
		return envSetting{}, false
	}
	if key == "" {
		l.d.errorf(pos, "", "no key after \"__\": write %s%s__AUTORESTART=false and the like", EnvProgramPrefix, name)
		return envSetting{}, false
	}
	if strings.Trim(key, "abcdefghijklmnopqrstuvwxyz0123456789_") != "" {
		// Keys are what an INI line can hold; this one is a typo or junk.
		l.d.errorf(pos, "", "bad key %q: use only letters, digits and _", key)
		return envSetting{}, false
	}
	return envSetting{variable: variable, name: name, key: key, value: strings.TrimSpace(l.opts.Env[variable])}, true
}

// checkEnvName is stricter than checkName: a new way to name programs
// need not accept what supervisord merely tolerates.
func checkEnvName(name string) string {
	if msg := checkName(name); msg != "" {
		return msg
	}
	for _, r := range name {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.'
		if !ok {
			return "use only letters, digits, _, - and ."
		}
	}
	return ""
}

func (l *loader) envProgram(name string, settings []envSetting) {
	sec := l.iniProgram(name)
	if sec == nil {
		cmd := findSetting(settings, "command")
		if cmd == nil {
			l.d.errorf(Pos{Var: settings[0].variable}, "", "program %q has no command: set %s%s to its command line", name, EnvProgramPrefix, name)
			return
		}
		sec = newSection("program:"+name, Pos{Var: cmd.variable}, l.mainDir)
		l.ini.sections = append(l.ini.sections, sec)
		l.ini.byName[sec.name] = sec
	}
	seen := map[string]string{}
	for _, s := range settings {
		if first, dup := seen[s.key]; dup {
			l.d.errorf(Pos{Var: s.variable}, s.key, "set twice, also by %s", first)
			continue
		}
		seen[s.key] = s.variable
		sec.set(&entry{key: s.key, value: s.value, pos: Pos{Var: s.variable}, here: l.mainDir})
	}
}

// iniProgram finds [program:name], allowing the spaces supervisord trims.
func (l *loader) iniProgram(name string) *section {
	for _, s := range l.ini.sections {
		if raw, ok := strings.CutPrefix(s.name, "program:"); ok && strings.TrimSpace(raw) == name {
			return s
		}
	}
	return nil
}

func findSetting(settings []envSetting, key string) *envSetting {
	for i := range settings {
		if settings[i].key == key {
			return &settings[i]
		}
	}
	return nil
}
