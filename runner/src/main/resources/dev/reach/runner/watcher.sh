#!/usr/bin/env bash
# Reach job watcher: runs one job in its own session and kills the job's whole process group
# when the lease deadline passes, the timeout passes, the runner says so, or the runner is gone.
# It lives outside the JVM, so a frozen, partitioned or killed runner stops its jobs.
#
# usage: watcher.sh LEASE_DEADLINE TIMEOUT_DEADLINE COMMAND [CGROUP_PROCS [UID:GID]]
#   deadlines are absolute, in centiseconds of /proc/uptime (a monotonic clock shared with the runner)
#   CGROUP_PROCS: a memory cgroup's cgroup.procs file the job joins before it runs ("-": none)
#   UID:GID: run the job as this unprivileged user and group, without supplementary groups ("-": as us)
#   The job's oom_score_adj is 1000 (the kernel's OOM killer takes jobs before the runner); its
#   processes inherit it, the cgroup and the user, since all three are set before the command runs.
# stdin  (from the runner): "d N" new lease deadline | "k" kill (cancelled) | "i" kill (interrupted:
#        the runner is draining) | "m" kill (over its memory limit) | "c" check now
#        end of file means the runner is gone.
# stdout: the job's output (stdout and stderr merged); the watcher keeps no copy, so the runner
#         sees end of file as soon as the job's processes close it.
# fd 2   (to the runner): status lines "started PID", "killed REASON", "group empty" (the job exited and
#        nothing of its process group was left), "exit CODE".
# Reasons: self_fenced (lease deadline), timeout, cancelled, interrupted, memory_limit_exceeded, runner_gone.
set -u
deadline=$1
timeout_at=$2
cmd=$3
cgroup_procs=${4:--}
run_as=${5:--}

job=
kill_group() {
  kill -KILL -- "-$job" 2>/dev/null
}

finish_killed() {
  # once: with the runner gone, writing to it raises SIGPIPE, which must not re-enter this forever
  trap '' TERM HUP INT PIPE
  job=${job:-${!:-}} # a signal between the spawn and "job=$!" still finds the job
  # The job itself first: until setsid has run in it, it is not yet the leader of its own group,
  # so a group kill alone would miss it (it has no children yet, so killing it is enough then).
  [ -n "$job" ] && kill -KILL "$job" 2>/dev/null
  kill_group
  echo "killed $1" >&2
  wait "$job" 2>/dev/null
  echo "exit $?" >&2
  exit 0
}

# The job has exited: gone, or a zombie not reaped yet. A zombie still answers "kill -0", and bash
# was once seen (one job in ~13,000) leaving the job's zombie unreaped: the watcher then polled it as
# alive forever and the runner kept renewing a lease for a job that had ended.
job_exited() {
  kill -0 "$job" 2>/dev/null || return 0
  local stat
  read -r stat 2>/dev/null </proc/"$job"/stat || return 0
  stat=${stat##*) } # the state follows the command name, which may hold blanks and parentheses
  [ "${stat%% *}" = Z ]
}

now=0
read_now() {
  local up rest
  read -r up rest </proc/uptime
  up=${up/./}
  now=$((10#$up))
}

# A lease that ran out before the job could start (the runner froze between computing the deadline
# and spawning us, longer than the kill margin) must never run the job, not even until the first
# poll: by now the orchestrator may have given the job to another runner.
read_now
if [ "$now" -ge "$deadline" ]; then
  echo "killed self_fenced" >&2
  echo "exit 137" >&2
  exit 0
fi

# before the spawn: a runner that stops us at once must not leave the job behind
trap 'finish_killed runner_gone' TERM HUP INT PIPE

(
  # this subshell becomes the job (exec, same pid): what it sets here holds for everything the job starts
  echo 1000 >/proc/self/oom_score_adj 2>/dev/null
  if [ "$cgroup_procs" != - ] && ! echo "$BASHPID" >"$cgroup_procs"; then
    echo "reach: the job could not join its memory cgroup; not started" >&2
    exit 125
  fi
  if [ "$run_as" != - ]; then
    exec setpriv --reuid="${run_as%%:*}" --regid="${run_as##*:}" --clear-groups setsid sh -c "$cmd"
  fi
  exec setsid sh -c "$cmd"
) </dev/null 2>&1 &
job=$!
exec 1>&-
echo "started $job" >&2

poll=0.1
fast=0
pending=
while :; do
  # IFS= keeps a partial line exactly as read (a trailing blank included), see below
  if IFS= read -r -t "$poll" line; then
    line=$pending$line
    pending=
    case $line in
      "d "*)
        next=${line#d }
        case $next in
          '' | *[!0-9]*) ;; # not a number: keep the deadline we have
          *) deadline=$next ;;
        esac
        ;;
      k) finish_killed cancelled ;;
      i) finish_killed interrupted ;;
      m) finish_killed memory_limit_exceeded ;;
      c) fast=5 ;;
    esac
  else
    rc=$?
    if [ "$rc" -le 128 ]; then
      finish_killed runner_gone
    fi
    # The poll timed out in the middle of a line (bash reads a pipe a byte at a time, so a
    # line can be caught half read): bash leaves what it got in $line and the rest comes with
    # the next read. Dropping it lost that deadline renewal — the watcher then held the one
    # before and fenced the job at it although the runner had renewed in time.
    pending=$pending$line
  fi
  if job_exited; then
    trap '' TERM HUP INT PIPE # finishing anyway; once reaped, the job's pid is no longer ours to kill
    wait "$job"
    code=$?
    # leftovers of the job (its background children) die with it; a group kill that finds no
    # process at all (not even a zombie) proves the group gone, which spares the runner a /proc scan.
    # (It also fails for a group holding only processes we may not signal — set-user-ID ones of
    # another user — which could not be killed anyway.)
    kill_group || echo "group empty" >&2
    echo "exit $code" >&2
    exit 0
  fi
  read_now
  if [ "$now" -ge "$deadline" ]; then
    finish_killed self_fenced
  fi
  if [ "$now" -ge "$timeout_at" ]; then
    finish_killed timeout
  fi
  if [ "$fast" -gt 0 ]; then
    fast=$((fast - 1))
    poll=0.004
  else
    poll=0.1
  fi
done
