#!/usr/bin/env bash
# Builds the CLI, then publishes and installs a release through an OCI layout directory (no server needed):
# push v1.0.0 and v1.1.0 of a small program, list versions, inspect, pull the stable channel, check the bytes.
set -euo pipefail
cd "$(dirname "$0")"
# Build only when a source or POM is newer than the built CLI; Maven's output (which carries terminal escape codes
# even in batch mode) is shown only if the build fails.
jar=oras-update-cli/target/dist/lib/oras-update-cli.jar
if [ ! -f "$jar" ] || [ -n "$(find . -path '*/target' -prune -o \( -name '*.java' -o -name pom.xml -o -name update \
        -o -name '*.json' \) -newer "$jar" -print -quit)" ]; then
    echo "== building the CLI (mvn package, about a minute)"
    log=$(mktemp "${TMPDIR:-/tmp}/update-demo-build.XXXXXX")
    if ! mvn -B -q -ntp package -DskipTests >"$log" 2>&1; then
        sed 's/\x1b\[[0-9;]*m//g' "$log" >&2
        rm -f "$log"
        exit 1
    fi
    rm -f "$log"
fi
update=./bin/update
work=$(mktemp -d "${TMPDIR:-/tmp}/update-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
layout="oci:$work/releases"

printf '#!/bin/sh\necho "hello from 1.0.0"\n' > "$work/hello"
chmod +x "$work/hello"
echo "== push 1.0.0 to $layout (channel stable)"
$update push "$layout" --product hello --version 1.0.0 --target linux-amd64="$work/hello" --channel stable

printf '#!/bin/sh\necho "hello from 1.1.0"\n' > "$work/hello"
echo "== push 1.1.0 (channels stable, beta)"
$update push "$layout" --product hello --version 1.1.0 --target linux-amd64="$work/hello" --channel stable \
    --channel beta

echo "== versions"
$update versions "$layout"
echo "== inspect stable"
$update inspect "$layout:stable"
echo "== pull stable"
$update pull "$layout:stable" --target linux-amd64 --output "$work/device/hello"
"$work/device/hello"
cmp "$work/hello" "$work/device/hello" && echo "== pulled payload is byte-identical to the published one"
