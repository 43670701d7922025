package main

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/hashicorp/go-multierror"

	"github.com/vigil-sh/vigil/config"
)

// loadConfig reads the programs to run: the config file given, or the first
// of supervisord's usual places when there is no main command (with one, a
// stray /etc/supervisord.conf must not start programs nobody asked for), and
// the VIGIL_PROGRAM_* variables. It returns the environment programs start
// from: init's own plus the --env-file files. Every error in the config is
// reported, one per line, and nothing starts.
func loadConfig(f *runFlags, haveCommand bool, log *slog.Logger) (*config.Config, []string, error) {
	env, err := baseEnv(f.envFiles)
	if err != nil {
		return nil, nil, err
	}
	path := f.config
	if path == "" && !haveCommand {
		path = findConfig()
	}
	if path == "" && !hasEnvPrograms(env) {
		return nil, envList(env), nil // a plain init: nothing to parse
	}
	host, _ := os.Hostname()
	cfg, warns, err := config.Load(path, config.LoadOptions{Env: env, Hostname: host})
	for _, w := range warns {
		log.Warn(w.String())
	}
	if err != nil {
		return nil, nil, configError(err)
	}
	return cfg, envList(env), nil
}

// baseEnv is init's environment with the --env-file files over it, in order.
func baseEnv(files []string) (map[string]string, error) {
	env := map[string]string{}
	for _, kv := range os.Environ() {
		if k, v, ok := strings.Cut(kv, "="); ok {
			env[k] = v
		}
	}
	// The API token is init's secret, not the programs'.
	delete(env, "VIGIL_TOKEN")
	for _, file := range files {
		vars, err := config.ReadEnvFile(file)
		if err != nil {
			return nil, usageErrorf("--env-file: %v", err)
		}
		for k, v := range vars {
			env[k] = v
		}
	}
	return env, nil
}

func envList(env map[string]string) []string {
	out := make([]string, 0, len(env))
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	sort.Strings(out)
	return out
}

func findConfig() string {
	exe, _ := os.Executable()
	cwd, _ := os.Getwd()
	for _, p := range config.DefaultPaths(filepath.Dir(exe), cwd) {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// configError prints every error of a rejected config, one per line.
func configError(err error) error {
	var me *multierror.Error
	if !errors.As(err, &me) {
		return &exitError{code: exitUsage, msg: err.Error()}
	}
	lines := make([]string, len(me.Errors))
	for i, e := range me.Errors {
		lines[i] = e.Error()
	}
	return &exitError{code: exitUsage, msg: strings.Join(lines, "\nvigil: ")}
}

func hasEnvPrograms(env map[string]string) bool {
	for k := range env {
		if strings.HasPrefix(k, config.EnvProgramPrefix) {
			return true
		}
	}
	return false
}
