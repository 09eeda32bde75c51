#!/usr/bin/env bash
# Media relay benchmark, one command: Dialtone's Netty RtpRelay beside a minimal C forwarder
# (recvmmsg/sendmmsg, the floor) and, if installed, rtpengine in userspace mode, all on 127.0.0.1.
#
#   bench/relay/run.sh
#
# Each relay runs alone in its own process, pinned to the last CPU; the load generator
# (dialtone-bench.jar relay-load) runs pinned to CPU 0. Headline: STREAMS concurrent streams at
# 50 packets/s, RUNS times per relay, relays alternating, medians reported. Then a max-rate run per
# relay: streams raised through MAX_STEPS until loss > 0.1 % or the load generator falls behind
# (sends less than 90 % of what it should: beyond that the generator, not the relay, is measured).
# Relay CPU is the whole relay process's user+system time (/proc/PID/stat) over the measured window.
#
# Settings (environment): STREAMS=1000 RUNS=3 MEASURE_SECONDS=10 WARMUP_SECONDS=5
#   MAX_STEPS="2000 3000 4000 6000 8000" (empty: no max-rate run) MAX_SECONDS=5
#   RELAYS="netty c rtpengine" NICE=-10 (used only when root; 0: off) OUT=bench/target/relay
set -euo pipefail

cd "$(dirname "$0")/../.."
STREAMS=${STREAMS:-1000}
RUNS=${RUNS:-3}
MEASURE_SECONDS=${MEASURE_SECONDS:-10}
WARMUP_SECONDS=${WARMUP_SECONDS:-5}
MAX_STEPS=${MAX_STEPS-2000 3000 4000 6000 8000}
MAX_SECONDS=${MAX_SECONDS:-5}
RELAYS=${RELAYS:-netty c rtpengine}
NICE=${NICE:--10}
OUT=${OUT:-bench/target/relay}
JAR=bench/target/dialtone-bench.jar
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx512m}
ADDRESS=127.0.0.1
FIRST_PORT=30000
NG_PORT=22299

mkdir -p "$OUT"
RESULTS="$OUT/results.tsv"
MAXRATE="$OUT/maxrate.tsv"
RELAY_LOG="$OUT/relay.log"
rm -f "$RESULTS" "$MAXRATE" "$RELAY_LOG"

log() { printf '%s\n' "$*" >&2; }

# ---- build
gcc -O2 -Wall -o "$OUT/forwarder" bench/relay/forwarder.c
if [[ ! -f $JAR ]] || [[ -n $(find bench/src media/src sip-stack/src -newer "$JAR" -type f -print -quit) ]]; then
    log "building $JAR"
    mvn -B -q -o -pl bench -am package -DskipTests || mvn -B -q -pl bench -am package -DskipTests
fi

# ---- placement: relay alone on the last CPU, load generator on CPU 0
CPUS=$(nproc)
RELAY_PIN=()
LOADER_PIN=()
LOADER_THREADS=1
if command -v taskset > /dev/null && (( CPUS >= 2 )); then
    RELAY_PIN=(taskset -c $((CPUS - 1)))
    LOADER_PIN=(taskset -c 0-$((CPUS - 2)))
    LOADER_THREADS=$(( CPUS - 1 > 4 ? 4 : CPUS - 1 ))
else
    log "no taskset or a single CPU: relay and load generator are not pinned"
fi
BOOST=0
if [[ $(id -u) == 0 && $NICE != 0 ]]; then
    # on a shared machine, keep other work from taking the benchmark's CPUs; no effect when idle
    BOOST=1
fi

# Runs "$@" at the benchmark's priority. With autogroup scheduling (sched_autogroup_enabled) nice
# only ranks processes within one session's group, so each process gets a session of its own and
# the nice is given to that group as well. Call it with & only: it execs, so $! is the command's PID.
launch() {
    if (( BOOST )); then
        exec setsid bash -c 'echo "$0" > /proc/self/autogroup 2> /dev/null; exec nice -n "$0" "$@"' "$NICE" "$@"
    else
        exec "$@"
    fi
}
ulimit -n "$(ulimit -Hn)" 2> /dev/null || true

available=()
for relay in $RELAYS; do
    if [[ $relay == rtpengine ]] && ! command -v rtpengine > /dev/null; then
        log "rtpengine is not installed (apt-get install rtpengine-daemon): left out"
        continue
    fi
    available+=("$relay")
