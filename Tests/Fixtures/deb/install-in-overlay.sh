#!/bin/bash
# Installs, upgrades, removes and purges a counterd .deb in a throwaway copy of this machine: an overlay of
# / with a tmpfs on top, in a private mount namespace, so nothing reaches the real system.
#   unshare -m --propagation private Tests/Fixtures/deb/install-in-overlay.sh OLD.deb NEW.deb
set -euo pipefail
old=$1 new=$2
t=$(mktemp -d)
mount -t tmpfs tmpfs "$t"
mkdir "$t/upper" "$t/work" "$t/root"
mount -t overlay overlay -o "lowerdir=/,upperdir=$t/upper,workdir=$t/work" "$t/root"
r=$t/root
mount --bind /proc "$r/proc"
mount --bind /dev "$r/dev"
mount -t tmpfs tmpfs "$r/run"   # no /run/systemd/system and no /run/udev: scripts must cope without them
mount -t tmpfs tmpfs "$r/tmp"
cp "$old" "$r/tmp/old.deb"
cp "$new" "$r/tmp/new.deb"
inroot() { chroot "$r" "$@"; }
step() { echo "== $*"; }

step install
inroot dpkg -i /tmp/old.deb
inroot dpkg-query -W -f='version ${Version} ${Status}\n' counterd
inroot getent passwd counterd | cut -d: -f1,6,7
inroot getent group counterd | cut -d: -f1
inroot stat -c "statedir %U:%G %a" /var/lib/counterd
inroot counterctl --version
inroot counterd --version
inroot counterctl config check /usr/share/doc/counterd/counterd.toml.example --profiles /usr/share/counterd/profiles
test -f "$r/lib/systemd/system/counterd.service" && echo "unit installed"
test -f "$r/lib/udev/rules.d/62-counterd.rules" && echo "udev rules installed"
echo "database" > "$r/var/lib/counterd/counterd.sqlite"
mkdir -p "$r/etc/counterd" && echo "# admin config" > "$r/etc/counterd/counterd.toml"

step upgrade
inroot dpkg -i /tmp/new.deb
inroot dpkg-query -W -f='version ${Version} ${Status}\n' counterd
test -f "$r/var/lib/counterd/counterd.sqlite" && echo "database kept across upgrade"

step remove
inroot dpkg -r counterd
test ! -e "$r/usr/bin/counterd" && echo "binary removed"
test -f "$r/var/lib/counterd/counterd.sqlite" && echo "database kept after remove"
test -f "$r/etc/counterd/counterd.toml" && echo "config kept after remove"

step purge
inroot dpkg -P counterd
test ! -e "$r/var/lib/counterd" && echo "database removed by purge"
test ! -e "$r/etc/counterd" && echo "config removed by purge"
inroot dpkg-query -W -f='${Status}\n' counterd 2>/dev/null || echo "package gone"
echo "== done"
