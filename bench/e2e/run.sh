#!/usr/bin/env bash
# The end-to-end benchmark in one command: load -> Dialtone engine -> uas, all on 127.0.0.1.
#
# Starts `uas` and the engine (with a local cXML application that dials the uas), warms them up, ramps `load`
# until failures pass the limit, then holds the highest sustained rate for a measured phase (one step lower, up
# to three times, while that phase fails) and prints:
# sustained calls per second, setup-time percentiles at that rate, the engine's CPU per call and RSS per
# concurrent call. The engine is pinned to core 0, load and uas to core 1 (with two cores or more).
#
#   bench/e2e/run.sh                      defaults below, about three minutes
#   RATE_MAX=1000 RATE_STEP=50 STEP_S=10 bench/e2e/run.sh
#
# Settings (environment): RATE_START, RATE_STEP, RATE_MAX (calls/s), STEP_S (seconds per ramp step),
# HOLD_MS (answer to BYE), MAX_FAILURE (percent), WARMUP_RATE (the warm-up climbs to it by 5 cps every 3 s),
# MEASURE_S (the phase at the sustained rate), ENGINE_JAVA_OPTS (none: as shipped), PEER_JAVA_OPTS (load and uas;
# default C1 only, which halves their CPU in runs this short, so that they leave the engine's core alone),
# ENGINE_LOG (warn: the engine's per-call INFO lines off the measurement; info: as shipped), OUT (dir).
# Exit 0 when a rate was sustained, 1 when not even the first one was, 2 when something could not start.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

RATE_START=${RATE_START:-50}
RATE_STEP=${RATE_STEP:-50}
RATE_MAX=${RATE_MAX:-1000}
STEP_S=${STEP_S:-4}
HOLD_MS=${HOLD_MS:-1000}
MAX_FAILURE=${MAX_FAILURE:-0.1}
WARMUP_RATE=${WARMUP_RATE:-30}
MEASURE_S=${MEASURE_S:-10}
ENGINE_JAVA_OPTS=${ENGINE_JAVA_OPTS:-}
PEER_JAVA_OPTS=${PEER_JAVA_OPTS--XX:TieredStopAtLevel=1}
ENGINE_LOG=${ENGINE_LOG:-warn}
OUT=${OUT:-$REPO/bench/target/e2e/run-$(date -u +%Y%m%dT%H%M%SZ)}

command -v python3 >/dev/null || die "python3 is needed to read the JSON reports"
mkdir -p "$OUT"
ensure_jars "$BENCH_JAR" "$ENGINE_JAR"
setup_cores
trap 'stop_all' EXIT
trap 'exit 130' INT TERM

read -r UAS_PORT SIP_PORT HTTP_PORT < <(free_ports 3)
# Four media ports per call (two legs, RTP and RTCP): 8,000 ports are 2,000 calls at once, so that calls piling
# up under overload fail on the engine's limits rather than on the range. Free when chosen; another program
# binding ports in it later costs the engine retries, and a call a 503 after 16 of them.
RTP_PORTS=$(free_udp_block 8000) || RTP_PORTS=$(free_udp_block 4000) || die "no free block of UDP ports for media"
DATA=$(mktemp -d "${TMPDIR:-/tmp}/dialtone-e2e.XXXXXX")
trap 'stop_all; rm -rf "$DATA"' EXIT

cat >"$OUT/app.xml" <<EOF
<Response><Dial><Sip>sip:uas@127.0.0.1:$UAS_PORT;transport=udp</Sip></Dial></Response>
EOF
cat >"$OUT/engine-logback.xml" <<EOF
<configuration>
  <appender name="OUT" class="ch.qos.logback.core.ConsoleAppender">
    <encoder><pattern>%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n</pattern></encoder>
  </appender>
  <root level="${ENGINE_LOG^^}"><appender-ref ref="OUT"/></root>
</configuration>
EOF

log "machine: $(machine_line)"
log "pinning: $PINNING; output in $OUT"

# shellcheck disable=SC2086
LOGFILE=$OUT/uas.log start_bg $CORE_B java $PEER_JAVA_OPTS -jar "$BENCH_JAR" uas --bind 127.0.0.1 --port "$UAS_PORT"
UAS_PID=$STARTED_PID
wait_for_line "$OUT/uas.log" "listening" 60 "$UAS_PID" || die "uas did not start: $(tail -3 "$OUT/uas.log")"

# shellcheck disable=SC2086
LOGFILE=$OUT/engine.log start_bg $CORE_A java $ENGINE_JAVA_OPTS -Dlogback.configurationFile="$OUT/engine-logback.xml" \
    -jar "$ENGINE_JAR" --sip-host 127.0.0.1 --sip-port "$SIP_PORT" --tls-port 0 --http-port "$HTTP_PORT" \
    --data-dir "$DATA" --inbound-url "file://$OUT/app.xml" --rtp-ports "$RTP_PORTS"
