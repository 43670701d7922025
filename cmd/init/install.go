package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// newInstallCmd copies the running binary into a directory, so that a
// Kubernetes init container can drop vigil into a shared emptyDir and the
// app container can run it without a rebuilt image.
func newInstallCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "install DIR",
		Short: "Copy this static binary to DIR/init (mode 0755, atomically)",
		Args:  cobra.ExactArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			dst, err := install(args[0])
			if err != nil {
				return &exitError{code: exitFailed, msg: "install: " + err.Error()}
			}
			fmt.Fprintln(c.OutOrStdout(), dst)
			return nil
		},
	}
}

// install writes a temporary file next to the target and renames it over
// DIR/init, so that a container starting meanwhile never runs half a copy.
func install(dir string) (string, error) {
	self, err := os.Executable()
	if err != nil {
		return "", err
	}
	src, err := os.Open(self)
	if err != nil {
		return "", err
	}
	defer src.Close()
	tmp, err := os.CreateTemp(dir, ".init-*")
	if err != nil {
		return "", fmt.Errorf("%w (DIR must exist and be writable)", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := io.Copy(tmp, src); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Chmod(0o755); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return "", err
	}
	if err := tmp.Close(); err != nil {
		return "", err
	}
	dst := filepath.Join(dir, "init")
	return dst, os.Rename(tmp.Name(), dst)
}
