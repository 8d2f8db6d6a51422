# Shared by the benchmarks (sourced): timing and medians measured the same way in each.

# measure FILE command...: runs the command, appends "<wall s> <cpu s> <max RSS KiB>" to FILE (getrusage of the
# children: user + system CPU with microsecond resolution, the largest RSS of the process tree).
measure() {
  local file=$1; shift
  python3 - "$file" "$@" <<'EOF' || { echo "$(basename "$0" .sh): failed: $* ($(tail -3 "$file.stderr"))" >&2; exit 1; }
import os, sys, time
out, cmd = sys.argv[1], sys.argv[2:]
# posix_spawn of GNU time, which runs the command: wait4 gives the CPU of exactly that tree in microseconds (GNU
# time prints hundredths), and GNU time's own small RSS bounds the peak RSS it reports from below (a Python child
# would report Python's).
err = os.open(out + ".stderr", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
null = os.open(os.devnull, os.O_WRONLY)
start = time.monotonic()
pid = os.posix_spawn("/usr/bin/time", ["/usr/bin/time", "-f", "%M", "-o", out + ".rss"] + cmd, os.environ,
                     file_actions=[(os.POSIX_SPAWN_DUP2, null, 1), (os.POSIX_SPAWN_DUP2, err, 2)])
_, status, usage = os.wait4(pid, 0)
wall = time.monotonic() - start
if os.waitstatus_to_exitcode(status) != 0:
    sys.exit(1)
rss = int(open(out + ".rss").read().split()[-1])
with open(out, "a") as f:
    f.write("%.3f %.3f %d\n" % (wall, usage.ru_utime + usage.ru_stime, rss))
EOF
}

# median FILE COLUMN: the median of a column (1 wall, 2 cpu, 3 RSS KiB) of FILE's lines
median() { sort -g -k"$2","$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'; }