done

RELAY_PID=
LOADER_PID=
stop_all() {
    if [[ -n $LOADER_PID ]]; then
        kill -TERM "$LOADER_PID" 2> /dev/null || true
        wait "$LOADER_PID" 2> /dev/null || true
    fi
    stop_relay
}
stop_relay() {
    if [[ -n $RELAY_PID ]]; then
        kill -TERM "$RELAY_PID" 2> /dev/null || true
        for _ in $(seq 100); do
            kill -0 "$RELAY_PID" 2> /dev/null || break
            sleep 0.1
        done
        kill -KILL "$RELAY_PID" 2> /dev/null || true
        wait "$RELAY_PID" 2> /dev/null || true
        RELAY_PID=
    fi
}
trap stop_all EXIT
trap "exit 130" INT TERM

wait_for() { # seconds, command...
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        if (( SECONDS > deadline )) || ! kill -0 "$RELAY_PID" 2> /dev/null; then
            log "relay did not come up; its log: $RELAY_LOG"
            tail -20 "$RELAY_LOG" >&2
            exit 1
        fi
        sleep 0.1
    done
}

ng_listening() { ss -Hlun "sport = :$NG_PORT" | grep -q .; }

start_relay() { # kind sessions; sets RELAY_PID and TARGET
    local kind=$1 sessions=$2 ports="$OUT/ports"
    rm -f "$ports"
    echo "== $kind, $sessions sessions" >> "$RELAY_LOG"
    case $kind in
        c)
            launch "${RELAY_PIN[@]}" "$OUT/forwarder" "$ADDRESS" "$FIRST_PORT" "$sessions" "$ports" \
                >> "$RELAY_LOG" 2>&1 &
            RELAY_PID=$!
            wait_for 30 test -f "$ports"
            TARGET="ports:$ports" ;;
        netty)
            # shellcheck disable=SC2086
            launch "${RELAY_PIN[@]}" java $JAVA_OPTS -cp "$JAR" dev.dialtone.bench.relay.RelayServe \
                --sessions "$sessions" --first-port "$FIRST_PORT" --ports-file "$ports" >> "$RELAY_LOG" 2>&1 &
            RELAY_PID=$!
            wait_for 60 test -f "$ports"
            TARGET="ports:$ports" ;;
        rtpengine)
            if ng_listening; then
                log "UDP port $NG_PORT is taken: another rtpengine? Stop it first."
                exit 1
            fi
            launch "${RELAY_PIN[@]}" rtpengine --config-file=none --foreground --log-stderr --log-level=4 \
                --table=-1 --interface="$ADDRESS" --listen-ng="$ADDRESS:$NG_PORT" --port-min="$FIRST_PORT" \
                --port-max=65000 --num-threads=1 >> "$RELAY_LOG" 2>&1 &
            RELAY_PID=$!
            wait_for 30 ng_listening
            TARGET="rtpengine:$ADDRESS:$NG_PORT" ;;
        *) log "unknown relay $kind"; exit 2 ;;
    esac
    sleep 0.2
    if ! kill -0 "$RELAY_PID" 2> /dev/null; then
        log "$kind exited at start; its log: $RELAY_LOG"
        tail -20 "$RELAY_LOG" >&2
        exit 1
    fi
}

run_load() { # kind streams seconds warmup results-file
    start_relay "$1" $(($2 / 2))
    # shellcheck disable=SC2086
    launch "${LOADER_PIN[@]}" java $JAVA_OPTS -cp "$JAR" dev.dialtone.bench.relay.RelayLoad \
        --target "$TARGET" --relay-pid "$RELAY_PID" --label "$1" --streams "$2" --seconds "$3" --warmup "$4" \
        --threads "$LOADER_THREADS" --results "$5" >&2 &
    LOADER_PID=$!
    wait "$LOADER_PID" || { log "load generator failed"; exit 1; }
    LOADER_PID=
    stop_relay
}

