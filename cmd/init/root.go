package main

import (
	"io"
	"slices"

	"github.com/spf13/cobra"
)

// subcommands are the first words that are init's own; anything else is a
// command to run. A program that happens to share one of these names is run
// with `init -- name`.
var subcommands = []string{"version", "config", "ctl", "install", "help", "completion", "__complete", "__completeNoDesc"}

// runsInit tells whether these arguments make this process the init (and not
// a short-lived subcommand), before any parsing, so that only the init pays
// for its start-up work.
func runsInit(args []string) bool {
	for _, a := range args {
		if a == "--" || len(a) == 0 || a[0] != '-' {
			return a == "--" || !slices.Contains(subcommands, a)
		}
	}
	return true
}

func execute(args []string, stdout, stderr io.Writer) int {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	return exitCode(root.Execute(), stderr)
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := newRunCmd()
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SilenceErrors = true
	root.SilenceUsage = true
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErrorf("%v (see %s --help)", err, c.CommandPath())
	})
	root.AddCommand(newVersionCmd(), newConfigCmd(), newCtlCmd(), newInstallCmd())
	return root
}
