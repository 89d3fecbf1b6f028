#!/usr/bin/env bash
# A throw-away single-node Slurm cluster on localhost, contained in one directory.
#
#   tests/slurm/cluster.sh start  DIR   # write DIR/slurm.conf, start munged, slurmctld, slurmd; wait until idle
#   tests/slurm/cluster.sh status DIR   # which daemons run, sinfo; exit 0 when all three run
#   tests/slurm/cluster.sh stop   DIR   # cancel jobs, kill the daemons from DIR/run/*.pid, remove runtime files
#
# Then talk to it with `SLURM_CONF=DIR/slurm.conf sbatch ...` (or `. DIR/env`).
# Nothing under /etc/slurm or /etc/munge is read or written. Needs root and Debian's
# `slurm-wlm` and `munge` packages (or the same binaries on PATH).
#
# Environment:
#   SLURMCTLD_PORT, SLURMD_PORT   ports to use (default: random unused ports in 10000-32767)
#   CLUSTER_START_TIMEOUT         seconds to wait for the node to become idle (default 60)
#   CLUSTER_CPUS                  CPUs of the node (default: nproc)
set -euo pipefail

usage() {
    echo "usage: $0 start|stop|status DIR" >&2
    exit 2
}
[[ $# -eq 2 ]] || usage
cmd=$1
[[ -n $2 ]] || usage
dir=$(realpath -m -- "$2")

conf=$dir/slurm.conf
munge_dir=$dir/munge
socket=$munge_dir/munge.socket.2
run=$dir/run
logs=$dir/log

log() { echo "cluster.sh: $*" >&2; }

need() {
    local b
    for b in "$@"; do
        command -v "$b" >/dev/null 2>&1 && continue
        [[ -x /usr/sbin/$b ]] && continue
        log "$b not found (apt-get install -y slurm-wlm munge)"
        exit 1
    done
}

# Daemons live in /usr/sbin, which is not always on a non-login root PATH.
export PATH=$PATH:/usr/sbin:/sbin
export SLURM_CONF=$conf

# True when the pid in FILE is alive and its command line mentions DIR (so a recycled pid
# of some other process is never signalled).
ours() {
    local file=$1 pid
    [[ -s $file ]] || return 1
    pid=$(<"$file")
    [[ $pid =~ ^[0-9]+$ ]] || return 1
    [[ -r /proc/$pid/cmdline ]] || return 1
    tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$dir/" || return 1
    echo "$pid"
}

used_ports() {
    # Local TCP ports in any state, from /proc so that no ss/netstat is needed.
    local _ local_addr _rest
    cat /proc/net/tcp /proc/net/tcp6 2>/dev/null |
        while read -r _ local_addr _rest; do
            [[ $local_addr == *:* && $local_addr != local_address ]] && echo $((16#${local_addr##*:}))
        done | sort -u || true
}

free_port() {
    local used=$1 port i
    for ((i = 0; i < 200; i++)); do
        # Below Linux's default ephemeral range (32768-60999), so no outgoing connection takes it.
        port=$((10000 + (RANDOM * 32768 + RANDOM) % 22768))
        if ! grep -qx "$port" <<<"$used"; then
            echo "$port"
            return
        fi
    done
    log "no free port found"
    exit 1
}

dump_logs() {
    local f
    for f in "$logs"/*.log; do
        [[ -e $f ]] || continue
        echo "===== $f (last 60 lines) =====" >&2
        tail -n 60 "$f" >&2 || true
    done
}

kill_pidfile() {
    local name=$1 file=$2 pid i
    if pid=$(ours "$file"); then
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 100; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            log "$name ($pid) ignored SIGTERM for 10 s; SIGKILL"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f -- "$file"
}

# slurmstepd processes of this cluster (forked by our slurmd, so they carry its SLURM_CONF).
stepds() {
    local p
    for p in /proc/[0-9]*; do
        [[ $(cat "$p/comm" 2>/dev/null) == slurmstepd ]] || continue
        tr '\0' '\n' <"$p/environ" 2>/dev/null | grep -qxF "SLURM_CONF=$conf" || continue
        echo "${p#/proc/}"
    done
}

stop() {
    if ours "$run/slurmctld.pid" >/dev/null; then
        # Running jobs would otherwise outlive the cluster.
        timeout 10 scancel --quiet --full --user="$(id -un)" 2>/dev/null || true
        timeout 10 scancel --quiet --user="$(id -un)" 2>/dev/null || true
    fi
    kill_pidfile slurmd "$run/slurmd.pid"
    kill_pidfile slurmctld "$run/slurmctld.pid"
    local pid
    for pid in $(stepds); do
        log "killing leftover slurmstepd $pid"
        kill -KILL "$pid" 2>/dev/null || true
    done
    kill_pidfile munged "$run/munged.pid"
    rm -rf -- "$munge_dir" "$dir/state" "$dir/spool" "$run"
}

status() {
    local rc=0 name pid
    for name in munged slurmctld slurmd; do
        if pid=$(ours "$run/$name.pid"); then
            echo "$name: running (pid $pid)"
        else
            echo "$name: not running"
            rc=3
        fi
    done
    if [[ $rc -eq 0 ]]; then
        scontrol ping || rc=3
        sinfo || rc=3
    fi
    return "$rc"
}

start() {
    need munged slurmctld slurmd scontrol sinfo
    if [[ $(id -u) -ne 0 ]]; then
        log "must run as root (slurmd starts jobs as their owner; munged and slurmd run as root here)"
        exit 1
    fi
    local name
    for name in munged slurmctld slurmd; do
        if ours "$run/$name.pid" >/dev/null; then
            log "$name of $dir already runs; stop it first"
            exit 1
        fi
    done

    # sockaddr_un holds 108 bytes, and slurmstepd sockets are spool/localhost_JOB.STEP (~35 more).
    if ((${#dir} > 70)); then
        log "DIR is too long for Unix socket paths (${#dir} > 70 characters): $dir"
        exit 1
    fi
    mkdir -p -- "$dir"
    chmod 755 "$dir"
    mkdir -p "$munge_dir" "$run" "$logs" "$dir/state" "$dir/spool"
    chmod 755 "$munge_dir" # clients need to reach the socket; the key itself is 0400

    # A fresh key for this cluster only.
    head -c 1024 /dev/urandom >"$munge_dir/munge.key"
    chmod 400 "$munge_dir/munge.key"

    local used ctld_port slurmd_port cpus
    used=$(used_ports)
    ctld_port=${SLURMCTLD_PORT:-$(free_port "$used")}
    slurmd_port=${SLURMD_PORT:-$(free_port "$used"$'\n'"$ctld_port")}
    cpus=${CLUSTER_CPUS:-$(nproc)}
    : >"$dir/plugstack.conf"

    cat >"$conf" <<CONF
# Written by tests/slurm/cluster.sh for a single-node test cluster; everything under $dir.
ClusterName=tokencensus
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$run/slurmctld.pid
SlurmdPidFile=$run/slurmd.pid
SlurmctldLogFile=$logs/slurmctld.log
SlurmdLogFile=$logs/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
PlugStackConfig=$dir/plugstack.conf
# No cgroups anywhere: processes are tracked through /proc, tasks are not confined.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Fail a job whose dependency can never be satisfied instead of leaving it pending.
DependencyParameters=kill_invalid_depend
# Finished jobs stay visible to scontrol/squeue for 10 minutes (there is no accounting).
MinJobAge=600
ReturnToService=2
SlurmdTimeout=30
SlurmctldTimeout=30
# Trust the node line below rather than the hardware slurmd detects.
SlurmdParameters=config_overrides
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF
    printf 'export SLURM_CONF=%q\n' "$conf" >"$dir/env"

    local t0=$SECONDS timeout=${CLUSTER_START_TIMEOUT:-60}
    fail() {
        log "$*"
        dump_logs
        stop
        exit 1
    }

    munged --force \
        --socket="$socket" --key-file="$munge_dir/munge.key" \
        --pid-file="$run/munged.pid" --log-file="$logs/munged.log" \
        --seed-file="$munge_dir/munged.seed" ||
        fail "munged did not start"
    until [[ -S $socket ]] && munge -n -S "$socket" 2>/dev/null | unmunge -S "$socket" >/dev/null 2>&1; do
        ((SECONDS - t0 < timeout)) || fail "munged not answering after ${timeout} s"
        sleep 0.2
    done

    # -c: start from empty state; -i: ignore unreadable state files.
    slurmctld -f "$conf" -c -i || fail "slurmctld did not start"
    until scontrol ping 2>/dev/null | grep -q "is UP"; do
        ((SECONDS - t0 < timeout)) || fail "slurmctld not answering after ${timeout} s"
        sleep 0.5
    done

    slurmd -f "$conf" -N localhost || fail "slurmd did not start"
    local state=""
    while :; do
        state=$(sinfo -h -n localhost -o %T 2>/dev/null || true)
        [[ $state == idle ]] && break
        ((SECONDS - t0 < timeout)) || fail "node state '${state}' instead of idle after ${timeout} s"
        sleep 0.5
    done
    log "up in $((SECONDS - t0)) s: SLURM_CONF=$conf (slurmctld port $ctld_port, slurmd port $slurmd_port, $cpus CPUs)"
}

case $cmd in
start) start ;;
stop) stop ;;
status) status ;;
*) usage ;;
esac
