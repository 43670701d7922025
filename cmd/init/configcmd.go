package main

import (
	"fmt"
	"log/slog"

	"github.com/spf13/cobra"

	"github.com/vigil-sh/vigil/config"
	"github.com/vigil-sh/vigil/initproc"
)

func newConfigCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Check the configuration or print a sample",
	}
	cmd.AddCommand(newConfigCheckCmd(), newConfigSampleCmd(), newConfigShowCmd())
	return cmd
}

func newConfigCheckCmd() *cobra.Command {
	var f runFlags
	cmd := &cobra.Command{
		Use:   "check [-c FILE]",
		Short: "Read the configuration as init would, and report every problem (exit 2) or none (exit 0)",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			cfg, err := configForCommand(c, &f)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.OutOrStdout(), "config OK: %d processes in %d groups\n", len(cfg.Processes()), len(cfg.Groups))
			return nil
		},
	}
	configFlags(cmd, &f)
	return cmd
}

// configFlags are the flags of the commands that read the config as init
// would.
func configFlags(cmd *cobra.Command, f *runFlags) {
	cmd.Flags().StringVarP(&f.config, "config", "c", "", "the config file (default: searched for as init does without a command)")
	cmd.Flags().StringArrayVar(&f.envFiles, "env-file", nil, "read environment variables from a .env file (repeatable)")
}

// configForCommand loads the config for config check and show; no
// programs at all is an error.
func configForCommand(c *cobra.Command, f *runFlags) (*config.Config, error) {
	if err := flagsFromEnv(c.Flags(), lookupEnv); err != nil {
		return nil, err
	}
	log, _ := initproc.NewLogger(c.ErrOrStderr(), "text", slog.LevelWarn)
	cfg, _, err := loadConfig(f, false, log)
	if err != nil {
		return nil, err
	}
	if cfg == nil || len(cfg.Processes()) == 0 {
		return nil, &exitError{code: exitUsage, msg: "no programs: give -c FILE, set VIGIL_CONFIG or define VIGIL_PROGRAM_<name>"}
	}
	return cfg, nil
}

func newConfigSampleCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "sample",
		Short: "Print an annotated sample config, like echo_supervisord_conf",
		Args:  cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			fmt.Fprint(c.OutOrStdout(), config.Sample())
			return nil
		},
	}
}
