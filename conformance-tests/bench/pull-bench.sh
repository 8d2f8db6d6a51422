#!/usr/bin/env bash
# Pull benchmark (not part of CI): issue #15's "pull at line rate" goals. Starts Debian's docker-registry on a free
# 127.0.0.1 port, pushes a random payload twice (stored whole with --chunk-size 0, and as --chunk-size 8M chunks) with
# the first CLI given, then runs interleaved (A B C .. A B C ..) RUNS times, for every CLI given:
#   pull --output      (whole and chunked; a fresh --state-dir and no output file each run, so a full download)
#   pull --install-root (whole and chunked; a fresh install root each run)
# and the references on the same blobs: `curl -s URL | sha256sum` (whole) and one curl per chunk piped into one
# sha256sum (chunked: the same bytes, the same digest of the whole). Every figure is the median of RUNS: wall
# seconds, CPU seconds (user + system of the process tree, from wait4) and peak RSS (GNU time, MiB). Each pulled
# file is compared with the payload. Then each CLI's goals are printed as met or not.
#
# Usage: conformance-tests/bench/pull-bench.sh [NAME=]UPDATE_LAUNCHER...
#   e.g. pull-bench.sh base=/tmp/pull-dists/base/bin/update new=/tmp/pull-dists/new/bin/update
#   Build a launcher with: mvn -B -ntp -pl oras-update-cli -am package -DskipTests (oras-update-cli/target/dist);
#   copy the dist aside first, so that a build during the benchmark does not change what is measured.
#   Env: RUNS (default 5), SIZE_MB (default 200), CHUNK (default 8M), REGISTRY_BIN (see start-registry.sh),
#        START_REGISTRY (default: ../shared/scripts/start-registry.sh next to this checkout).
# Needs: docker-registry, curl, python3, GNU time (/usr/bin/time), sha256sum, split.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
(( $# >= 1 )) || { echo "usage: pull-bench.sh [NAME=]UPDATE_LAUNCHER..." >&2; exit 2; }
runs="${RUNS:-5}"
size_mb="${SIZE_MB:-200}"
chunk="${CHUNK:-8M}"
start_registry="${START_REGISTRY:-$(cd "$here/.." && pwd)/shared/scripts/start-registry.sh}"
for tool in curl python3 /usr/bin/time sha256sum split "$start_registry"; do
  command -v "$tool" >/dev/null || { echo "pull-bench: $tool is missing" >&2; exit 2; }
done
names=(); launchers=()
for arg in "$@"; do
  if [[ "$arg" == *=* ]]; then names+=("${arg%%=*}"); launchers+=("${arg#*=}")
  else names+=("update$(( ${#names[@]} + 1 ))"); launchers+=("$arg"); fi
  [[ -x "${launchers[-1]}" ]] || { echo "pull-bench: not executable: ${launchers[-1]}" >&2; exit 2; }
done

work=$(mktemp -d "${TMPDIR:-/tmp}/pull-bench.XXXXXX")
registry_dir=""
cleanup() {
  [[ -n "$registry_dir" ]] && "$start_registry" stop "$registry_dir" || true
  rm -rf "$work"
}
trap cleanup EXIT
{ read -r port; read -r _pid; read -r registry_dir; } < <("$start_registry")
base_url="http://127.0.0.1:$port"

payload="$work/payload"
head -c "$((size_mb * 1024 * 1024))" /dev/urandom > "$payload"
digest=$(sha256sum "$payload" | cut -d' ' -f1)
mkdir "$work/chunks"
split -b "$chunk" -d -a 4 "$payload" "$work/chunks/c"
chunk_digests=()
for c in "$work"/chunks/c*; do chunk_digests+=("$(sha256sum "$c" | cut -d' ' -f1)"); done
rm -rf "$work/chunks"
# An installed copy's first call also makes its class-data archive (a few seconds, once): not what is measured.
# The device's calls (pull, check, status) have an archive of their own; a status call makes it.
for l in "${launchers[@]}"; do
  for call in version "status --install-root $work/none"; do $l $call >/dev/null 2>&1 || true; $l $call >/dev/null 2>&1 || true; done
done
first=${launchers[0]}
"$first" push "127.0.0.1:$port/bench/whole" --plain-http --product bench --version 1.0.0 \
  --target linux-amd64="$payload" --channel stable --chunk-size 0 >/dev/null 2>"$work/push.log"
"$first" push "127.0.0.1:$port/bench/chunked" --plain-http --product bench --version 1.0.0 \
  --target linux-amd64="$payload" --channel stable --chunk-size "$chunk" >/dev/null 2>>"$work/push.log"
whole_url="$base_url/v2/bench/whole/blobs/sha256:$digest"
[[ "$(curl -s "$whole_url" | sha256sum | cut -d' ' -f1)" == "$digest" ]] \
  || { echo "pull-bench: the whole payload is not stored as one blob" >&2; exit 1; }
chunk_urls="$work/chunk-urls"
for d in "${chunk_digests[@]}"; do echo "$base_url/v2/bench/chunked/blobs/sha256:$d"; done > "$chunk_urls"
[[ "$(curl -s -o /dev/null -w '%{http_code}' "$(head -1 "$chunk_urls")")" == 200 ]] \
  || { echo "pull-bench: the chunked payload's chunks are not stored as $chunk blobs" >&2; exit 1; }

# measure FILE command... and median FILE COLUMN
. "$(dirname "$0")/lib.sh"

# check_sum FILE: the reference's output must be the payload's digest
check_sum() { [[ "$(cut -d' ' -f1 "$1")" == "$digest" ]] || { echo "pull-bench: a reference got a wrong digest" >&2; exit 1; }; }

# pull_output I REPO: one `pull --output` with launcher I; the file must be the payload
pull_output() {
  local i=$1 repo=$2 out="$work/out" state="$work/state"
  rm -rf "$out" "$state"
  measure "$work/${names[$i]}.$repo.output" "${launchers[$i]}" pull "127.0.0.1:$port/bench/$repo:stable" \
    --plain-http --target linux-amd64 --output "$out" --state-dir "$state"
  cmp -s "$out" "$payload" || { echo "pull-bench: ${names[$i]} pulled a wrong file ($repo)" >&2; exit 1; }
  rm -rf "$out" "$state"
}

# pull_install I REPO: one `pull --install-root` into a fresh root; the installed file must be the payload
pull_install() {
  local i=$1 repo=$2 root="$work/root"
  rm -rf "$root"; mkdir "$root"
  measure "$work/${names[$i]}.$repo.install" "${launchers[$i]}" pull "127.0.0.1:$port/bench/$repo:stable" \
    --plain-http --target linux-amd64 --install-root "$root"
  cmp -s "$root/current/payload" "$payload" \
    || { echo "pull-bench: ${names[$i]} installed a wrong file ($repo)" >&2; exit 1; }
  rm -rf "$root"
}

echo "# pull-bench: ${size_mb} MiB random payload, whole and as $chunk chunks (${#chunk_digests[@]}), registry on" \
  "127.0.0.1:$port, $runs interleaved runs, medians; $(nproc) cores"
for ((r = 1; r <= runs; r++)); do
  measure "$work/curl.whole" sh -c "curl -s '$whole_url' | sha256sum > '$work/sum'"; check_sum "$work/sum"
  measure "$work/curl.chunked" sh -c "xargs -n 1 curl -s < '$chunk_urls' | sha256sum > '$work/sum'"
  check_sum "$work/sum"
  for i in "${!launchers[@]}"; do
    pull_output "$i" whole
    pull_output "$i" chunked
    pull_install "$i" whole
    pull_install "$i" chunked
  done
done

row() { # row LABEL FILE
  printf '%-34s %8.2f %8.2f %8.0f\n' "$1" "$(median "$2" 1)" "$(median "$2" 2)" "$(( $(median "$2" 3) / 1024 ))"
}
printf '%-34s %8s %8s %8s\n' "row" "wall s" "CPU s" "RSS MiB"
row "curl | sha256sum (whole)" "$work/curl.whole"
row "curl per chunk | sha256sum" "$work/curl.chunked"
for n in "${names[@]}"; do
  row "$n pull --output (whole)" "$work/$n.whole.output"
  row "$n pull --output (chunked)" "$work/$n.chunked.output"
  row "$n pull --install-root (whole)" "$work/$n.whole.install"
  row "$n pull --install-root (chunked)" "$work/$n.chunked.install"
done

# goal NAME WHAT FILE REFERENCE_FILE LIMIT: wall time <= LIMIT x the reference's, and peak RSS <= 64 MiB
goal() {
  python3 - "$@" "$(median "$3" 1)" "$(median "$4" 1)" "$(median "$3" 3)" <<'EOF'
import sys
name, what, _, _, limit, wall, ref, rss = sys.argv[1:]
ratio = float(wall) / float(ref)
rss_mb = int(rss) / 1024
ok = ratio <= float(limit) and rss_mb <= 64
print("goal %-8s %-24s wall %.2fx curl (<= %sx), peak RSS %.0f MiB (<= 64): %s"
      % (name, what, ratio, limit, rss_mb, "met" if ok else "NOT met"))
EOF
}
for n in "${names[@]}"; do
  goal "$n" "pull whole" "$work/$n.whole.output" "$work/curl.whole" 1.2
  goal "$n" "pull chunked" "$work/$n.chunked.output" "$work/curl.chunked" 1.3
  goal "$n" "install-root whole" "$work/$n.whole.install" "$work/curl.whole" 1.2
  goal "$n" "install-root chunked" "$work/$n.chunked.install" "$work/curl.chunked" 1.3
done
