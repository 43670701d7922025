package main

import (
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/vigil-sh/vigil/config"
)

// secretKey matches the names of variables whose values config show masks.
var secretKey = regexp.MustCompile(`(?i)pass|secret|token|key|credential|auth`)

func newConfigShowCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "show [-c FILE]",
		Short: "Print the effective config (file, includes and VIGIL_PROGRAM_* merged), secrets masked",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			cfg, err := configForCommand(c, &f)
			if err != nil {
				return err
			}
			showConfig(c.OutOrStdout(), cfg)
			return nil
		},
	}
	configFlags(cmd, &f)
	return cmd
}

func showConfig(w io.Writer, cfg *config.Config) {
	fmt.Fprintf(w, "; files: %s\n", strings.Join(cfg.Files, " "))
	if env := cfg.Supervisord.Environment; len(env) > 0 {
		fmt.Fprintf(w, "[supervisord]\nenvironment=%s\n\n", envString(env))
	}
	if in := cfg.Inet; in != nil {
		fmt.Fprintf(w, "[inet_http_server]\nport=%s\nusername=%s\npassword=%s\n\n", in.Port, in.Username, mask(in.Password))
	}
	if u := cfg.Unix; u != nil {
		fmt.Fprintf(w, "[unix_http_server]\nfile=%s\nchmod=%04o\n\n", u.File, u.Chmod)
	}
	for _, p := range cfg.Processes() {
		fmt.Fprintf(w, "[program:%s] ; %s, group %s\n", p.Name, p.Pos, p.Group)
		kv := [][2]string{
			{"command", p.CommandLine}, {"priority", fmt.Sprint(p.Priority)}, {"autostart", fmt.Sprint(p.AutoStart)},
			{"autorestart", p.AutoRestart.String()}, {"startsecs", fmt.Sprint(int(p.StartSecs.Seconds()))}, {"startretries", fmt.Sprint(p.StartRetries)},
			{"exitcodes", strings.Trim(fmt.Sprint(p.ExitCodes), "[]")}, {"stopsignal", config.SignalName(p.StopSignal)},
			{"stopwaitsecs", fmt.Sprint(int(p.StopWait.Seconds()))}, {"stopasgroup", fmt.Sprint(p.StopAsGroup)}, {"killasgroup", fmt.Sprint(p.KillAsGroup)},
			{"user", p.User}, {"directory", p.Directory}, {"stdout_logfile", p.Stdout.File}, {"stderr_logfile", p.Stderr.File},
			{"redirect_stderr", fmt.Sprint(p.RedirectStderr)}, {"environment", envString(p.Environment)},
			{"critical", fmt.Sprint(p.Critical)}, {"depends_on", strings.Join(p.DependsOn, ",")}, {"ready", p.Ready.String()},
		}
		for _, e := range kv {
			if e[1] != "" {
				fmt.Fprintf(w, "%s=%s\n", e[0], e[1])
			}
		}
		fmt.Fprintln(w)
	}
}

// envString writes environment= with the values of secret-looking names
// masked.
func envString(env []config.EnvVar) string {
	parts := make([]string, len(env))
	for i, e := range env {
		v := e.Value
		if secretKey.MatchString(e.Key) {
			v = mask(v)
		}
		parts[i] = fmt.Sprintf("%s=%q", e.Key, v)
	}
	return strings.Join(parts, ",")
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "****"
}
