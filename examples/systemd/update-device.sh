#!/bin/sh
# One poll of a device: a cheap 'update check' (HEAD requests only when nothing changed), then an install only
# when the check says so. Run by update-device.service; settings come from /etc/default/update-device.
set -eu

: "${UPDATE_REF:?set UPDATE_REF, e.g. registry.example.com/acme/app:stable}"
: "${UPDATE_TARGET:?set UPDATE_TARGET, e.g. linux-amd64}"
: "${UPDATE_INSTALL_ROOT:?set UPDATE_INSTALL_ROOT, e.g. /opt/app}"
UPDATE=${UPDATE:-update}

# UPDATE_WINDOWS: space-separated HH:MM-HH:MM windows in the device's local time (empty: any time)
window_flags=""
for w in ${UPDATE_WINDOWS:-}; do
    window_flags="$window_flags --window $w"
done
# UPDATE_OPTIONS: anything else both commands need, e.g. "--key /etc/update/release.pub" or "--plain-http"
# A failing check (network, verification: see the exit codes in the README) ends the run with its exit code.
# shellcheck disable=SC2086 # word splitting of the flag lists is intended
checked=$("$UPDATE" check "$UPDATE_REF" --target "$UPDATE_TARGET" --install-root "$UPDATE_INSTALL_ROOT" \
    $window_flags ${UPDATE_OPTIONS:-} --json)
status=$(printf '%s\n' "$checked" | sed -n 's/.*"status" *: *"\([a-z-]*\)".*/\1/p')

install() {
    # shellcheck disable=SC2086
    "$UPDATE" pull "$UPDATE_REF" --target "$UPDATE_TARGET" --install-root "$UPDATE_INSTALL_ROOT" $window_flags \
        ${UPDATE_OPTIONS:-} --health-cmd "${UPDATE_HEALTH_CMD:-true}" \
        --health-timeout "${UPDATE_HEALTH_TIMEOUT:-30}" "$@"
}

case "$status" in
    available) install ;;                 # in the rollout, inside a window (or critical): install now
    deferred) install --prefetch ;;       # outside the window: download and verify now, install offline later
    up-to-date | not-eligible) echo "update: $status" ;;
    *) echo "update: check gave no status" >&2; exit 1 ;;
esac
