package config

// Sample returns an annotated configuration in the manner of
// echo_supervisord_conf: the supervisord sections, one program, and every
// vigil extension key commented out with its default. It loads with no
// errors and no warnings.
func Sample() string { return sample }

const sample = `; Sample vigil configuration.
;
; vigil reads supervisord.conf files unchanged: every section and key that
; supervisord 4.x documents means the same here. The keys marked "vigil" are
; extensions that supervisord would reject.
;
; Notes:
;  - Environment variables expand with "%(ENV_HOME)s"; the program's own
;    name with "%(program_name)s", its index with "%(process_num)02d", the
;    directory of this file with "%(here)s". Write "%%" for a literal "%".
;  - Comments need a space before them: "a=b ;comment", not "a=b;comment".
;  - Quotes are only understood in command= (split like a shell, without a
;    shell) and in environment= (KEY="value, with comma",KEY2=value2).
;  - Programs can also be defined without a file:
;      VIGIL_PROGRAM_web="nginx -g 'daemon off;'"
;      VIGIL_PROGRAM_web__AUTORESTART=true
;    and such variables override the same key of a [program:x] below.

[unix_http_server]
file=/tmp/supervisor.sock   ; the path to the socket file
;chmod=0700                 ; socket file mode (default 0700)
;chown=nobody:nogroup       ; socket file uid:gid owner
;username=user              ; default is no username (open server)
;password=123               ; default is no password (open server)

;[inet_http_server]         ; inet (TCP) server disabled by default
;port=127.0.0.1:9001        ; ip_address:port specifier, *:port for all iface
;username=user              ; default is no username (open server)
;password=123               ; default is no password (open server)

[supervisord]
logfile=/tmp/supervisord.log ; main log file; default $CWD/supervisord.log
logfile_maxbytes=50MB        ; max main logfile bytes b4 rotation; default 50MB
logfile_backups=10           ; # of main logfile backups; 0 means none, default 10
loglevel=info                ; log level; default info; others: debug,warn,trace
pidfile=/tmp/supervisord.pid ; supervisord pidfile; default supervisord.pid
nodaemon=true                ; vigil always stays in the foreground
minfds=1024                  ; min. avail startup file descriptors; default 1024
minprocs=200                 ; min. avail process descriptors; default 200
;umask=022                   ; process file creation umask; default 022
;user=supervisord            ; setuid to this UNIX account at startup
;identifier=supervisor       ; supervisord identifier, default is 'supervisor'
;directory=/tmp              ; default is not to cd during start
;childlogdir=/tmp            ; 'AUTO' child log dir, default $TEMP
;environment=KEY="value"     ; key value pairs to add to every program's environment
;env_file=.env               ; vigil: .env files for every program, relative to this file

[rpcinterface:supervisor]
supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface

[supervisorctl]
serverurl=unix:///tmp/supervisor.sock ; use a unix:// URL for a unix socket
;serverurl=http://127.0.0.1:9001 ; use an http:// url to specify an inet socket
;username=chris              ; should be same as in [*_http_server] if set
;password=123                ; should be same as in [*_http_server] if set
;prompt=mysupervisor         ; cmd line prompt (default "supervisor")

[program:app]
command=/usr/local/bin/app --listen 127.0.0.1:8080 ; the program (relative uses PATH, can take args)
;process_name=%(program_name)s ; process_name expr (default %(program_name)s)
;numprocs=1                    ; number of processes copies to start (def 1)
;directory=/tmp                ; directory to cwd to before exec (def no cwd)
;umask=022                     ; umask for process (default None)
;priority=999                  ; the relative start priority (default 999)
;autostart=true                ; start at supervisord start (default: true)
;startsecs=1                   ; # of secs prog must stay up to be running (def. 1)
;startretries=3                ; max # of serial start failures when starting (default 3)
;autorestart=unexpected        ; when to restart if exited after running (def: unexpected)
;exitcodes=0                   ; 'expected' exit codes used with autorestart (default 0)
;stopsignal=TERM               ; signal used to kill process (default TERM)
;stopwaitsecs=10               ; max num secs to wait b4 SIGKILL (default 10)
;stopasgroup=false             ; send stop signal to the UNIX process group (default false)
;killasgroup=false             ; SIGKILL the UNIX process group (def false)
;user=nobody                   ; setuid to this UNIX account to run the program
redirect_stderr=true           ; redirect proc stderr to stdout (default false)
stdout_logfile=/dev/stdout     ; stdout log path, NONE for none; default AUTO
stdout_logfile_maxbytes=0      ; max # logfile bytes b4 rotation (default 50MB; 0 for /dev/stdout)
;stdout_logfile_backups=10     ; # of stdout logfile backups (0 means none, default 10)
;stdout_capture_maxbytes=1MB   ; number of bytes in 'capturemode' (default 0)
;stdout_events_enabled=false   ; emit events on stdout writes (default false)
;stdout_syslog=false           ; send stdout to syslog with process name (default false)
;stderr_logfile=/dev/stderr    ; stderr log path, NONE for none; default AUTO
;stderr_logfile_maxbytes=0     ; max # logfile bytes b4 rotation (default 50MB)
;stderr_logfile_backups=10     ; # of stderr logfile backups (0 means none, default 10)
;stderr_capture_maxbytes=1MB   ; number of bytes in 'capturemode' (default 0)
;stderr_events_enabled=false   ; emit events on stderr writes (default false)
;stderr_syslog=false           ; send stderr to syslog with process name (default false)
;environment=A="1",B="2"       ; process environment additions (def no adds)
;serverurl=AUTO                ; override serverurl computation (childutils)
;
; vigil extensions. Durations are whole seconds or Go durations (500ms, 1m30s).
;env_file=app.env              ; .env files, space or comma separated, relative to this file;
;                              ;   they override [supervisord] and are overridden by environment=
;log_prefix=true               ; prefix each output line with the program name (default true)
;critical=false                ; when this program stops for good (FATAL, or exits and is not
;                              ;   restarted), vigil shuts everything down and exits with its status
;restart_delay=0               ; wait before respawning a program that exited from RUNNING (default 0)
;backoff=linear                ; waits between failed starts: linear 1s,2s,3s... (supervisord) or
;                              ;   exponential 1s,2s,4s... (default linear)
;backoff_max=60s               ; cap of the exponential backoff (default 60s)
;depends_on=db,cache           ; start only once these programs or processes are ready
;ready=startsecs               ; what makes the program ready: startsecs (default), healthcheck
;                              ;   (first passing check) or notify (sd_notify READY=1)
;watchdog_timeout=0            ; with ready=notify: the sd_notify watchdog interval (default 0, off)
;healthcheck_command=/usr/local/bin/app --check ; health probe, split like command (exit 0 = healthy)
;healthcheck_http=http://127.0.0.1:8080/healthz  ; or: an HTTP GET of this URL
;healthcheck_tcp=127.0.0.1:8080                  ; or: a TCP connection to this address (set one of the three)
;healthcheck_interval=30s      ; time between checks (default 30s)
;healthcheck_timeout=30s       ; a check taking longer fails (default 30s)
;healthcheck_retries=3         ; consecutive failures that make it unhealthy (default 3)
;healthcheck_start_period=0    ; failures during this time after start do not count (default 0)
;healthcheck_restart=false     ; restart the program when it turns unhealthy (default false)

;[group:thegroupname]
;programs=progname1,progname2  ; each refers to 'x' in [program:x] definitions
;priority=999                  ; the relative start priority (default 999)

; The [include] section can just contain the "files" setting. This setting
; can list multiple files (separated by whitespace or newlines). It can also
; contain wildcards. The filenames are interpreted as relative to this file.
; Included files *cannot* include files themselves.

;[include]
;files = relative/directory/*.ini
`
