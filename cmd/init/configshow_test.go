package main

import (
	"strings"
	"testing"

	"github.com/vigil-sh/vigil/config"
)

// config show masks the values of variables whose names look secret, in
// [supervisord] and in every program, and the [inet_http_server]
// password; other values stay readable, and the output loads again.
func TestConfigShowMasksSecrets(t *testing.T) {
	cfg, _, err := config.Parse("app.conf", []byte(`
[supervisord]
environment=DB_PASSWORD="p1",MODE="prod"
[inet_http_server]
port=127.0.0.1:9001
username=admin
password=p2
[program:web]
command=sleep 1
environment=API_TOKEN="p3",AWS_SECRET_ACCESS_KEY="p4",SSH_KEY="p5",MYSQL_PWD_PASS="p6",GITHUB_AUTH="p7",DB_CREDENTIALS="p8",db_password="p9",HOME="/home/web"
`), config.LoadOptions{Env: map[string]string{"VIGIL_PROGRAM_extra": "true", "VIGIL_PROGRAM_extra__ENVIRONMENT": `SESSION_SECRET="p10"`}})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	showConfig(&b, cfg)
	out := b.String()
	for _, secret := range []string{"p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9", "p10"} {
		if strings.Contains(out, `"`+secret+`"`) || strings.Contains(out, "="+secret+"\n") {
			t.Errorf("%s shown:\n%s", secret, out)
		}
	}
	for _, want := range []string{`MODE="prod"`, `HOME="/home/web"`, `DB_PASSWORD="****"`, "password=****\n", "username=admin\n", `SESSION_SECRET="****"`} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %s in:\n%s", want, out)
		}
	}
	if _, _, err := config.Parse("shown.conf", []byte(out), config.LoadOptions{}); err != nil {
		t.Errorf("config show's output does not load: %v\n%s", err, out)
	}
}
