#!/usr/bin/env bash
# Calls per second through the Dialtone engine, with Kamailio (a stateful proxy) as the reference point, SIPp
# placing and answering the calls on 127.0.0.1; then the engine's resident memory per 1,000 bridged calls.
#
#   bench/engine/cps-bench.sh            # after: mvn -B -q -o package -DskipTests
#
# Each rate step places STEP_SECONDS x rate calls (hold HOLD_MS) and passes when at most MAX_FAIL_PCT % of them
# fail and SIPp kept at least 90 % of the asked rate. The rate doubles from START_RATE until a step fails, then two
# bisections narrow the gap; the result of a repetition is its highest passing rate, and REPS repetitions per system
# give the median. The system under test (engine or Kamailio) runs on SUT_CPUS, both SIPps on LOAD_CPUS.
# Output: a summary on stdout and in $OUT/summary.txt, every SIPp statistics file and log under $OUT.
# Needs: java 17, sipp (sip-tester), kamailio, taskset, curl. Loopback only; everything it starts it stops.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-$ROOT/engine/target/dialtone.jar}
SCENARIOS=$ROOT/engine/src/test/resources/sipp
KAMAILIO_CFG=$ROOT/bench/engine/kamailio.cfg
OUT=${OUT:-$ROOT/bench/target/engine-cps/$(date -u +%Y%m%dT%H%M%SZ)}
REPS=${REPS:-3}
STEP_SECONDS=${STEP_SECONDS:-5}
START_RATE=${START_RATE:-250}
MAX_RATE=${MAX_RATE:-8000}
BISECTIONS=${BISECTIONS:-2}
HOLD_MS=${HOLD_MS:-0}
MAX_FAIL_PCT=${MAX_FAIL_PCT:-0.1}
SUT_CPUS=${SUT_CPUS:-1}
LOAD_CPUS=${LOAD_CPUS:-0}
SYSTEMS=${SYSTEMS:-engine kamailio}
MEM_CALLS=${MEM_CALLS:-1000}
MEM_HOLD_MS=${MEM_HOLD_MS:-30000}
JAVA_OPTS=${JAVA_OPTS:-}
# The engine's JIT compiles the call path during an uncounted warm-up at half START_RATE.
WARMUP_SECONDS=${WARMUP_SECONDS:-30}
# APP=http serves the document from a local HTTP server (python3, on LOAD_CPUS) instead of a file: URL.
APP=${APP:-file}
# MEM_CALLS=0 leaves out the memory phase.
# Kamailio's UDP worker processes (its -n).
KAMAILIO_CHILDREN=${KAMAILIO_CHILDREN:-4}
# As root, every process this script starts runs at this nice value in a scheduling group of its own; 0 turns it off.
NICE=${NICE:--10}
# JFR=1 records the engine's CPU profile during the rate steps into $OUT/engine.jfr and prints its hottest frames.
JFR=${JFR:-0}

mkdir -p "$OUT"
PIDS=()
cleanup() {
    for p in "${PIDS[@]:-}"; do
        [ -n "$p" ] && kill "$p" 2>/dev/null || true
    done
    for p in "${PIDS[@]:-}"; do
        [ -n "$p" ] && { timeout 10 tail --pid="$p" -f /dev/null 2>/dev/null || kill -9 "$p" 2>/dev/null || true; }
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "$*" | tee -a "$OUT/summary.txt"; }

PRIORITY=0
if [ "$(id -u)" = 0 ] && [ "$NICE" != 0 ]; then
    PRIORITY=1
fi
# Runs "$@" in place of the calling subshell (call it as "run ... &", so that $! is the command). On a machine
# shared with other work, a nice value alone only orders processes inside one autogroup (the session's; see
# sched(7), "The autogroup feature"), so the process gets a session of its own and the group gets the nice value.
run() {
    if [ "$PRIORITY" = 1 ]; then
        exec setsid sh -c 'echo "$0" > /proc/self/autogroup 2>/dev/null; exec nice -n "$0" "$@"' "$NICE" "$@"
    fi
    exec "$@"
}
die() { echo "cps-bench: $*" >&2; exit 2; }

