#!/usr/bin/env bash
# Audio through the Dialtone engine: bridged calls carrying RTP both ways, on 127.0.0.1.
#
#   bench/engine/media-bench.sh          # after: mvn -B -q -o package -DskipTests
#
# dialtone-bench load --rtp places CALLS calls (rate RATE, held HOLD_MS) to the engine, whose cXML dials a SIPp callee
# that echoes every RTP packet (-rtp_echo). Each call sends PCMU at 50 packets/s and checks the echo, so the engine
# relays 4 packets per 20 ms per call (caller -> callee, echo -> caller, on both legs). While all calls are up, the
# engine's CPU time and its relayed-packet counter give the CPU per relayed packet; the load report gives loss,
# round trip and jitter. The engine runs on SUT_CPUS, the load tool and SIPp on LOAD_CPUS.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
JAR=${JAR:-$ROOT/engine/target/dialtone.jar}
BENCH_JAR=${BENCH_JAR:-$ROOT/bench/target/dialtone-bench.jar}
SCENARIOS=$ROOT/engine/src/test/resources/sipp
OUT=${OUT:-$ROOT/bench/target/engine-media/$(date -u +%Y%m%dT%H%M%SZ)}
LEVELS=${LEVELS:-100 250 500}
RATE=${RATE:-100}
HOLD_MS=${HOLD_MS:-15000}
SUT_CPUS=${SUT_CPUS:-1}
LOAD_CPUS=${LOAD_CPUS:-0}
NICE=${NICE:--10}

mkdir -p "$OUT"
PIDS=()
cleanup() {
    for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
log() { echo "$*" | tee -a "$OUT/summary.txt"; }
die() { echo "media-bench: $*" >&2; exit 2; }
for tool in java sipp taskset curl jq; do command -v "$tool" >/dev/null || die "$tool is not installed"; done
[ -f "$JAR" ] && [ -f "$BENCH_JAR" ] || die "jars not found: run mvn -B -q -o package -DskipTests first"

PRIORITY=0
if [ "$(id -u)" = 0 ] && [ "$NICE" != 0 ]; then PRIORITY=1; fi
# As in cps-bench.sh: a session (autogroup) of its own at nice NICE; call as "run ... &".
run() {
    if [ "$PRIORITY" = 1 ]; then
        exec setsid sh -c 'echo "$0" > /proc/self/autogroup 2>/dev/null; exec nice -n "$0" "$@"' "$NICE" "$@"
    fi
    exec "$@"
}
port_free() { ! ss -Hlnu "sport = :$1" | grep -q . && ! ss -Hlnt "sport = :$1" | grep -q .; }
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
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
CLK_TCK=$(getconf CLK_TCK)

log "machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(java -version 2>&1 | head -1)"
log "engine on CPUs $SUT_CPUS; load tool and SIPp echo on CPUs $LOAD_CPUS; calls at $RATE cps held $HOLD_MS ms"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"

callee_port=$(free_port)
echo_port=$(free_port 4)
run taskset -c "$LOAD_CPUS" sipp -sf "$SCENARIOS/callee.xml" -key pt 0 -i 127.0.0.1 -p "$callee_port" -mp "$echo_port" \
    -rtp_echo -nostdin -recv_timeout $(( HOLD_MS + 30000 )) >"$OUT/callee.log" 2>&1 &
PIDS+=("$!")
sip_port=$(free_port)
http_port=$(free_port)
printf '<Response><Dial><Sip>sip:uas@127.0.0.1:%s;transport=udp</Sip></Dial></Response>\n' "$callee_port" >"$OUT/app.xml"
run taskset -c "$SUT_CPUS" java -jar "$JAR" --sip-host 127.0.0.1 --sip-port "$sip_port" --tls-port 0 \
    --http-port "$http_port" --data-dir "$OUT/engine-data" --inbound-url "file:$OUT/app.xml" --rtp-ports 20000-29999 \
    >"$OUT/engine.log" 2>&1 &
engine=$!
PIDS+=("$engine")
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$http_port/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$http_port/health" >/dev/null || die "engine not healthy"
auth="$(grep -o '"project_id":"[^"]*"' "$OUT/engine-data/credentials.json" | cut -d'"' -f4):$(grep -o '"api_token":"[^"]*"' "$OUT/engine-data/credentials.json" | cut -d'"' -f4)"
metric() { curl -sf -m 5 -u "$auth" "http://127.0.0.1:$http_port/metrics" | awk -v k="$1" '$1 == k { print $2 }' || true; }

load() { # $1 calls, $2 report name, $3 hold ms
    run taskset -c "$LOAD_CPUS" java -jar "$BENCH_JAR" load --target "sip:app@127.0.0.1:$sip_port" --rate "$RATE" \
        --calls "$1" --hold "$3" --rtp --max-failure-rate 100 --report "$OUT/$2.json" >"$OUT/$2.log" 2>&1 &
    LOAD_PID=$!
    PIDS+=("$LOAD_PID")
}

# Warm-up: the engine's JIT compiles the call and relay paths; not counted.
load 200 warmup 5000
wait "$LOAD_PID" || true

log ""
log "| calls | packets relayed/s | engine CPU | µs/packet | loss % | round trip p50 / p99 | jitter p99 | failed calls |"
log "|------:|------------------:|-----------:|----------:|-------:|---------------------:|-----------:|-------------:|"
for calls in $LEVELS; do
    ramp_ms=$(( calls * 1000 / RATE ))
    load "$calls" "calls-$calls" "$HOLD_MS"
    p=$LOAD_PID
    # Measure while every call is up: from 1 s after the last one started to 2 s before the first one ends.
    sleep $(( (ramp_ms + 1000) / 1000 ))
    t0=$(date +%s.%N); c0=$(cpu_ticks "$engine"); r0=$(metric dialtone_rtp_packets_relayed_total)
    sleep $(( (HOLD_MS - ramp_ms - 3000) / 1000 ))
    t1=$(date +%s.%N); c1=$(cpu_ticks "$engine"); r1=$(metric dialtone_rtp_packets_relayed_total)
    active=$(metric dialtone_calls_active)
    wait "$p" || true
    j="$OUT/calls-$calls.json"
    row=$(awk -v t0="$t0" -v t1="$t1" -v c0="$c0" -v c1="$c1" -v r0="${r0:-0}" -v r1="${r1:-0}" -v hz="$CLK_TCK" 'BEGIN {
        s = t1 - t0; pk = r1 - r0; cpu = (c1 - c0) / hz
        printf "%d | %.1f %% | %.2f", pk / s, 100 * cpu / s, pk ? cpu * 1e6 / pk : 0 }')
    rtp=$(jq -r '[.rtp.lossPercent, .rtp.roundTrip.p50, .rtp.roundTrip.p99, .rtp.jitter.p99] | map(tostring) | join(" ")' "$j" 2>/dev/null || echo "? ? ? ?")
    failed=$(jq -r '.counts.failed' "$j" 2>/dev/null || echo "?")
    read -r lost rt50 rt99 jit99 <<<"$rtp"
    log "| $calls ($active up) | $row | $lost | $rt50 / $rt99 ms | $jit99 ms | $failed |"
done
log ""
log "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
log "results in $OUT"
