#!/bin/sh
# Makes a small root filesystem from Debian's busybox-static package and
# imports it as a Docker image, so the example images build on a machine
# that can pull nothing:
#
#   images/busybox-rootfs.sh [IMAGE]      # default IMAGE: vigil-busybox
#
# The package comes from apt (apt-get download needs no root); give
# BUSYBOX_DEB=path/to/busybox-static.deb to use one you have.
set -eu
image=${1:-vigil-busybox}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

deb=${BUSYBOX_DEB:-}
if [ -z "$deb" ]; then
	# A fresh machine may have no package lists yet.
	(cd "$work" && { apt-get download busybox-static 2>/dev/null || { apt-get update -qq && apt-get download busybox-static; }; } >/dev/null)
	deb=$(ls "$work"/busybox-static_*.deb)
fi
root=$work/root
dpkg-deb -x "$deb" "$root"
rm -rf "$root/usr/share"

# One symlink per applet, in /bin, so sh, ps, sleep and httpd are found on
# the default PATH.
for applet in $("$root/bin/busybox" --list); do
	[ -e "$root/bin/$applet" ] || ln -s busybox "$root/bin/$applet"
done
mkdir -p "$root/etc" "$root/tmp" "$root/run" "$root/proc" "$root/sys" "$root/dev" "$root/var/log" "$root/home/app"
chmod 1777 "$root/tmp"
# root, and an unprivileged user for `docker run --user 1000:1000` and for
# programs with user=app.
cat >"$root/etc/passwd" <<PASSWD
root:x:0:0:root:/root:/bin/sh
app:x:1000:1000:app:/home/app:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PASSWD
cat >"$root/etc/group" <<GROUP
root:x:0:
app:x:1000:
nogroup:x:65534:
GROUP
chown 1000:1000 "$root/home/app" 2>/dev/null || true

tar -C "$root" -c . | docker import -c 'CMD ["/bin/sh"]' - "$image" >/dev/null
echo "$image"