for tool in java sipp kamailio taskset curl; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
[ -f "$JAR" ] || die "$JAR not found: run mvn -B -q -o package -DskipTests first"

port_free() { ! ss -Hlnu "sport = :$1" | grep -q . && ! ss -Hlnt "sport = :$1" | grep -q .; }
# A free UDP/TCP port (or the first of N consecutive ones) in 33000-59999, away from the engine's RTP range below.
free_port() {
    local n=${1:-1} base i ok
    for _ in $(seq 1 200); do
        base=$(( 33000 + (RANDOM * 2 % 27000) ))
        ok=1
        for ((i = 0; i < n; i++)); do port_free $((base + i)) || { ok=0; break; }; done
        [ "$ok" = 1 ] && { echo "$base"; return; }
    done
    die "no free port"
}

# CPU time (clock ticks) of a process and its children, threads included.
cpu_ticks() {
    local total=0 p
    for p in "$1" $(pgrep -P "$1" || true); do
        [ -r "/proc/$p/stat" ] || continue
        total=$(( total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$p/stat") ))
    done
    echo "$total"
}
# The same for one process, leaving out its JIT compiler threads: the JVM compiles the call path for minutes on a
# busy core, which a long-running engine pays once.
cpu_ticks_no_jit() {
    local total=0 f
    for f in /proc/"$1"/task/*/stat; do
        total=$(( total + $(awk '/\((C1|C2) CompilerThre\)/ { print 0; next } { sub(/^.*\) /, ""); print $12 + $13 }' "$f" 2>/dev/null || echo 0) ))
    done
    echo "$total"
}
CLK_TCK=$(getconf CLK_TCK)

# A field of the last line of a SIPp statistics file, by its column name.
stat_field() { awk -F';' -v k="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == k) c = i } END { print $c }' "$1"; }
# SIPp's hh:mm:ss:usec as milliseconds.
hms_ms() { awk -F: '{ printf "%.1f", ($1 * 3600 + $2 * 60 + $3) * 1000 + $4 / 1000 }' <<<"$1"; }

machine() {
    log "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/ { print $2 }') GB"
    log "java: $(java -version 2>&1 | head -1); sipp: $(sipp -v 2>&1 | grep -o 'SIPp v[^ ]*' | head -1); $(kamailio -v 2>&1 | head -1)"
    log "pinning: system under test on CPUs $SUT_CPUS, SIPp caller and callee on CPUs $LOAD_CPUS; priority: $([ "$PRIORITY" = 1 ] && echo "nice $NICE in autogroups of their own" || echo default)"
    log "application: $APP"
    log "steps: ${STEP_SECONDS} s each, hold ${HOLD_MS} ms, pass at <= ${MAX_FAIL_PCT} % failed calls; $REPS repetitions"
}

CALLEE_PID=
CALLEE_PORT=
start_callee() { # $1 recv timeout ms
    CALLEE_PORT=$(free_port)
    local mp
    mp=$(free_port 4)
    run taskset -c "$LOAD_CPUS" sipp -sf "$SCENARIOS/callee.xml" -key pt 0 -i 127.0.0.1 -p "$CALLEE_PORT" -mp "$mp" \
        -nostdin -recv_timeout "$1" -trace_err -error_file "$OUT/$SYSTEM-callee-errors.log" \
        >"$OUT/$SYSTEM-callee.log" 2>&1 &
    CALLEE_PID=$!
    PIDS+=("$CALLEE_PID")
    for _ in $(seq 1 100); do port_free "$CALLEE_PORT" || return 0; sleep 0.1; done
    die "SIPp callee did not bind $CALLEE_PORT"
}

SUT_PID=
SUT_PORT=
HTTP_PORT=
AUTH=
start_engine() { # $1 extra JVM options
    SUT_PORT=$(free_port)
    HTTP_PORT=$(free_port)
    local data="$OUT/engine-data-$RANDOM"
    printf '<Response><Dial><Sip>sip:uas@127.0.0.1:%s;transport=udp</Sip></Dial></Response>\n' "$CALLEE_PORT" \
        >"$OUT/app.xml"
    local url="file:$OUT/app.xml"
    if [ "$APP" = http ]; then
        local app_port
        app_port=$(free_port)
        # Answers every webhook with the document; threads, so that the engine's concurrent requests do not queue.
        run taskset -c "$LOAD_CPUS" python3 -c '
import http.server, sys
doc = open(sys.argv[2], "rb").read()
class App(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/xml")
        self.send_header("Content-Length", str(len(doc)))
        self.end_headers()
        self.wfile.write(doc)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), App).serve_forever()
' "$app_port" "$OUT/app.xml" >"$OUT/app.log" 2>&1 &
        PIDS+=("$!")
        url="http://127.0.0.1:$app_port/"
    fi
    # shellcheck disable=SC2086
    run taskset -c "$SUT_CPUS" java $JAVA_OPTS $1 -jar "$JAR" --sip-host 127.0.0.1 --sip-port "$SUT_PORT" --tls-port 0 \
        --http-port "$HTTP_PORT" --data-dir "$data" --inbound-url "$url" --rtp-ports 20000-29999 \
        >>"$OUT/engine.log" 2>&1 &
    SUT_PID=$!
    PIDS+=("$SUT_PID")
    for _ in $(seq 1 300); do
        curl -sf "http://127.0.0.1:$HTTP_PORT/health" >/dev/null 2>&1 && break
        kill -0 "$SUT_PID" 2>/dev/null || die "engine exited; see $OUT/engine.log"
        sleep 0.2
    done
    curl -sf "http://127.0.0.1:$HTTP_PORT/health" >/dev/null || die "engine not healthy within 60 s"
    AUTH="$(json_field project_id "$data/credentials.json"):$(json_field api_token "$data/credentials.json")"
}

json_field() { grep -o "\"$1\":\"[^\"]*\"" "$2" | cut -d'"' -f4; }
# A value of the engine's /metrics; empty if it cannot be read.
engine_metric() {
    curl -sf -m 5 -u "$AUTH" "http://127.0.0.1:$HTTP_PORT/metrics" | awk -v k="$1" '$1 == k { print $2 }' || true
}

start_kamailio() {
    SUT_PORT=$(free_port)
    mkdir -p "$OUT/kamailio"
    run taskset -c "$SUT_CPUS" kamailio -f "$KAMAILIO_CFG" -m 2048 -n "$KAMAILIO_CHILDREN" -DD -E -l "udp:127.0.0.1:$SUT_PORT" \
        -A "CALLEE=\"sip:127.0.0.1:$CALLEE_PORT\"" -w "$OUT/kamailio" -P "$OUT/kamailio/kamailio.pid" \
        >"$OUT/kamailio.log" 2>&1 &
    SUT_PID=$!
    PIDS+=("$SUT_PID")
    for _ in $(seq 1 100); do port_free "$SUT_PORT" || return 0; sleep 0.1; done
    die "kamailio did not bind $SUT_PORT; see $OUT/kamailio.log"
}

stop_pid() {
    kill "$1" 2>/dev/null || true
    timeout 15 tail --pid="$1" -f /dev/null 2>/dev/null || kill -9 "$1" 2>/dev/null || true
}

# Waits until the system under test holds no call (the engine says so; Kamailio's transactions just need a moment).
settle() {
    if [[ "$SYSTEM" == engine* ]]; then
        for _ in $(seq 1 150); do
            [ "$(engine_metric dialtone_calls_active)" = 0 ] && return 0
            sleep 0.2
        done
        log "  (engine still holds '$(engine_metric dialtone_calls_active)' calls after 30 s)"
    else
        sleep 2
    fi
}

STEP_PASS=0
# One rate step: prints a table row, sets STEP_PASS.
step() { # $1 rate, $2 label, $3 seconds (default STEP_SECONDS)
    local seconds=${3:-$STEP_SECONDS}
    local rate=$1 calls=$(( $1 * seconds )) name="$OUT/$SYSTEM-$2-r$1"
    local before after port mp rc=0
    port=$(free_port)
    mp=$(free_port 4)
    before=$(cpu_ticks "$SUT_PID")
    local before_no_jit
    before_no_jit=$(cpu_ticks_no_jit "$SUT_PID")
    run taskset -c "$LOAD_CPUS" timeout $(( seconds + 60 )) sipp "127.0.0.1:$SUT_PORT" -sf "$SCENARIOS/caller.xml" \
        -s app -i 127.0.0.1 -p "$port" -mp "$mp" -r "$rate" -m "$calls" -l 20000 -d "$HOLD_MS" -nostdin \
        -recv_timeout 5000 -timeout $(( seconds + 40 ))s -timeout_error -trace_stat -stf "$name.csv" -fd 1 \
        >"$name.log" 2>&1 &
    local caller=$!
    PIDS+=("$caller")
    wait "$caller" || rc=$?
    after=$(cpu_ticks "$SUT_PID")
    local after_no_jit
    after_no_jit=$(cpu_ticks_no_jit "$SUT_PID")
    local ok=0 cps=0 setup=0
    if [ -s "$name.csv" ]; then
        ok=$(stat_field "$name.csv" 'SuccessfulCall(C)')
        cps=$(stat_field "$name.csv" 'CallRate(C)')
        setup=$(hms_ms "$(stat_field "$name.csv" 'ResponseTime1(C)')")
    fi
    local failed=$(( calls - ok ))
    local fail_pct cpu_us cpu_us_no_jit=""
    fail_pct=$(awk -v f="$failed" -v n="$calls" 'BEGIN { printf "%.3f", 100 * f / n }')
    cpu_us=$(awk -v t=$(( after - before )) -v hz="$CLK_TCK" -v n="$ok" 'BEGIN { printf "%.0f", n ? t / hz * 1e6 / n : 0 }')
    if [[ "$SYSTEM" == engine* ]]; then
        cpu_us_no_jit=$(awk -v t=$(( after_no_jit - before_no_jit )) -v hz="$CLK_TCK" -v n="$ok" \
            'BEGIN { printf " (%.0f without JIT)", n ? t / hz * 1e6 / n : 0 }')
    fi
    STEP_PASS=$(awk -v p="$fail_pct" -v m="$MAX_FAIL_PCT" -v c="$cps" -v r="$rate" 'BEGIN { print (p <= m && c >= 0.9 * r) ? 1 : 0 }')
    log "$(printf '  %-9s %6d cps  %7d calls  %7d failed (%7s %%)  achieved %8.1f cps  setup avg %8s ms  SUT CPU %6s us/call%s  sipp rc %d  %s' \
        "$SYSTEM" "$rate" "$calls" "$failed" "$fail_pct" "$cps" "$setup" "$cpu_us" "$cpu_us_no_jit" "$rc" "$([ "$STEP_PASS" = 1 ] && echo pass || echo FAIL)")"
    settle
}

median() { tr ' ' '\n' | awk 'NF' | sort -n | awk '{ v[NR] = $1 } END { if (NR) print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# One repetition: doubling ramp, then bisections; prints and returns (in BEST) the highest passing rate.
BEST=0
search() { # $1 repetition, $2 earlier results of this system
    local lo=0 hi=0 rate=$START_RATE prev
    # Later repetitions skip the doublings far below what the first one reached.
    prev=$(echo "${2:-}" | median)
    while [ -n "$prev" ] && [ $(( rate * 4 )) -le "${prev%.*}" ]; do rate=$(( rate * 2 )); done
    while [ "$rate" -le "$MAX_RATE" ]; do
        step "$rate" "rep$1"
        if [ "$STEP_PASS" = 1 ]; then lo=$rate; rate=$(( rate * 2 )); else hi=$rate; break; fi
    done
    local i mid
    if [ "$hi" -gt 0 ] && [ "$lo" -gt 0 ]; then
        for ((i = 0; i < BISECTIONS; i++)); do
            mid=$(( (lo + hi) / 2 / 25 * 25 ))
            [ "$mid" -le "$lo" ] && break
            step "$mid" "rep$1"
            if [ "$STEP_PASS" = 1 ]; then lo=$mid; else hi=$mid; fi
        done
    fi
    BEST=$lo
    log "  $SYSTEM repetition $1: highest passing rate $lo cps$([ "$hi" -gt 0 ] && echo " (first failing $hi)")"
}


declare -A RESULT PID_OF PORT_OF RESULTS_OF
machine
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
# Both systems run side by side, idle but for the one under load; their repetitions alternate, so that the load the
# rest of the machine puts on them changes both results alike.
SYSTEM=callee
start_callee 10000
for SYSTEM in $SYSTEMS; do
    case $SYSTEM in
        engine) start_engine "" ;;
        kamailio) start_kamailio ;;
        *) die "unknown system $SYSTEM" ;;
    esac
    PID_OF[$SYSTEM]=$SUT_PID
    PORT_OF[$SYSTEM]=$SUT_PORT
    RESULTS_OF[$SYSTEM]=""
    if [ "$SYSTEM" = engine ]; then
        log "engine warm-up (not counted):"
        step $(( START_RATE / 2 )) warmup "$WARMUP_SECONDS"
        if [ "$JFR" = 1 ]; then jcmd "$SUT_PID" JFR.start name=cps settings=profile >/dev/null; fi
    fi
done
for ((rep = 1; rep <= REPS; rep++)); do
    for SYSTEM in $SYSTEMS; do
        log ""
        log "== $SYSTEM, repetition $rep (load average $(cut -d' ' -f1-3 /proc/loadavg))"
        SUT_PID=${PID_OF[$SYSTEM]}
        SUT_PORT=${PORT_OF[$SYSTEM]}
        search "$rep" "${RESULTS_OF[$SYSTEM]}"
        RESULTS_OF[$SYSTEM]="${RESULTS_OF[$SYSTEM]} $BEST"
    done
done
log ""
for SYSTEM in $SYSTEMS; do
    RESULT[$SYSTEM]=$(echo "${RESULTS_OF[$SYSTEM]}" | median)
    log "$SYSTEM: highest rate with <= ${MAX_FAIL_PCT} % failed calls, per repetition:${RESULTS_OF[$SYSTEM]}; median ${RESULT[$SYSTEM]} cps"
done
log "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
if [ -n "${PID_OF[engine]:-}" ] && [ "$JFR" = 1 ]; then
    jcmd "${PID_OF[engine]}" JFR.stop name=cps filename="$OUT/engine.jfr" >/dev/null
fi
for SYSTEM in $SYSTEMS; do stop_pid "${PID_OF[$SYSTEM]}"; done
stop_pid "$CALLEE_PID"

if [ "$JFR" = 1 ] && [ -f "$OUT/engine.jfr" ]; then
    log ""
    log "== engine CPU profile (JFR execution samples, top frames)"
    jfr print --events jdk.ExecutionSample --stack-depth 1 "$OUT/engine.jfr" \
        | awk '/stackTrace = \[/ { getline; sub(/^[ \t]+/, ""); sub(/line:.*/, ""); n[$0]++; total++ }
               END { for (f in n) printf "%6.1f %%  %s\n", 100 * n[f] / total, f }' \
        | sort -rn | head -25 | tee -a "$OUT/summary.txt"
    log "== engine CPU by thread (JFR thread CPU load, summed over samples, relative)"
    jfr print --events jdk.ThreadCPULoad "$OUT/engine.jfr" \
        | awk '/user = / { u = $3 } /system = / { s = $3 }
               /eventThread = / { t = $0; sub(/.*eventThread = "/, "", t); sub(/".*/, "", t); gsub(/[0-9]+/, "N", t)
                                  sub(/%/, "", u); sub(/%/, "", s); cpu[t] += u + s; total += u + s }
               END { for (t in cpu) if (total) printf "%6.1f %%  %s\n", 100 * cpu[t] / total, t }' \
        | sort -rn | head -12 | tee -a "$OUT/summary.txt"
fi

if [ -n "${RESULT[engine]:-}" ] && [ -n "${RESULT[kamailio]:-}" ] && [ "${RESULT[kamailio]}" != 0 ]; then
    log ""
    log "engine / kamailio = ${RESULT[engine]} / ${RESULT[kamailio]} = $(awk -v e="${RESULT[engine]}" -v k="${RESULT[kamailio]}" 'BEGIN { printf "%.2f", e / k }')"
fi

case "$MEM_CALLS: $SYSTEMS " in 0:*) ;; *" engine "*)
    log ""
    log "== engine memory: $MEM_CALLS bridged calls held $MEM_HOLD_MS ms"
    SYSTEM=engine-mem-callee
    start_callee $(( MEM_HOLD_MS + 20000 ))
    SYSTEM=engine
    start_engine ""
    SYSTEM=engine-mem
    step $(( START_RATE / 2 )) warmup "$WARMUP_SECONDS"
    rss_kb() { awk '/VmRSS/ { print $2 }' "/proc/$SUT_PID/status"; }
    heap_kb() { # live heap after a full collection
        jcmd "$SUT_PID" GC.run >/dev/null 2>&1 || true
        jcmd "$SUT_PID" GC.heap_info 2>/dev/null | awk '/ used / && !/Metaspace|class space/ {
            for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K,?/, "", v); sum += v } } END { print sum }'
    }
    # An ended call's transactions and dialogs stay for up to 64*T1 = 32 s (RFC 3261 17.2.2 Timer J, 17.1.1.2 Timer
    # B/H) and keep what they reference; the idle figure is taken once the warm-up's have gone.
    for _ in $(seq 1 300); do
        [ "$(engine_metric dialtone_sip_transactions_active)" = 0 ] && [ "$(engine_metric dialtone_sip_dialogs_active)" = 0 ] && break
        sleep 0.2
    done
    heap0=$(heap_kb)
    rss0=$(rss_kb)
    port=$(free_port)
    mp=$(free_port 4)
    run taskset -c "$LOAD_CPUS" timeout $(( MEM_HOLD_MS / 1000 + 90 )) sipp "127.0.0.1:$SUT_PORT" -sf "$SCENARIOS/caller.xml" \
        -s app -i 127.0.0.1 -p "$port" -mp "$mp" -r 200 -m "$MEM_CALLS" -l "$MEM_CALLS" -d "$MEM_HOLD_MS" -nostdin \
        -recv_timeout 10000 -trace_stat -stf "$OUT/engine-mem.csv" -fd 1 >"$OUT/engine-mem.log" 2>&1 &
    caller=$!
    PIDS+=("$caller")
    active=0
    for _ in $(seq 1 $(( MEM_HOLD_MS / 200 ))); do
        active=$(engine_metric dialtone_calls_active)
        [ "${active:-0}" -ge "$MEM_CALLS" ] && break
        sleep 0.2
    done
    sleep 2
    rss1=$(rss_kb)
    heap1=$(heap_kb)
    active=$(engine_metric dialtone_calls_active)
    sessions=$(engine_metric dialtone_rtp_sessions_active)
    rc=0
    wait "$caller" || rc=$?
    ok=$(stat_field "$OUT/engine-mem.csv" 'SuccessfulCall(C)')
    log "  calls active in the engine while held: $active, relay sessions: $sessions"
    log "  VmRSS idle ${rss0} kB, with the calls ${rss1} kB: $(awk -v a="$rss0" -v b="$rss1" -v n="$MEM_CALLS" 'BEGIN { printf "%.1f MB per 1,000 calls", (b - a) / 1024 * 1000 / n }')"
    log "  live heap after full GC: idle ${heap0} kB, with the calls ${heap1} kB: $(awk -v a="$heap0" -v b="$heap1" -v n="$MEM_CALLS" 'BEGIN { printf "%.1f MB per 1,000 calls", (b - a) / 1024 * 1000 / n }')"
    log "  SIPp: $ok of $MEM_CALLS calls completed (rc $rc)"
    stop_pid "$SUT_PID"
    stop_pid "$CALLEE_PID"
    ;;
esac
log ""
log "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
log "results in $OUT"