log "machine: $CPUS CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(uname -r)"
log "java: $(java -version 2>&1 | head -1); gcc: $(gcc --version | head -1)"
log "relays: ${available[*]}; relay pinned: ${RELAY_PIN[*]:-no}; load generator pinned: ${LOADER_PIN[*]:-no}, $LOADER_THREADS thread(s); priority: $( (( BOOST )) && echo "nice $NICE, own autogroups" || echo default)"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- headline: the relays alternate, RUNS times each
for run in $(seq "$RUNS"); do
    for relay in "${available[@]}"; do
        log "run $run/$RUNS: $relay, $STREAMS streams"
        run_load "$relay" "$STREAMS" "$MEASURE_SECONDS" "$WARMUP_SECONDS" "$RESULTS"
    done
done

# ---- max rate: raise the streams until loss > 0.1 % or the load generator falls behind by 10 %
for relay in "${available[@]}"; do
    for streams in $MAX_STEPS; do
        log "max rate: $relay, $streams streams"
        run_load "$relay" "$streams" "$MAX_SECONDS" 2 "$MAXRATE"
        if tail -1 "$MAXRATE" | awk -F'\t' '{ exit !($7 > 0.1 || $15 > ($4 + $15) / 10) }'; then
            break
        fi
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- report
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "nan"; else print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
column_of() { awk -F'\t' -v l="$2" -v c="$3" 'NR > 1 && $1 == l { print $c }' "$1"; }

echo
echo "Media relay, $STREAMS concurrent streams at 50 packets/s, 172-byte RTP, 127.0.0.1; medians of $RUNS runs of ${MEASURE_SECONDS} s"
echo "load average (1/5/15 min) before: $LOAD_BEFORE, after: $LOAD_AFTER"
echo
C_US=$(column_of "$RESULTS" c 13 | median)
printf '| %-9s | %9s | %7s | %9s | %9s | %8s | %13s | %8s | %13s | %8s | %12s |\n' relay "packets/s" "loss %" "p50 µs" "p99 µs" "relay CPU" "CPU/1k streams" "µs/packet" "packets/s/core" "loader CPU" "Netty/C per core"
printf '|%s|\n' "-----------|-----------|---------|-----------|-----------|----------|----------------|----------|----------------|----------|--------------"
for relay in "${available[@]}"; do
    us=$(column_of "$RESULTS" "$relay" 13 | median)
    awk -v r="$relay" -v pps="$(column_of "$RESULTS" "$relay" 6 | median)" \
        -v loss="$(column_of "$RESULTS" "$relay" 7 | median)" -v p50="$(column_of "$RESULTS" "$relay" 8 | median)" \
        -v p99="$(column_of "$RESULTS" "$relay" 9 | median)" -v cpu="$(column_of "$RESULTS" "$relay" 11 | median)" \
        -v per1k="$(column_of "$RESULTS" "$relay" 12 | median)" -v us="$us" -v cus="$C_US" \
        -v loader="$(column_of "$RESULTS" "$relay" 14 | median)" 'BEGIN {
            printf "| %-9s | %9.0f | %7.3f | %9.0f | %9.0f | %7.1f%% | %13.1f%% | %8.2f | %13.0f | %7.1f%% | %12s |\n",
                r, pps, loss, p50, p99, cpu, per1k, us, 1e6 / us, loader, (cus > 0 && us > 0) ? sprintf("%.2f", cus / us) : "-" }'
done
echo
echo "packets/s/core = 1e6 / µs per packet: what one core would relay at that cost. Netty/C per core = C's µs/packet / Netty's."

if [[ -s $MAXRATE ]]; then
    echo
    echo "Max rate (${MAX_SECONDS} s per step; the last step of a relay failed: loss > 0.1 %, or the load generator sent < 90 %):"
    echo
    printf '| %-9s | %7s | %9s | %7s | %9s | %8s | %8s | %10s | %7s | %-21s |\n' relay streams "packets/s" "loss %" "p99 µs" "relay CPU" "µs/packet" "loader CPU" skipped step
    printf '|%s|\n' "-----------|---------|-----------|---------|-----------|----------|----------|------------|---------|----------------------"
    awk -F'\t' 'NR > 1 {
        step = $7 > 0.1 ? "failed: loss" : $15 > ($4 + $15) / 10 ? "failed: generator behind" : "passed"
        printf "| %-9s | %7d | %9.0f | %7.3f | %9.0f | %7.1f%% | %8.2f | %9.1f%% | %7d | %-21s |\n", $1, $2, $6, $7, $9, $11, $13, $14, $15, step }' "$MAXRATE"
fi
echo
echo "raw results: $RESULTS $MAXRATE; relays' own counters: $RELAY_LOG"
