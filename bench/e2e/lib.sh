# Shared by bench/e2e/run.sh and bench/e2e/compare.sh: sourced, not run.
# Everything binds 127.0.0.1; every process started here is recorded in PIDS and stopped by stop_all.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BENCH_JAR=$REPO/bench/target/dialtone-bench.jar
ENGINE_JAR=$REPO/engine/target/dialtone.jar
CLK_TCK=$(getconf CLK_TCK)
PIDS=()

log() { printf '%s %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 2; }

# Builds the jars the run needs when they are missing (offline, tests skipped).
ensure_jars() {
    local need=0
    for j in "$@"; do [[ -f $j ]] || need=1; done
    if (( need )); then
        log "building jars (mvn package -DskipTests)"
        (cd "$REPO" && mvn -B -q -o package -DskipTests -pl bench,engine -am) || die "build failed"
    fi
}

# Two cores: the measured process on core 0 (CORE_A), its peers on core 1 (CORE_B). Fewer: no pinning.
setup_cores() {
    if command -v taskset >/dev/null && (( $(nproc) >= 2 )); then
        CORE_A="taskset -c 0"; CORE_B="taskset -c 1"; PINNING="measured process on core 0, peers on core 1"
    else
        CORE_A=""; CORE_B=""; PINNING="none (one core or no taskset)"
    fi
}

# N free ports, each free for both UDP and TCP on 127.0.0.1 at the time of asking.
free_ports() {
    python3 - "$1" <<'EOF'
import socket, sys
out, held = [], []
while len(out) < int(sys.argv[1]):
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    t.bind(("127.0.0.1", 0))
    p = t.getsockname()[1]
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        u.bind(("127.0.0.1", p))
        out.append(p)
        held += [t, u]
    except OSError:
        t.close(); u.close()
print(" ".join(map(str, out)))
EOF
}

# A block of $1 consecutive free UDP ports from 10000 up, starting on an even port: "LO-HI". Above 32768 it may
# share the ephemeral range; the engine's relay skips a port taken meanwhile.
free_udp_block() {
    python3 - "$1" <<'EOF'
import socket, sys
size = int(sys.argv[1])
for lo in range(10000, 61000 - size, 1000):
    socks, ok = [], True
    for p in range(lo, lo + size):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.bind(("127.0.0.1", p))
        except OSError:
            s.close(); ok = False; break
        socks.append(s)
    for s in socks:
        s.close()
    if ok:
        print(f"{lo}-{lo + size - 1}"); sys.exit(0)
sys.exit(1)
EOF
}

# Starts "$@" in the background with stdout and stderr to $LOGFILE; sets STARTED_PID.
start_bg() {
    "$@" >"$LOGFILE" 2>&1 &
    STARTED_PID=$!
    PIDS+=("$STARTED_PID")
}

# SIGTERM, then SIGKILL after $2 seconds (default 5): the engine drains calls on SIGTERM.
stop_pid() {
    local pid=$1 grace=${2:-5}
    kill -0 "$pid" 2>/dev/null || return 0
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((grace * 10))); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 0
}

stop_all() {
    local pid
    for pid in "${PIDS[@]}"; do stop_pid "$pid"; done
    PIDS=()
}

# utime+stime of a live process, in milliseconds (all its threads).
cpu_ms() {
    awk -v tck="$CLK_TCK" '{ sub(/^.*\) /, ""); print int(($12 + $13) * 1000 / tck) }' "/proc/$1/stat"
}

# Resident set size of a live process, in KiB.
rss_kb() {
    awk '/^VmRSS:/ { print $2 }' "/proc/$1/status"
}

# Waits until $2 (a regular expression) appears in file $1, up to $3 seconds, while process $4 lives.
wait_for_line() {
    local file=$1 pattern=$2 limit=$3 pid=$4
    for _ in $(seq 1 $((limit * 10))); do
        grep -qE "$pattern" "$file" 2>/dev/null && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.1
    done
    return 1
}

machine_line() {
    local model jdk sipp
    model=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
    jdk=$(java -version 2>&1 | head -1)
    sipp=$(sipp -v 2>/dev/null | grep -o 'v[0-9][^ ]*' | head -1) || true
    echo "nproc $(nproc), $model, $jdk, SIPp $sipp, load average $(cut -d' ' -f1-3 /proc/loadavg)"
}
