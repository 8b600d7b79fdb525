#!/bin/bash
# Builds counterd_<version>_<arch>.deb from already-built binaries.
#   packaging/build-deb.sh BINDIR OUTDIR [VERSION]
# `make deb` builds release binaries with the Swift runtime linked in statically and calls this. The
# test suite calls it with the debug binaries to check the package's layout, scripts and install.
set -euo pipefail
bindir=$(realpath "$1")
outdir=$(realpath "$2")
version=${3:-$(sed -n 's/.*static let version = "\(.*\)".*/\1/p' "$(dirname "$0")/../Sources/HallRuntime/Version.swift")}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
arch=$(dpkg --print-architecture)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root="$stage/counterd"

make -s -C "$repo" install DESTDIR="$root" PREFIX=/usr SYSCONFDIR=/etc BINDIR="$bindir" >/dev/null
# Debian 12 keeps units and udev rules under /lib (lintian: systemd-service-file-outside-lib).
mkdir -p "$root/lib/systemd" "$root/lib/udev"
mv "$root/usr/lib/systemd/system" "$root/lib/systemd/system"
mv "$root/usr/lib/udev/rules.d" "$root/lib/udev/rules.d"
rmdir "$root/usr/lib/systemd" "$root/usr/lib/udev" 2>/dev/null || true
# /etc/counterd is created by the unit (ConfigurationDirectory=) and by the administrator's config.
rmdir "$root/etc/counterd" "$root/etc" 2>/dev/null || true
strip --strip-unneeded --remove-section=.comment --remove-section=.note "$root/usr/bin/counterd" "$root/usr/bin/counterctl" "$root/usr/bin/counterd-district"

doc="$root/usr/share/doc/counterd"
install -m 0644 "$here/deb/copyright" "$doc/copyright"
install -D -m 0644 "$here/deb/lintian-overrides" "$root/usr/share/lintian/overrides/counterd"
sed "s/@VERSION@/$version/; s/@DATE@/$(date -R -u -d @"${SOURCE_DATE_EPOCH:-$(date +%s)}")/" "$here/deb/changelog" \
    | gzip -9n > "$doc/changelog.gz"
gzip -9n "$doc/README.md"
find "$root" -type d -exec chmod 0755 {} +
find "$root/usr/share" "$root/lib" -type f -exec chmod 0644 {} +

# Shared libraries the binaries need, mapped to their Debian packages.
depends=$(ldd "$root/usr/bin/counterd" "$root/usr/bin/counterctl" "$root/usr/bin/counterd-district" | awk '/=>/ {print $3}' | sort -u | while read -r lib; do
    real=$(realpath "$lib"); dpkg -S "$real" 2>/dev/null || dpkg -S "$lib" 2>/dev/null || true
done | cut -d: -f1 | sort -u | while read -r pkg; do
    v=$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null | sed 's/-[^-]*$//; s/+.*//')
    echo "$pkg (>= $v)"
done | paste -sd, | sed 's/,/, /g')
# The kiosk and screen pages name Noto Sans CJK first: its zero is plain, unlike DejaVu Sans Mono's dotted one.
depends="${depends:+$depends, }systemd, udev, init-system-helpers (>= 1.54~), fonts-noto-cjk"

mkdir -p "$root/DEBIAN"
size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
sed "s/@VERSION@/$version/; s/@ARCH@/$arch/; s/@SIZE@/$size/; s/@DEPENDS@/$depends/" "$here/deb/control.in" > "$root/DEBIAN/control"
for s in postinst prerm postrm; do install -m 0755 "$here/deb/$s" "$root/DEBIAN/$s"; done
(cd "$root" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum > DEBIAN/md5sums)
chmod 0644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"
mkdir -p "$outdir"
# DEB_COMPRESSION: dpkg-deb compression flags (the tests use a fast one for their debug binaries).
# shellcheck disable=SC2086
dpkg-deb --root-owner-group -Z${DEB_COMPRESSION:-xz} --build "$root" "$outdir/counterd_${version}_${arch}.deb" >/dev/null
echo "$outdir/counterd_${version}_${arch}.deb"
