#!/bin/sh
# A worker that finishes its job when told to stop: the last line it
# prints reaches the container's log.
trap 'echo "stopping after job $i"; exit 0' TERM
i=0
while :; do
	i=$((i + 1))
	echo "job $i done"
	# sleep in the background so that the trap runs at once.
	sleep 1 &
	wait $!
done
