#!/usr/bin/env bash
# Delta benchmark (not part of CI): for each pair of a corpus made by shared/bench/fetch-corpus.sh, prints patch
# size, make wall/CPU seconds and peak RSS, apply wall/CPU seconds and peak RSS, for `update diff`/`update patch`
# side by side with Debian bsdiff/bspatch, xdelta3 -9, zstd -19 --long=27 --patch-from and HDiffPatch (hdiffz with
# a zstd body applied by hpatchz, and hdiffz -BSD applied by Debian's bspatch), plus the new file compressed whole
# (zstd -19). Each pair's tools run interleaved (A B C .. A B C ..) RUNS times; every figure is the median.
#
# Usage: conformance-tests/bench/delta-bench.sh [--hdiffpatch DIR] CORPUS_DIR [PAIR_NAME_SUBSTRING]
#   Build first: mvn -B -q -o package -DskipTests -pl oras-update-cli -am
#   --hdiffpatch DIR: where hdiffz and hpatchz are (default: PATH; e.g. ../shared/bench/tools). HDiffPatch is a
#        reference only, never a build or test dependency; without it its rows and goals are left out.
#   Env: UPDATE (default: bin/update of this checkout), APPLY_JAVA_OPTS (default -Xmx32m, the apply heap cap),
#        RUNS (default 3), REF_RUNS (default RUNS: runs of the references other than hdiffz, whose sizes do not
#        change between runs; fewer saves an hour on a busy machine), TOOLS (default "update update-xz bsdiff xdelta3 zstd hdiffz": which rows to run;
#        "update" is our default: a zstd body from 3 MiB of new file on, xz below; "update-xz" always xz),
#        BASE_UPDATE (another build's bin/update, e.g. of main: its default row "update-base" runs interleaved with
#        ours, every run, for a before/after comparison in one run; it is not a reference for the goals).
# Columns: wall seconds, CPU seconds (user + system, from wait4: µs resolution, as hpatchz applies in milliseconds)
# and peak RSS (GNU time). On a shared machine the CPU time is the steadier comparison.
# After each pair, "goals" lines check issue #15's goals from that pair's medians: patch size against the smallest
# reference patch; apply CPU beyond the JVM's start-up (CPU of `update version`) against 4x hpatchz, and that the
# apply ran under APPLY_JAVA_OPTS; make CPU against 1.0x hdiffz-zstd and make peak RSS against hdiffz's (those
# two on the esbuild and biome pairs, as the issue sets them).
# Needs: bsdiff, bspatch, xdelta3, zstd, python3, GNU time (/usr/bin/time). Every result is checked with cmp.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
hdiffpatch=""
if [[ "${1:-}" == --hdiffpatch ]]; then
  hdiffpatch="${2:?--hdiffpatch needs a directory}"; shift 2
fi
corpus="${1:?usage: delta-bench.sh [--hdiffpatch DIR] CORPUS_DIR [PAIR_FILTER]}"
filter="${2:-}"
update="${UPDATE:-$here/bin/update}"
base_update="${BASE_UPDATE:-}"
apply_opts="${APPLY_JAVA_OPTS:--Xmx32m}"
runs="${RUNS:-3}"
ref_runs="${REF_RUNS:-$runs}"
tools=" ${TOOLS:-update update-xz bsdiff xdelta3 zstd hdiffz} "
for tool in bsdiff bspatch xdelta3 zstd python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "delta-bench: $tool is missing (apt-get install -y bsdiff xdelta3 zstd python3 time)" >&2; exit 2; }
done
hdiffz=""; hpatchz=""
if [[ -n "$hdiffpatch" ]]; then
  hdiffz="$hdiffpatch/hdiffz"; hpatchz="$hdiffpatch/hpatchz"
  [[ -x "$hdiffz" && -x "$hpatchz" ]] || { echo "delta-bench: no hdiffz/hpatchz in $hdiffpatch" >&2; exit 2; }
elif command -v hdiffz >/dev/null && command -v hpatchz >/dev/null; then
  hdiffz=$(command -v hdiffz); hpatchz=$(command -v hpatchz)
fi
if [[ -z "$hdiffz" ]]; then
  tools=${tools/ hdiffz / }
  echo "# hdiffz/hpatchz not found (--hdiffpatch DIR or PATH): HDiffPatch rows and goals left out" >&2
