#!/bin/bash
# make district-demo: a private PostgreSQL, counterd-district and three demo halls (a district centre, a
# street centre and a community centre, each `counterd --demo` with simulated traffic) shipping to it.
# Everything lives in a temporary directory and stops on Ctrl-C; no system PostgreSQL cluster is touched.
set -euo pipefail
bin=${BIN:-.build/debug}
pgbin=/usr/lib/postgresql/15/bin
[ -x "$pgbin/initdb" ] || { echo "PostgreSQL 15 is missing: make district-demo installs it (Debian's postgresql)"; exit 1; }
work=$(mktemp -d /tmp/counterd-district-demo-XXXXXX)
port=${PGPORT_DEMO:-25432}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pids=()
cleanup() {
    # Halls first, then the district, then PostgreSQL.
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[i]}" 2>/dev/null || true; wait "${pids[i]}" 2>/dev/null || true; done
    as_pg "$pgbin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT INT TERM
[ "$(id -u)" = 0 ] && chown postgres: "$work"
as_pg "$pgbin/initdb" -D "$work/pg" -A trust -U postgres -E UTF8 --no-sync >/dev/null
as_pg "$pgbin/pg_ctl" -D "$work/pg" -o "-p $port -k $work -c listen_addresses=''" -l "$work/pg.log" -w start >/dev/null
as_pg "$pgbin/createdb" -h "$work" -p "$port" -U postgres counterd_district

hash() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }
cat > "$work/district.toml" <<TOML
[server]
host = "127.0.0.1"
port = 8090
[database]
socket_dir = "$work"
port = $port
user = "postgres"
name = "counterd_district"
[alerts]
silent_after_minutes = 2
[[tokens]]
role = "manager"
sha256 = "$(hash demo-district)"
TOML
halls=("qu:示范区政务服务中心:district::8081" "jd-01:示范街道便民服务中心:street:qu:8082" "sq-01:示范社区便民服务站:community:jd-01:8083")
for h in "${halls[@]}"; do
    IFS=: read -r id name level parent _ <<<"$h"
    printf '[[halls]]\nid = "%s"\nname = "%s"\nlevel = "%s"\n%stoken_sha256 = "%s"\n' "$id" "$name" "$level" \
        "${parent:+parent = \"$parent\"
}" "$(hash "demo-token-$id")" >> "$work/district.toml"
done
"$bin/counterd-district" --config "$work/district.toml" --log-level notice &
pids+=($!)
voice=""
[ -f demo-data/voice/请.wav ] && voice=demo-data/voice
for h in "${halls[@]}"; do
    IFS=: read -r id name level parent hport <<<"$h"
    mkdir -p "$work/$id"
    printf 'demo-token-%s' "$id" > "$work/$id/token"
    chmod 600 "$work/$id/token"
    sed "s|^name = \"示范区政务服务中心\"|name = \"$name\"|" config/demo.toml > "$work/$id/counterd.toml"
    printf '\n[district]\nurl = "http://127.0.0.1:8090"\nhall_id = "%s"\ntoken_file = "%s"\nlevel = "%s"\n%s' "$id" "$work/$id/token" "$level" \
        "${parent:+parent = \"$parent\"
}" >> "$work/$id/counterd.toml"
    "$bin/counterd" --config "$work/$id/counterd.toml" --database "$work/$id/hall.sqlite" --runtime-dir "$work/$id/run" \
        --profiles profiles --platforms platforms ${voice:+--voice-pack "$voice"} --listen "127.0.0.1:$hport" --no-udev --demo --demo-seed "$hport" --log-level warning &
    pids+=($!)
done
sleep 2
cat <<TEXT

  District dashboard:  http://127.0.0.1:8090/#token=demo-district
  Halls (demo):        http://127.0.0.1:8081/dashboard?token=demo-manager  (also 8082, 8083)
  Link health (API):   curl -H 'Authorization: Bearer demo-district' http://127.0.0.1:8090/api/v1/halls
  PostgreSQL:          psql -h $work -p $port -U postgres counterd_district

  Ctrl-C stops everything and removes $work.
TEXT
wait
