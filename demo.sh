#!/usr/bin/env bash
# Builds the CLI, then publishes and installs a release through an OCI layout directory (no server needed):
# push v1.0.0 and v1.1.0 of a small program, list versions, inspect, pull the stable channel, check the bytes.
set -euo pipefail
cd "$(dirname "$0")"
mvn -B -q -ntp package -DskipTests
update=./bin/update
work=$(mktemp -d "${TMPDIR:-/tmp}/update-demo.XXXXXX")
trap 'rm -rf "$work"' EXIT
layout="oci:$work/releases"

printf '#!/bin/sh\necho "hello from 1.0.0"\n' > "$work/hello"
chmod +x "$work/hello"
echo "== push 1.0.0 to $layout (channel stable)"
$update push "$layout" --version 1.0.0 --target linux-amd64="$work/hello" --channel stable

printf '#!/bin/sh\necho "hello from 1.1.0"\n' > "$work/hello"
echo "== push 1.1.0 (channels stable, beta)"
$update push "$layout" --version 1.1.0 --target linux-amd64="$work/hello" --channel stable --channel beta

echo "== versions"
$update versions "$layout"
echo "== inspect stable"
$update inspect "$layout:stable"
echo "== pull stable"
$update pull "$layout:stable" --target linux-amd64 --output "$work/device/hello"
"$work/device/hello"
cmp "$work/hello" "$work/device/hello" && echo "== pulled payload is byte-identical to the published one"