ENGINE_PID=$STARTED_PID
for i in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$HTTP_PORT/health" >/dev/null 2>&1 && break
    kill -0 "$ENGINE_PID" 2>/dev/null || die "engine exited: $(tail -5 "$OUT/engine.log")"
    (( i == 120 )) && die "engine not healthy after 60 s"
    sleep 0.5
done
log "engine pid $ENGINE_PID sip 127.0.0.1:$SIP_PORT rtp $RTP_PORTS; uas pid $UAS_PID on $UAS_PORT"

TARGET=sip:127.0.0.1:$SIP_PORT
# shellcheck disable=SC2086
load() {
    $CORE_B java $PEER_JAVA_OPTS -jar "$BENCH_JAR" load --target "$TARGET" --hold "$HOLD_MS" \
        --max-failure-rate "$MAX_FAILURE" "$@"
}

# A cold engine on one core answers only a few calls a second while it compiles: climb gently, or the
# retransmissions of calls piling up would keep it busy long after.
log "warm-up: 5 to $WARMUP_RATE cps, 5 more every 3 s"
load --rate 5 --rate-step 5 --rate-max "$WARMUP_RATE" --step-duration 3 --drain-timeout 15 \
    --report "$OUT/warmup.json" >"$OUT/warmup.txt" 2>&1 || log "warm-up had failures (see $OUT/warmup.txt)"

# The engine's CPU and RSS twice a second through the ramp and the measured phase.
sampler() {
    while kill -0 "$ENGINE_PID" 2>/dev/null; do
        echo "$(date +%s.%N) $(cpu_ms "$ENGINE_PID") $(rss_kb "$ENGINE_PID")"
        sleep 0.5
    done
}
RSS_BASE=$(rss_kb "$ENGINE_PID")
sampler >"$OUT/engine-samples.txt" 2>/dev/null &
PIDS+=("$!")

log "ramp: $RATE_START to $RATE_MAX cps by $RATE_STEP every $STEP_S s, hold $HOLD_MS ms, limit $MAX_FAILURE %"
set +e
load --rate "$RATE_START" --rate-step "$RATE_STEP" --rate-max "$RATE_MAX" --step-duration "$STEP_S" \
    --drain-timeout 10 --report "$OUT/ramp.json" --html "$OUT/ramp.html" >"$OUT/ramp.txt" 2>&1
RAMP_RC=$?
set -e
SUSTAINED=$(python3 -c "import json; print(json.load(open('$OUT/ramp.json'))['sustainedRate'] or 0)" 2>/dev/null \
    || echo 0)
log "ramp exit $RAMP_RC, sustained $SUSTAINED cps"
if python3 -c "import sys; sys.exit(0 if float('$SUSTAINED') > 0 else 1)"; then
    MEASURE_RATE=$SUSTAINED
else
    MEASURE_RATE=$RATE_START
fi

# The measured phase at the ramp's sustained rate; if it fails there (the ramp judges a step by the calls that
# ended by its end, so late failures can pass it), one step lower, up to three times.
wait_engine_idle() {
    # Calls given up at the end of a run still retransmit and time out in the engine: go on once it is idle
    # again (under 3 % of a core for a second), or after 40 s.
    local c
    for _ in $(seq 1 40); do
        c=$(cpu_ms "$ENGINE_PID"); sleep 1
        (( $(cpu_ms "$ENGINE_PID") - c < 30 )) && break
    done
}
for attempt in 1 2 3; do
    wait_engine_idle
    CPU0=$(cpu_ms "$ENGINE_PID"); RSS0=$(rss_kb "$ENGINE_PID"); T0=$(date +%s.%N)
    log "measured phase: $MEASURE_RATE cps for $MEASURE_S s"
    set +e
    load --rate "$MEASURE_RATE" --duration "$MEASURE_S" --drain-timeout 10 --report "$OUT/measure.json" \
        --html "$OUT/measure.html" >"$OUT/measure.txt" 2>&1
    MEASURE_RC=$?
    set -e
    CPU1=$(cpu_ms "$ENGINE_PID"); RSS1=$(rss_kb "$ENGINE_PID"); T1=$(date +%s.%N)
    (( MEASURE_RC == 0 )) && break
    LOWER=$(python3 -c "print(f'{float(\"$MEASURE_RATE\") - float(\"$RATE_STEP\"):g}')")
    python3 -c "import sys; sys.exit(0 if float('$LOWER') > 0 else 1)" || break
    log "failures over $MAX_FAILURE % at $MEASURE_RATE cps: again at $LOWER"
    cp "$OUT/measure.txt" "$OUT/measure-$MEASURE_RATE.txt"
    MEASURE_RATE=$LOWER