fi
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

# measure FILE command... and median FILE COLUMN
. "$(dirname "$0")/lib.sh"

# run_tool NAME: one make and one apply of tool NAME on the current pair; results appended to its files
run_tool() {
  local t=$1 m="$work/$1.make" a="$work/$1.apply" p="$work/$1.patch"
  case "$t" in
    update) measure "$m" "$update" diff "$old" "$new" "$p"
      UPDATE_JAVA_OPTS="$apply_opts" measure "$a" "$update" patch "$old" "$p" "$work/out" ;;
    update-base) measure "$m" "$base_update" diff "$old" "$new" "$p"
      UPDATE_JAVA_OPTS="$apply_opts" measure "$a" "$base_update" patch "$old" "$p" "$work/out" ;;
    update-xz) measure "$m" "$update" diff --compression xz "$old" "$new" "$p"
      UPDATE_JAVA_OPTS="$apply_opts" measure "$a" "$update" patch "$old" "$p" "$work/out" ;;
    bsdiff) measure "$m" bsdiff "$old" "$new" "$p"; measure "$a" bspatch "$old" "$work/out" "$p" ;;
    xdelta3) measure "$m" xdelta3 -9 -e -f -s "$old" "$new" "$p"
      measure "$a" xdelta3 -d -f -s "$old" "$p" "$work/out" ;;
    zstd) measure "$m" zstd -q -19 --long=27 -f --patch-from="$old" "$new" -o "$p"
      measure "$a" zstd -q -d --long=27 -f --patch-from="$old" "$p" -o "$work/out" ;;
    hdiffz) measure "$m" "$hdiffz" -m-6 -SD -d -f -p-1 -c-zstd-21-24 "$old" "$new" "$p"
      measure "$a" "$hpatchz" -s-3m -f "$old" "$p" "$work/out" ;;
    hdiffz-bsd) measure "$m" "$hdiffz" -m-6 -BSD -d -f -p-1 "$old" "$new" "$p"
      measure "$a" bspatch "$old" "$work/out" "$p" ;;
  esac
  cmp -s "$work/out" "$new" || { echo "delta-bench: $t rebuilt a wrong file for $name" >&2; exit 1; }
}

label() {
  case "$1" in
    update) echo "update (default)" ;; update-base) echo "base update (default)" ;; update-xz) echo "update --compression xz" ;;
    bsdiff) echo "Debian bsdiff 4.3" ;; xdelta3) echo "xdelta3 -9" ;; zstd) echo "zstd -19 --patch-from" ;;
    hdiffz) echo "hdiffz zstd / hpatchz" ;; hdiffz-bsd) echo "hdiffz -BSD / bspatch" ;;
  esac
}

# fig TOOL make|apply COLUMN: the median figure
fig() { median "$work/$1.$2" "$3"; }
ratio() { python3 -c "import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); print('%.2f' % (a / b) if b > 0 else 'inf')" "$1" "$2"; }
verdict() { python3 -c "import sys; print('met' if float(sys.argv[1]) <= float(sys.argv[2]) else 'NOT met')" "$1" "$2"; }

row() { # row TOOL
  local t=$1 size; size=$(stat -c %s "$work/$t.patch")
  printf '| %-34s | %-23s | %10s | %6.1f%% | %6s | %6s | %5.0f | %7s | %7s | %5.0f |\n' "$name" "$(label "$t")" \
    "$(numfmt --grouping "$size")" "$(python3 -c "print(100 * $size / $full)")" \
    "$(fig "$t" make 1)" "$(fig "$t" make 2)" "$(python3 -c "print($(fig "$t" make 3) / 1024)")" \
    "$(fig "$t" apply 1)" "$(fig "$t" apply 2)" "$(python3 -c "print($(fig "$t" apply 3) / 1024)")"
}

has() { [[ "$tools" == *" $1 "* ]]; }
if has hdiffz; then tools="$tools hdiffz-bsd "; fi
if [[ -n "$base_update" ]]; then tools="$tools update-base "; fi
order=(); for t in update update-base update-xz bsdiff xdelta3 zstd hdiffz hdiffz-bsd; do has "$t" && order+=("$t"); done

