package config

import (
	"os"
	"testing"
)

// FuzzParse checks that no input makes the parser panic, and that a
// successful load always comes with a config and a failed one without.
func FuzzParse(f *testing.F) {
	f.Add(Sample(), "")
	f.Add("[program:w]\ncommand=%(process_num)02d\nnumprocs=2\nprocess_name=%(program_name)s%(process_num)d\n", "x")
	f.Add("[program:a]\ncommand=a\ndepends_on=b\n[program:b]\ncommand=b\ndepends_on=a\n", "")
	f.Add("[supervisord]\nenvironment=A=\"1\",B='x,y'\n[group:g]\nprograms=a\n", "%(")
	if data, err := os.ReadFile("testdata/echo_supervisord_conf.conf"); err == nil {
		f.Add(string(data), "")
	}
	f.Fuzz(func(t *testing.T, text, envValue string) {
		env := map[string]string{"VIGIL_PROGRAM_f": envValue, "VIGIL_PROGRAM_f__NUMPROCS": envValue, "HOME": envValue}
		c, _, err := Parse("fuzz.conf", []byte(text), LoadOptions{Env: env})
		if (c == nil) == (err == nil) {
			t.Fatalf("config %v with error %v", c, err)
		}
		if c != nil {
			c.Processes()
		}
	})
}

func FuzzReadEnvFile(f *testing.F) {
	f.Add("A=1\nB=\"x\ny\"\n")
	f.Add("A=1\nbad line\n")
	f.Fuzz(func(t *testing.T, text string) {
		m, err := parseEnvFile("f.env", []byte(text))
		if err != nil {
			if e, ok := err.(*Error); !ok || e.Pos.Line < 1 {
				t.Fatalf("error %v without a line", err)
			}
		} else if m == nil {
			t.Fatal("nil map without error")
		}
	})
}
