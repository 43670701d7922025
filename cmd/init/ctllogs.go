package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/vigil-sh/vigil/control"
)

// tailBytes is what tail asks for to show -n lines: the whole ring.
const tailBytes = 64 << 10

func newTailCmd(f *ctlFlags) *cobra.Command {
	var lines int
	var follow bool
	cmd := &cobra.Command{
		Use:   "tail [-f] [-n N] NAME [stdout|stderr]",
		Short: "Show the end of a program's output; -f follows it",
		Args:  cobra.RangeArgs(1, 2),
		RunE: func(c *cobra.Command, args []string) error {
			stream := "stdout"
			if len(args) == 2 {
				stream = args[1]
			}
			cl, err := dial(f)
			if err != nil {
				return err
			}
			return cl.tail(c.OutOrStdout(), args[0], stream, lines, follow, "")
		},
	}
	cmd.Flags().IntVarP(&lines, "lines", "n", 10, "how many lines")
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new output")
	return cmd
}

// tail prints the last n lines of a stream, each with prefix, and with
// follow what comes after, line by line.
func (c *client) tail(w io.Writer, name, stream string, n int, follow bool, prefix string) error {
	base := fmt.Sprintf("%s/api/v1/programs/%s/log/%s", c.base, name, stream)
	resp, err := c.logGet(name, fmt.Sprintf("%s?bytes=%d", base, tailBytes))
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	lines := strings.SplitAfter(string(body), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for _, l := range lines[max(0, len(lines)-n):] {
		io.WriteString(w, prefix+l)
	}
	if !follow {
		return nil
	}
	resp, err = c.logGet(name, base+"?follow=1&offset="+resp.Header.Get("X-Log-Offset"))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	for {
		line, err := r.ReadString('\n')
		if line != "" {
			io.WriteString(w, prefix+line)
		}
		if err != nil {
			return nil
		}
	}
}

func (c *client) logGet(name, url string) (*http.Response, error) {
	resp, err := c.http.Get(url)
	if err != nil {
		return nil, &exitError{code: exitNoServer, msg: fmt.Sprintf("%s: %v", c.path, err)}
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		var e struct{ Error control.ErrorJSON }
		json.NewDecoder(resp.Body).Decode(&e)
		return nil, &exitError{code: exitFailed, msg: fmt.Sprintf("%s: ERROR (%s)", name, e.Error.Message)}
	}
	return resp, nil
}

func newLogsCmd(f *ctlFlags) *cobra.Command {
	var follow bool
	var lines int
	cmd := &cobra.Command{
		Use:   "logs [-f]",
		Short: "Show the output of every program, prefixed with its name",
		Args:  cobra.NoArgs,
		RunE: withClient(f, func(c *cobra.Command, cl *client, _ []string) error {
			ps, err := cl.programs()
			if err != nil {
				return err
			}
			width := 0
			for _, p := range ps {
				width = max(width, len(p.Name))
			}
			out := &lockedWriter{w: c.OutOrStdout()}
			var wg sync.WaitGroup
			for _, p := range ps {
				wg.Add(1)
				go func() {
					defer wg.Done()
					prefix := p.Name + strings.Repeat(" ", width-len(p.Name)) + " | "
					cl.tail(out, p.Name, "stdout", lines, follow, prefix)
				}()
			}
			wg.Wait()
			return nil
		}),
	}
	cmd.Flags().BoolVarP(&follow, "follow", "f", false, "keep printing new output")
	cmd.Flags().IntVarP(&lines, "lines", "n", 10, "how many lines of each program")
	return cmd
}

// lockedWriter keeps the lines of concurrent tails whole.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func newPidCmd(f *ctlFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "pid [NAME|all]",
		Short: "Print init's pid, or a program's, or every program's",
		Args:  cobra.MaximumNArgs(1),
		RunE: withClient(f, func(c *cobra.Command, cl *client, args []string) error {
			if len(args) == 0 {
				_, body, err := cl.get("/api/v1/init")
				if err != nil {
					return err
				}
				var in control.InitJSON
				json.Unmarshal(body, &in)
				fmt.Fprintln(c.OutOrStdout(), in.Pid)
				return nil
			}
			ps, err := cl.selected(args)
			if err != nil {
				return err
			}
			for _, p := range ps {
				fmt.Fprintln(c.OutOrStdout(), p.Pid)
			}
			return nil
		}),
	}
}

func newAvailCmd(f *ctlFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "avail",
		Short: "List the programs of the running config",
		Args:  cobra.NoArgs,
		RunE: withClient(f, func(c *cobra.Command, cl *client, _ []string) error {
			ps, err := cl.programs()
			if err != nil {
				return err
			}
			// supervisorctl avail's columns; every program of the running
			// config is in use.
			for _, p := range ps {
				auto := map[bool]string{true: "auto", false: "manual"}[p.AutoStart]
				fmt.Fprintf(c.OutOrStdout(), "%-32s %-9s %-9s %d:%d\n", namespec(p), "in use", auto, p.Priority, p.Priority)
			}
			return nil
		}),
	}
}

func newShutdownCmd(f *ctlFlags) *cobra.Command {
	return &cobra.Command{
		Use:   "shutdown",
		Short: "Stop every program and make init exit, as SIGTERM does",
		Args:  cobra.NoArgs,
		RunE: withClient(f, func(c *cobra.Command, cl *client, _ []string) error {
			var out map[string]string
			if err := cl.post("/api/v1/shutdown", nil, &out); err != nil {
				return err
			}
			fmt.Fprintln(c.OutOrStdout(), "Shut down")
			return nil
		}),
	}
}
