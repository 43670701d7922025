#!/bin/sh
# The main command: init starts it once the helpers run, forwards every
# signal to it, and exits with its status.
trap 'echo "app: reloading on USR1"' USR1
trap 'echo "app: stopping"; exit 143' TERM
echo "app: started with $*"
while :; do
	sleep 1 &
	wait $!
done