done
# Every call has ended (or was given up): what the engine still holds should be its listeners only.
sleep 3
ENGINE_SOCKETS=$(find "/proc/$ENGINE_PID/fd" -lname 'socket:*' 2>/dev/null | wc -l)

python3 - "$OUT" "$CPU0" "$CPU1" "$RSS_BASE" "$RSS1" "$T0" "$T1" "$SUSTAINED" "$MEASURE_RATE" "$ENGINE_SOCKETS" \
    <<'EOF' | tee "$OUT/summary.txt"
import json, sys
out, cpu0, cpu1, rss0, rss1, t0, t1, sustained, rate, sockets = sys.argv[1:]
cpu0, cpu1, rss0, rss1, t0, t1 = int(cpu0), int(cpu1), int(rss0), int(rss1), float(t0), float(t1)
ramp = json.load(open(f"{out}/ramp.json"))
m = json.load(open(f"{out}/measure.json"))
c = m["counts"]
calls = c["completed"] + c["failed"] + c["cancelled"]
setup = m["latencies"]["setupTime"]
samples = [l.split() for l in open(f"{out}/engine-samples.txt") if len(l.split()) == 3]
peak_rss = max([rss1] + [int(s[2]) for s in samples])
# Calls up at once while the rate held: the sustained steps of the ramp and the measured phase.
held = {s["rate"] for s in ramp["steps"] if s["passed"]}
conc = [s["concurrent"] for s in ramp["timeline"] if s["targetRate"] in held]
conc += [s["concurrent"] for s in m["timeline"] if s["targetRate"] > 0]
peak_conc = max(conc) if conc else 0
steps = ", ".join(f"{s['rate']:g}:{'ok' if s['passed'] else 'FAIL'}" for s in ramp["steps"])
print(f"end-to-end: load -> engine -> uas, hold {m['settings']['holdMillis']} ms, UDP")
print(f"ramp steps (cps:verdict)     {steps}")
first_fail = next((s for s in ramp["steps"] if not s["passed"]), None)
if first_fail:
    print(f"first failing step           {first_fail['rate']:g} cps: {first_fail['verdict']}")
held = m["failureRatePercent"] <= m["settings"]["maxFailureRatePercent"]
print(f"sustained rate (ramp)        {float(sustained):g} calls/s")
print(f"sustained rate (measured)    {float(rate):g} calls/s" + ("" if held else " NOT held: failures over the limit"))
if float(sustained) > 0:
    st = next(s for s in ramp["steps"] if s["rate"] == float(sustained))
    p99 = [x["setupP99"] for x in ramp["timeline"] if st["startSeconds"] < x["t"] <= st["endSeconds"] + 0.5
           and x["setupP99"] is not None]
    if p99:
        print(f"  its step's setup p99       {max(p99):.2f} ms (worst second)")
print(f"measured phase               {float(rate):g} cps for {m['durationSeconds']:.1f} s: {calls} calls, "
      f"{c['failed']} failed ({m['failureRatePercent']:.3f} %)"
      + (" by reason: " + ", ".join(f"{k} {v}" for k, v in m["failuresByReason"].items()) if c["failed"] else ""))
print(f"setup time p50/p90/p99       {setup['p50']:.2f} / {setup['p90']:.2f} / {setup['p99']:.2f} ms")
# Latencies run from each call's intended start: a late load (a cold JVM on a busy core) shows here too.
lag = m["latencies"]["startLag"]
print(f"  load's own start lag p50/p99 {lag['p50']:.2f} / {lag['p99']:.2f} ms")
if calls:
    print(f"engine CPU per call          {(cpu1 - cpu0) / calls:.3f} ms ({cpu1 - cpu0} ms for {calls} calls, "
          f"{(cpu1 - cpu0) / (t1 - t0) / 10:.1f} % of a core)")
if peak_conc:
    # An upper bound: the JVM grows its heap under allocation and keeps it, so RSS growth is not all live calls.
    print(f"engine RSS per concurrent    {(peak_rss - rss0) / peak_conc:.1f} KiB at most (RSS {rss0 // 1024} MiB after "
          f"warm-up -> peak {peak_rss // 1024} MiB, up to {peak_conc} calls at once)")
print(f"engine RSS                   {rss1 // 1024} MiB after the run; {sockets} sockets open 3 s after it")
EOF
log "reports: $OUT/{ramp,measure}.{json,html}, logs: $OUT/*.log"
python3 -c "import sys; sys.exit(0 if float('$SUSTAINED') > 0 else 1)"
