// Command vulndb turns the OSV entries of a golang.org/x/vulndb module
// snapshot (its data/osv/GO-YYYY-NNNN.json files) into a local copy of the
// Go vulnerability database, in the layout govulncheck's -db file:// reads
// (https://go.dev/security/vuln/database#api):
//
//	index/db.json       {"modified": ...}
//	index/modules.json  [{"path": ..., "vulns": [{"id": ..., "modified": ...}]}]
//	index/vulns.json    [{"id": ..., "modified": ..., "aliases": [...]}]
//	ID/GO-YYYY-NNNN.json
//
// Only the uncompressed .json files are written: a file:// database is
// read without the .json.gz variants, which only the HTTP client wants.
//
// The OSV files in the vulndb repository carry a placeholder "modified"
// time (0001-01-01); the official database fills it in from the git
// history, which a module zip does not have. Such entries get the
// snapshot's commit time (the Time of the module version) instead, so the
// database's modified time, which govulncheck reports, is the snapshot's.
//
// The optional "fixed" field of the modules index is left out, so the
// client always reads the entries of a module it looks up and matches the
// version against their full ranges.
//
// Usage:
//
//	go mod download -json golang.org/x/vulndb@VERSION | go run ./.ci/vulndb -out DIR
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"time"
)

// entry holds the fields of an OSV entry the indexes need.
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
	Affected []struct {
		Package struct {
			Name      string `json:"name"`
			Ecosystem string `json:"ecosystem"`
		} `json:"package"`
	} `json:"affected"`
}

type moduleVuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
}

type module struct {
	Path  string       `json:"path"`
	Vulns []moduleVuln `json:"vulns"`
}

type vuln struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases,omitempty"`
}

var idRE = regexp.MustCompile(`^GO-\d{4}-\d{4,}$`)

// download is what "go mod download -json" prints for a module.
type download struct {
	Path, Version, Error string
	Dir                  string // the extracted module
	Info                 string // its .info file: {"Version": ..., "Time": ...}
}

func main() {
	outDir := flag.String("out", "", "directory to write the database to (created if missing)")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: go mod download -json golang.org/x/vulndb@VERSION | vulndb -out DIR")
		flag.PrintDefaults()
	}
	flag.Parse()
	if *outDir == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	var d download
	if err := json.NewDecoder(os.Stdin).Decode(&d); err != nil {
		log.Fatalf("reading go mod download -json output: %v", err)
	}
	if d.Error != "" {
		log.Fatalf("%s@%s: %s", d.Path, d.Version, d.Error)
	}
	b, err := os.ReadFile(d.Info)
	if err != nil {
		log.Fatal(err)
	}
	var info struct{ Time time.Time }
	if err := json.Unmarshal(b, &info); err != nil || info.Time.IsZero() {
		log.Fatalf("%s: no commit time (%v)", d.Info, err)
	}
	n, modules, err := build(filepath.Join(d.Dir, "data", "osv"), *outDir, info.Time.UTC())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "vulndb: %s@%s (%s): %d entries for %d modules\n",
		d.Path, d.Version, info.Time.UTC().Format(time.RFC3339), n, modules)
}

// build writes the database for the OSV entries in osvDir to outDir and
// returns the number of entries and of modules they affect.
func build(osvDir, outDir string, snapshot time.Time) (entries, modules int, err error) {
	files, err := filepath.Glob(filepath.Join(osvDir, "*.json"))
	if err != nil {
		return 0, 0, err
	}
	if len(files) == 0 {
		return 0, 0, fmt.Errorf("no OSV entries in %s", osvDir)
	}
	if err := os.MkdirAll(filepath.Join(outDir, "ID"), 0o755); err != nil {
		return 0, 0, err
	}
	if err := os.MkdirAll(filepath.Join(outDir, "index"), 0o755); err != nil {
		return 0, 0, err
	}

	var dbModified time.Time
	mods := map[string]*module{}
	vulns := map[string]*vuln{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return 0, 0, err
		}
		var e entry
		if err := json.Unmarshal(b, &e); err != nil {
			return 0, 0, fmt.Errorf("%s: %v", f, err)
		}
		if !idRE.MatchString(e.ID) || filepath.Base(f) != e.ID+".json" {
			return 0, 0, fmt.Errorf("%s: entry has ID %q", f, e.ID)
		}
		if vulns[e.ID] != nil {
			return 0, 0, fmt.Errorf("%s: ID %s appears twice", f, e.ID)
		}
		if e.Modified.IsZero() {
			e.Modified = snapshot
			// Keep every other field as it is; only "modified" changes.
			var raw map[string]json.RawMessage
			if err := json.Unmarshal(b, &raw); err != nil {
				return 0, 0, fmt.Errorf("%s: %v", f, err)
			}
			raw["modified"], _ = json.Marshal(e.Modified)
			if b, err = json.Marshal(raw); err != nil {
				return 0, 0, err
			}
		}
		if err := os.WriteFile(filepath.Join(outDir, "ID", e.ID+".json"), b, 0o644); err != nil {
			return 0, 0, err
		}

		if e.Modified.After(dbModified) {
			dbModified = e.Modified
		}
		vulns[e.ID] = &vuln{ID: e.ID, Modified: e.Modified, Aliases: e.Aliases}
		seen := map[string]bool{}
		for _, a := range e.Affected {
			p := a.Package.Name
			if a.Package.Ecosystem != "Go" || p == "" {
				return 0, 0, fmt.Errorf("%s: affected package %q in ecosystem %q", f, p, a.Package.Ecosystem)
			}
			if seen[p] {
				continue
			}
			seen[p] = true
			if mods[p] == nil {
				mods[p] = &module{Path: p}
			}
			mods[p].Vulns = append(mods[p].Vulns, moduleVuln{ID: e.ID, Modified: e.Modified})
		}
	}

	modList := make([]*module, 0, len(mods))
	for _, m := range mods {
		sort.Slice(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		modList = append(modList, m)
	}
	sort.Slice(modList, func(i, j int) bool { return modList[i].Path < modList[j].Path })
	vulnList := make([]*vuln, 0, len(vulns))
	for _, v := range vulns {
		vulnList = append(vulnList, v)
	}
	sort.Slice(vulnList, func(i, j int) bool { return vulnList[i].ID < vulnList[j].ID })

	for name, v := range map[string]any{
		"db": struct {
			Modified time.Time `json:"modified"`
		}{dbModified},
		"modules": modList,
		"vulns":   vulnList,
	} {
		b, err := json.Marshal(v)
		if err != nil {
			return 0, 0, err
		}
		if err := os.WriteFile(filepath.Join(outDir, "index", name+".json"), b, 0o644); err != nil {
			return 0, 0, err
		}
	}
	return len(vulnList), len(modList), nil
}
