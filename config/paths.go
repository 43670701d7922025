package config

import "path/filepath"

// DefaultPaths lists where supervisord looks for its config when none is
// given, in its order: ../etc/supervisord.conf and ../supervisord.conf
// next to the executable's directory, supervisord.conf and
// etc/supervisord.conf in the working directory, then /etc/supervisord.conf
// and /etc/supervisor/supervisord.conf. It only builds the list; the
// caller takes the first that exists. An empty exeDir skips the first two.
func DefaultPaths(exeDir, cwd string) []string {
	var paths []string
	if exeDir != "" {
		paths = append(paths,
			filepath.Join(exeDir, "..", "etc", "supervisord.conf"),
			filepath.Join(exeDir, "..", "supervisord.conf"))
	}
	paths = append(paths,
		filepath.Join(cwd, "supervisord.conf"),
		filepath.Join(cwd, "etc", "supervisord.conf"),
		"/etc/supervisord.conf",
		"/etc/supervisor/supervisord.conf")
	return dedupe(paths)
}

func dedupe(paths []string) []string {
	seen := map[string]bool{}
	out := paths[:0]
	for _, p := range paths {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	return out
}
