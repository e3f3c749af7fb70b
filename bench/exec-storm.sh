#!/usr/bin/env bash
# Exec-storm benchmark: TOTAL execs of "/bin/true TAG-i" from 2 parallel forkers, run untraced and
# then under each tracer in turn, in the same run. For each tracer it reports the share of the
# storm's execs captured, the share with exactly the right argv, the workload's slowdown against
# the untraced run, the tracer's CPU time per exec of the storm (user+sys of the tracer's own process
# while the storm ran and it drained, divided by the storm's exec count) and its peak RSS. For eBPF
# tracers also the time the kernel spent in the tracer's BPF programs: they run in the traced
# processes, so the tracer's own CPU time does not hold it (kernel.bpf_stats_enabled is switched on
# for the run and restored after; the sum of run_time_ns over the tracer's program fds), and the
# two together per exec: what the tracer costs the machine. Audit's in-kernel work (records built in
# the traced processes) has no such counter and is not in its figures.
#
# usage: sudo bench/exec-storm.sh [TOTAL] [TOOLS...]
#   TOTAL defaults to 20000; TOOLS default to every runnable one of:
#   boxtrace-ebpf boxtrace-agent boxtrace-audit boxtrace-audit-nowait boxtrace-netlink auditd auditd-nowait forkstat
#   bpftrace-count bpftrace-execsnoop libbpf-execsnoop execsnoop-bpfcc
# The audit tools (boxtrace --source audit, and Debian's auditd with equivalent rules writing its log
# as configured, only with rotation off so the run's records stay in one file) run with the
# kernel's default backlog_wait_time (a full backlog makes the workload wait) and, as *-nowait,
# with backlog_wait_time 0 (a full backlog drops records, counted by the kernel's lost counter).
# BUSY=1 in the environment keeps one more process spinning on a core for the whole run (the
# untraced storm included): the "other core busy" case, where a tracer's CPU competes with work.
# Results: bench/out/exec-storm-<date>.md (and on stdout).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
total=${1:-20000}
shift || true
tools=("$@")
[ ${#tools[@]} -gt 0 ] || tools=(boxtrace-ebpf boxtrace-agent boxtrace-audit boxtrace-audit-nowait boxtrace-netlink auditd auditd-nowait forkstat bpftrace-count bpftrace-execsnoop libbpf-execsnoop execsnoop-bpfcc)
[ "$(id -u)" -eq 0 ] || { echo "exec-storm: run as root (the tracers need it)" >&2; exit 3; }

out="$here/out"; mkdir -p "$out"
work=$(mktemp -d)
stats_before=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo 0)
trap 'rm -rf "$work"; sysctl -qw kernel.bpf_stats_enabled="$stats_before" 2>/dev/null || true' EXIT
sysctl -qw kernel.bpf_stats_enabled=1 2>/dev/null || echo "exec-storm: no kernel.bpf_stats_enabled: in-kernel BPF time not measured" >&2
gcc -O2 -o "$work/storm" "$here/storm.c"
mountpoint -q /sys/kernel/tracing || mount -t tracefs tracefs /sys/kernel/tracing
half=$((total / 2))

# Runs the storm once; prints its wall time in seconds.
storm() {
  local tag=$1 t0 t1
  t0=$(date +%s%N)
  "$work/storm" "$tag" 0 "$half" & local a=$!
  "$work/storm" "$tag" "$half" $((total - half)) & local b=$!
  wait $a $b
  t1=$(date +%s%N)
  echo "scale=3; ($t1 - $t0) / 1000000000" | bc
}

# CPU ticks (utime+stime) of a process and its threads, and its peak RSS in KiB.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat" 2>/dev/null || echo 0; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
peak_rss() { awk '/^VmHWM/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# ns the kernel spent in a process's BPF programs so far: run_time_ns of each program it holds an
# fd of, once per program id (an fd may be duplicated; a link fd names its program but has no run time).
bpf_ns() {
  local f
  for f in /proc/"$1"/fdinfo/*; do
    awk '/^prog_id:/ {id = $2} /^run_time_ns:/ {t = $2} END {if (id != "" && t != "") print id, t}' "$f" 2>/dev/null
  done | sort -u -k1,1 | awk '{s += $2} END {print s + 0}'
}

# The kernel's audit settings, restored after each audit tool.
audit_field() { auditctl -s | awk -v k="$1" '$1 == k {print $2}'; }
audit_saved=""
audit_prepare() {  # name
  audit_saved="$(audit_field enabled) $(audit_field backlog_limit) $(audit_field backlog_wait_time)"
  [ "$(audit_field pid)" = 0 ] || echo "exec-storm: an audit daemon already runs (pid $(audit_field pid))" >&2
  case "$1" in *-nowait) auditctl --backlog_wait_time 0 >/dev/null ;; esac
  # Debian's auditd rules set a backlog of 8192 (-b 8192); boxtrace raises a smaller one to that itself.
  case "$1" in auditd*) auditctl -b 8192 >/dev/null ;; esac
}
audit_restore() {
  read -r en bl bw <<<"$audit_saved"
  auditctl -D -k bt-bench >/dev/null 2>&1 || true
  auditctl -b "$bl" >/dev/null; auditctl --backlog_wait_time "$bw" >/dev/null; auditctl -e "$en" >/dev/null
}
# auditd.conf as shipped, but logging to the run's file without rotation.
auditd_conf() {
  mkdir -p "$work/auditd"
  sed -e "s|^log_file = .*|log_file = $1|" -e 's|^max_log_file = .*|max_log_file = 4000|' \
      -e 's|^max_log_file_action = .*|max_log_file_action = IGNORE|' /etc/audit/auditd.conf >"$work/auditd/auditd.conf"
  chmod 640 "$work/auditd/auditd.conf"
}
# The rules boxtrace --source audit installs, for auditd.
auditd_rules() {
  local sc=execve,execveat,clone,clone3,fork,vfork,exit_group,unshare,setns,pivot_root,chroot
  auditctl -a always,exit -F arch=b64 -S $sc -k bt-bench >/dev/null
  auditctl -a always,exit -F arch=b32 -S $sc -k bt-bench >/dev/null
}

start_tool() {  # sets tool_pid; output to $1
  local name=$2
  case "$name" in
    boxtrace-ebpf)     "$root/boxtrace" trace --json --source ebpf -o "$1" 2>"$1.err" & ;;
    boxtrace-netlink)  "$root/boxtrace" trace --json --source netlink -o "$1" 2>"$1.err" & ;;
    boxtrace-agent)    "$root/boxtrace" agent --source ebpf -o "$1" --rotate-size 4G --metrics "127.0.0.1:$(free_port)" \
                         >/dev/null 2>"$1.err" & ;;
    boxtrace-audit*)   "$root/boxtrace" trace --json --source audit -o "$1" 2>"$1.err" & ;;
    auditd*)           auditd_conf "$1"; auditd -n -c "$work/auditd" >"$1.stdout" 2>"$1.err" & ;;
    forkstat)          forkstat -e exec >"$1" 2>"$1.err" & ;;
    bpftrace-count)    bpftrace -e 'tracepoint:sched:sched_process_exec { @execs = count(); }' >"$1" 2>"$1.err" & ;;
    bpftrace-execsnoop) bpftrace /usr/sbin/execsnoop.bt >"$1" 2>"$1.err" & ;;
    libbpf-execsnoop)  stdbuf -oL /usr/sbin/execsnoop >"$1" 2>"$1.err" & ;;
    execsnoop-bpfcc)   execsnoop-bpfcc >"$1" 2>"$1.err" & ;;
  esac
  tool_pid=$!
}

# Waits until the tool has attached (its output or stderr shows life) or it died.
wait_ready() {
  local pid=$1 file=$2 name=$3
  for _ in $(seq 1 150); do
    kill -0 "$pid" 2>/dev/null || return 1
    case "$name" in
      boxtrace-*) grep -q 'source' "$file.err" 2>/dev/null && { sleep 1; return 0; } ;;
      auditd*) [ "$(audit_field pid)" = "$pid" ] && { auditd_rules; sleep 1; return 0; } ;;
      bpftrace-*) grep -q 'Attaching' "$file" "$file.err" 2>/dev/null && { sleep 1; return 0; } ;;
      *) [ -s "$file" ] && { sleep 1; return 0; } ;;
    esac
    sleep 0.2
  done
  sleep 1
  kill -0 "$pid" 2>/dev/null
}

if [ -n "${BUSY:-}" ]; then
  bash -c 'while :; do :; done' & spinner=$!
  trap 'kill "$spinner" 2>/dev/null; rm -rf "$work"; sysctl -qw kernel.bpf_stats_enabled="$stats_before" 2>/dev/null || true' EXIT
fi
echo "exec-storm: $total execs from 2 forkers on $(nproc) cores, kernel $(uname -r)${BUSY:+, one core kept busy}" >&2
base=$(storm "WARMUP$$")  # warm the page cache and the fork path
base=$(storm "BASE$$")
echo "untraced: ${base}s" >&2

report="$out/exec-storm-$(date -u +%Y%m%dT%H%M%SZ).md"
{
  echo "# exec storm: $total execs of /bin/true TAG-i from 2 parallel forkers"
  echo
  echo "$(date -u +%FT%TZ), kernel $(uname -r), $(nproc) cores${BUSY:+, one core kept busy by a spinning process}. Untraced storm: ${base} s."
  echo
  echo "| tool | captured | argv exact | slowdown | tool CPU µs per exec | tool CPU µs per event | in-kernel BPF µs per exec | tool + BPF µs per exec | peak RSS MiB | note |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
} >"$report"

hz=$(getconf CLK_TCK)
for name in "${tools[@]}"; do
  file="$work/$name.out"
  tag="T$$x${name//-/}"
  case "$name" in boxtrace-audit*|auditd*) audit_prepare "$name"; lost0=$(audit_field lost) ;; esac
  start_tool "$file" "$name"
  if ! wait_ready "$tool_pid" "$file" "$name"; then
    note=$(tail -1 "$file.err" 2>/dev/null | tr '|' '/' | cut -c1-120)
    echo "| $name | - | - | - | - | - | - | - | - | not runnable here: ${note:-exited} |" >>"$report"
    echo "$name: not runnable: $note" >&2
    case "$name" in boxtrace-audit*|auditd*) audit_restore ;; esac
    continue
  fi
  # For wrapper scripts (bpftrace, python), the tracer is the process itself; for boxtrace the launcher execs java.
  c0=$(cpu_ticks "$tool_pid")
  k0=$(bpf_ns "$tool_pid")
  secs=$(storm "$tag")
  sleep 2  # let the tool drain what it buffered
  died=""
  kill -0 "$tool_pid" 2>/dev/null || died="exited during the storm"
  c1=$(cpu_ticks "$tool_pid")
  k1=$(bpf_ns "$tool_pid")
  rss=$(peak_rss "$tool_pid")
  # SIGTERM, not SIGINT: a background job of a non-interactive shell has SIGINT ignored, and the JVM
  # (like other programs that respect an inherited SIG_IGN) would never see it.
  kill -TERM "$tool_pid" 2>/dev/null || true
  wait "$tool_pid" 2>/dev/null || true
  case "$name" in boxtrace-audit*|auditd*) kernel_lost=$(( $(audit_field lost) - lost0 )); audit_restore ;; esac
  read -r captured correct < <(python3 "$here/analyse.py" "$name" "$file" "$tag" "$total")
  if [ "$name" = bpftrace-count ]; then
    captured=$(grep -o '@execs: [0-9]*' "$file" | awk '{print $2}'); correct="-"
    note="count only (includes other execs on the host)"
  else
    note=""
  fi
  lost=$(grep -o '"lost":[0-9]*' "$file" 2>/dev/null | tail -1 | cut -d: -f2 || true)
  [ -n "$lost" ] && note="lost reported: $lost"
  case "$name" in boxtrace-audit*|auditd*) note="${note:+$note; }kernel audit lost counter +$kernel_lost" ;; esac
  [ -n "$died" ] && note="$died"
  slow=$(echo "scale=3; $secs / $base" | bc)
  # CPU per exec of the storm (the same denominator for every tool, whatever it captured), and per
  # event the tool reported about the storm (boxtrace reports fork, exec and exit; execsnoops one line).
  cpu_us=$(echo "scale=1; ($c1 - $c0) * 1000000 / $hz / $total" | bc)
  out_events=$(python3 "$here/count_events.py" "$name" "$file")
  [ "$out_events" -gt 0 ] 2>/dev/null && cpu_ev=$(echo "scale=1; ($c1 - $c0) * 1000000 / $hz / $out_events" | bc) || cpu_ev="-"
  pct() { [ "$1" = "-" ] && echo "-" || echo "$(echo "scale=2; 100 * $1 / $total" | bc)%"; }
  if [ "$k1" -gt "$k0" ]; then
    bpf_us=$(echo "scale=1; ($k1 - $k0) / 1000 / $total" | bc)
    all_us=$(echo "scale=1; $cpu_us + $bpf_us" | bc)
  else
    bpf_us="-"; all_us="$cpu_us"
  fi
  echo "| $name | $(pct "$captured") | $(pct "$correct") | ${slow}x | $cpu_us | $cpu_ev | $bpf_us | $all_us | $((rss / 1024)) | $note |" >>"$report"
  echo "$name: captured $captured, argv exact $correct, storm ${secs}s" >&2
done
cat "$report"