echo "# delta-bench $(date -u '+%F %T') UTC on $(nproc) cores; load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# update: $update; apply JVM options: $apply_opts; median of $runs interleaved runs ($ref_runs for references"
echo "# other than hdiffz zstd); sizes in bytes;"
echo "# % of the new file compressed whole (zstd -19); hdiffpatch: ${hdiffz:-none}"
# A moved launcher makes its class-data archives on its first calls (bin/update): made here, not in a measured run.
for u in "$update" $base_update; do
  "$u" version >/dev/null 2>&1 || true
  "$u" patch --help >/dev/null 2>&1 || true
done
# The JVM's start-up, subtracted from our apply CPU for the apply goal: `update version` does no work.
for ((r = 0; r < runs; r++)); do measure "$work/jvm" "$update" version; done
jvm_cpu=$(median "$work/jvm" 2)
echo "# JVM start-up (update version): $(median "$work/jvm" 1) s wall, $jvm_cpu s CPU, median of $runs"
echo
printf '| %-34s | %-23s | %10s | %7s | %6s | %6s | %5s | %7s | %7s | %5s |\n' pair tool "patch B" "% full" \
  "make s" "cpu s" "MB" "apply s" "cpu s" "MB"
echo "|------------------------------------|-------------------------|------------|---------|--------|--------|-------|---------|---------|-------|"
for pair in "$corpus"/pairs/*/; do
  name=$(basename "$pair")
  [[ -z "$filter" || "$name" == *"$filter"* ]] || continue
  old="$pair/old"; new="$pair/new"
  rm -f "$work"/*.make "$work"/*.apply
  zstd -q -19 -f "$new" -o "$work/full.zst"
  full=$(stat -c %s "$work/full.zst")
  printf '| %-34s | %-23s | %10s | %6.1f%% |        |        |       |         |         |       |\n' "$name" \
    "zstd -19 (full file)" "$(numfmt --grouping "$full")" 100
  for ((r = 0; r < runs; r++)); do
    for t in "${order[@]}"; do
      # ours and HDiffPatch's zstd row feed the time goals: every run; the other references REF_RUNS times
      if [[ $r -lt $ref_runs || "$t" == update || "$t" == update-base || "$t" == hdiffz ]]; then run_tool "$t"; fi
    done
  done
  best=""; best_tool=""
  for t in "${order[@]}"; do
    row "$t"
    if [[ "$t" != update* ]]; then
      s=$(stat -c %s "$work/$t.patch")
      if [[ -z "$best" || "$s" -lt "$best" ]]; then best=$s; best_tool=$(label "$t"); fi
    fi
  done

  big=no; [[ "$name" == esbuild* || "$name" == biome* ]] && big=yes
  for ours in update update-xz; do
    has "$ours" || continue
    out="size $(numfmt --grouping "$(stat -c %s "$work/$ours.patch")")"
    if [[ -n "$best" ]]; then
      size=$(stat -c %s "$work/$ours.patch")
      out+=" vs smallest reference $(numfmt --grouping "$best") ($best_tool): $(ratio "$size" "$best")x, $(verdict "$size" "$best")"
    fi
    beyond=$(python3 -c "print('%.3f' % max(0.0, $(fig "$ours" apply 2) - $jvm_cpu))")
    out+="; apply with $apply_opts: works"
    if has hdiffz; then
      hp=$(fig hdiffz apply 2)
      out+="; apply CPU beyond JVM start-up $beyond s vs hpatchz $hp s: $(ratio "$beyond" "$hp")x"
      [[ $big == yes ]] && out+=" ($(verdict "$beyond" "$(python3 -c "print(4 * $hp)")") at 4x)"
      hm=$(fig hdiffz make 2); hr=$(fig hdiffz make 3); om=$(fig "$ours" make 2); orss=$(fig "$ours" make 3)
      out+="; make CPU $om s vs hdiffz-zstd $hm s: $(ratio "$om" "$hm")x"
      [[ $big == yes ]] && out+=" ($(verdict "$om" "$hm") at 1.0x)"
      out+="; make RSS $((orss / 1024)) MB vs hdiffz $((hr / 1024)) MB"
      [[ $big == yes ]] && out+=" ($(verdict "$orss" "$hr"))"
    fi
    echo "| $name goals, $(label "$ours"): $out"
  done
done
echo
echo "# load after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "# the pull goals of #15 (line rate against curl | sha256sum) are measured by the pull benchmark, not here"
