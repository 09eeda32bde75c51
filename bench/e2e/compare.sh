#!/usr/bin/env bash
# Dialtone's load tools against SIPp, measured in one run on this machine, all on 127.0.0.1 over UDP.
#
#  1. UAC: the highest rate `load` drives against SIPp's UAS, and the highest rate SIPp's UAC drives against the
#     same UAS (same rate ladder, same limit; SIPp both as a fresh process per rate and with its own continuous
#     ramp, as `load` runs), and each one's CPU per 1,000 calls at common fixed rates
#     (over the seconds after WARM_S of a run as long for both: steady state, once `load`'s JIT has compiled the
#     call path and the first calls' 64*T1 transaction timers have fired, 32 s after they started, and SIPp's UAS
#     has begun to drop the dead calls it keeps for 33 s).
#     Both UACs' continuous ramps again against Dialtone's `uas`: SIPp's UAC's highest rate against each UAS, and
#     both UACs against a UAS that is not SIPp's.
#  2. UAS: `uas` and SIPp's UAS under the same SIPp UAC load, CPU per 1,000 calls of each, over UAS_S seconds
#     after UAS_WARM_S seconds of the same load.
# The tool being measured runs on core 0, its peer on core 1. Each measurement is taken REPS times; the table
# shows medians (and every value). Calls: INVITE with SDP, 180, 200, ACK, BYE, 200; no hold (SIPp's -d 0).
#
#   bench/e2e/compare.sh                  about sixteen minutes with the defaults (REPS=3: over forty minutes)
#
# LOAD_JAVA_OPTS (default: -Xms2g -Xmn1g, as README advises above 10,000 calls/s) are `load`'s JVM options; `uas` runs
# as shipped. ALT_JAVA_OPTS (default: unset) measures `load` and `uas` a second time with those JVM options;
# ALT_JAVA_OPTS=none measures `load` a second time with none.
# Settings (environment): REPS; RAMP_START, RAMP_STEP, RAMP_MAX, STEP_S (the UAC ladder: calls/s, seconds per
# rate); CPU_RATES, WARM_S, CPU_S (the UAC CPU runs); UAS_RATES, UAS_WARM_S, UAS_S (the UAS runs);
# MAX_FAILURE (percent); GIVE_UP_MS (both UACs' answer timeout); LADDERS (0: skip the highest-rate ladders);
# SIPP_RAMP (0: skip SIPp's own continuous ramp, run beside its fresh-process-per-rate ladder); UAS_LADDER (0: skip
# the ramps against `uas`); OUT.
# A rate holds when no more than MAX_FAILURE % of its calls fail (a call not over 5 s after its last start
# fails) and calls start at 95 % of it or better. The ladder's first, low rate is a warm-up for both tools and
# is not judged: a cold JVM on a busy core answers late in its first second, its INVITEs are retransmitted, and
# SIPp's UAS aborts a call that gets a retransmitted INVITE while it waits for the ACK.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

REPS=${REPS:-1}
RAMP_START=${RAMP_START:-50}
RAMP_STEP=${RAMP_STEP:-1000}
RAMP_MAX=${RAMP_MAX:-16050}
STEP_S=${STEP_S:-5}
LADDERS=${LADDERS:-1}
SIPP_RAMP=${SIPP_RAMP:-1}
UAS_LADDER=${UAS_LADDER:-1}
CPU_RATES=${CPU_RATES-400 1500}   # set and empty: no CPU runs
WARM_S=${WARM_S:-45}
CPU_S=${CPU_S:-20}
UAS_RATES=${UAS_RATES-400 1500}   # set and empty: no UAS runs
UAS_WARM_S=${UAS_WARM_S:-45}
UAS_S=${UAS_S:-20}
MAX_FAILURE=${MAX_FAILURE:-0.1}
# How long either UAC waits for an answer before it gives the call up and stops retransmitting: SIPp's
# -recv_timeout, load's --transaction-timeout (without them, SIPp waits for ever and load for 64*T1 = 32 s).
GIVE_UP_MS=${GIVE_UP_MS:-5000}
LOAD_JAVA_OPTS=${LOAD_JAVA_OPTS--Xms2g -Xmn1g}
ALT_JAVA_OPTS=${ALT_JAVA_OPTS:-}
VARIANTS=(load); [[ -n $ALT_JAVA_OPTS ]] && VARIANTS+=(load-alt)
UAS_TOOLS=(uas); [[ -n $ALT_JAVA_OPTS && $ALT_JAVA_OPTS != none ]] && UAS_TOOLS+=(uas-alt)
ALT_OPTS=$ALT_JAVA_OPTS; [[ $ALT_OPTS == none ]] && ALT_OPTS=
OUT=${OUT:-$REPO/bench/target/e2e/compare-$(date -u +%Y%m%dT%H%M%SZ)}
# SIPp's socket buffers as large as load's (8 MiB; the kernel caps them at net.core.rmem_max and wmem_max), so that
# neither side drops what the other keeps. `uas` keeps the Dialtone stack's 1 MiB: the UAS comparison gives SIPp more.
SIPP_OPTS=(-i 127.0.0.1 -nostdin -buff_size 8388608)

command -v sipp >/dev/null || die "SIPp is needed (Debian: apt-get install sip-tester)"
command -v python3 >/dev/null || die "python3 is needed to read the reports"
[[ -x /usr/bin/time ]] || die "GNU time (/usr/bin/time) is needed"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)   # SIPp's ramp runs in a directory of its own, for its error log
ensure_jars "$BENCH_JAR"
setup_cores
trap 'stop_all' EXIT
trap 'exit 130' INT TERM
RESULTS=$OUT/results.tsv
: >"$RESULTS"
record() { printf '%s\n' "$(IFS=$'\t'; echo "$*")" >>"$RESULTS"; }

log "machine: $(machine_line)"
log "pinning: $PINNING; output in $OUT"
machine_line >"$OUT/machine.txt"

# SIPp's UAS on a core, in the background, on a free port; sets PORT and PEER_PID. $1: core prefix, $2: log.
# A port free a moment ago can be taken by then (other tools on the machine): a few tries.
start_sipp_uas() {
    for attempt in 1 2 3; do
        read -r PORT < <(free_ports 1)
        LOGFILE=$2 start_bg $1 sipp -sn uas "${SIPP_OPTS[@]}" -p "$PORT"
        PEER_PID=$STARTED_PID
        sleep 0.5
        kill -0 "$PEER_PID" 2>/dev/null && return 0
    done
    die "SIPp UAS did not start: $(grep -m1 -i error "$2")"
}

# SIPp's UAC in the foreground: $1 core prefix, $2 target port, $3 rate, $4 calls, $5 file prefix.
# Writes $5.time ("wall user sys") and $5.csv (SIPp's statistics); returns SIPp's exit status.
run_sipp_uac() {
    local core=$1 port=$2 rate=$3 calls=$4 f=$5
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %U %S" -o "$f.time" $core sipp -sn uac "${SIPP_OPTS[@]}" -p 0 "127.0.0.1:$port" \
        -r "$rate" -m "$calls" -d 0 -l 1000000 -recv_timeout "$GIVE_UP_MS" -trace_stat -stf "$f.csv" -fd 1 \
        >"$f.out" 2>&1
}

# "ok|FAIL calls failed started_rate" from a SIPp UAC run's statistics and time.
sipp_uac_verdict() {
    python3 - "$1" "$2" "$MAX_FAILURE" <<'EOF'
import sys
f, rate, limit = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
rows = [l.rstrip("\n").split(";") for l in open(f + ".csv") if l.strip()]
head, last = rows[0], rows[-1]
col = lambda name: int(last[head.index(name)])
calls, failed = col("OutgoingCall(C)"), col("FailedCall(C)")
# The rate calls started at, as for load: the mean of the whole seconds' rates (SIPp's statistics every second,
# -fd 1), leaving out the first and last second with calls started, which are partial. Without enough seconds,
# calls over the wall clock, which includes SIPp's start and the last calls' end: a lower bound.
per_second = [int(r[head.index("OutgoingCall(P)")]) for r in rows[1:]]
starting = [n for n in per_second if n > 0][1:-1]
wall = float(open(f + ".time").read().split("\n")[-2].split()[0])
started = sum(starting) / len(starting) if starting else calls / wall if wall > 0 else 0
ok = calls > 0 and 100.0 * failed / calls <= limit and started >= 0.95 * rate
print("ok" if ok else "FAIL", calls, failed, f"{started:.0f}")
EOF
}

# "held why" of a SIPp UAC continuous ramp (-rate_increase) from its per-second statistics (-fd 1) and its error
# log (-trace_err), with load's rule: each step after the first within the failure limit and started at 95 % of
# its rate or better (the mean of the step's whole seconds), a call's failure counted in the step the call started
# in. SIPp counts a failure in its statistics when it happens, up to GIVE_UP_MS after the call's last message, so a
# step whose calls fail shows its failures in the steps after it: judged by those counts, SIPp's ramp was credited
# with up to three steps more than it held. Its error log names each call it gave up by its Call-ID, which starts
# with the call's number (SIPp numbers calls as it starts them), and the statistics' running count of calls
# started places each number in a step. The held rate by the statistics' counts is given too, after "when:".
sipp_ramp_max() {
    python3 - "$1" "$2" "$MAX_FAILURE" <<'EOF2'
import glob, re, sys
f, errdir, limit = sys.argv[1], sys.argv[2], float(sys.argv[3])
rows = [l.rstrip("\n").split(";") for l in open(f) if l.strip()]
head, data = rows[0], rows[1:]
col = lambda r, name: r[head.index(name)]
out = [int(col(r, "OutgoingCall(P)")) for r in data]
total = [int(col(r, "OutgoingCall(C)")) for r in data]
fail = [int(col(r, "FailedCall(P)")) for r in data]
target = [float(col(r, "TargetRate")) for r in data]
# Entries of the error log begin with a time stamp; an entry about a call SIPp gave up names it (the "Dead call"
# entries are about messages for calls that already ended, successful or not).
failed = set()
for path in glob.glob(errdir + "/*_errors.log"):
    text = open(path, "rb").read().decode("latin-1")
    for entry in re.split(r"\d{4}-\d\d-\d\d\t[0-9:.]+\t[0-9.]+: ", text):
        if "Dead call" in entry or not re.search(r"abort|fail", entry, re.I):
            continue
        m = re.search(r"(\d+)-\d+@", entry)
        if m:
            failed.add(int(m.group(1)))
# The second in which the last call started is partial, and the line SIPp writes as it exits has no calls: neither
# is a whole second of the last step (in a ramp that held to its last rate, they made it look slow).
last = max([i for i, n in enumerate(out) if n > 0] or [0])
def judge(failures_of):
    held, why = 0, "every step held"
    for rate in sorted(set(target))[1:]:
        idx = [i for i, t in enumerate(target) if t == rate]
        calls, failed_calls = sum(out[i] for i in idx), failures_of(idx)
        whole = [out[i] for i in idx[1:] if i < last] or [0]
        started = sum(whole) / len(whole)
        if calls == 0 or 100.0 * failed_calls / calls > limit or started < 0.95 * rate:
            why = f"{rate:g} cps: {failed_calls} of {calls} failed, started at {started:.0f}/s"
            break
        held = rate
    return held, why
def by_start(idx):
    first, last = idx[0], idx[-1]
    lo = total[first - 1] if first > 0 else 0
    return sum(1 for n in failed if lo < n <= total[last])
held, why = judge(by_start)
when, _ = judge(lambda idx: sum(fail[i] for i in idx))
print(f"{held:g}", (why + f" (when: {when:g})").replace(" ", "_"))
EOF2
}

# "user+sys seconds" from a GNU time file.
time_cpu() { tail -1 "$1" | awk '{ printf "%.2f", $2 + $3 }'; }

# The highest rate of a load ramp report that held, with the same rule as for SIPp: every step up to it within
# the failure limit, and calls started at 95 % of its rate or better (the mean of the per-second start rates).
load_ramp_max() {
    python3 - "$1" "$MAX_FAILURE" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1])); limit = float(sys.argv[2])
best, why = 0, "every step held"
for s in r["steps"][1:]:
    rates = [x["actualRate"] for x in r["timeline"] if s["startSeconds"] < x["t"] <= s["endSeconds"] + 0.05
             and x["targetRate"] == s["rate"]]
    started = sum(rates) / len(rates) if rates else 0
    if s["failureRatePercent"] > limit or started < 0.95 * s["rate"]:
        why = f"{s['rate']:g} cps: {s['failed']} of {s['scheduled']} failed, started at {started:.0f}/s"
        break
    best = s["rate"]
print(f"{best:g}", why.replace(" ", "_"))
EOF
}

# Seconds of CPU $2 (a PID) has used since it had used $1 ms.
cpu_since() {
    awk -v a="$1" -v b="$(cpu_ms "$2")" 'BEGIN { printf "%.2f", (b - a) / 1000 }'
}

# Dialtone's `uas` on a core, in the background, on a free port; sets PORT and PEER_PID. $1: core prefix, $2: log,
# $3: JVM options (none: as shipped). A port free a moment ago can be taken by then (other tools on the machine):
# a few tries.
start_uas() {
    for attempt in 1 2 3; do
        read -r PORT < <(free_ports 1)
        # shellcheck disable=SC2086
        LOGFILE=$2 start_bg $1 java ${3:-} -jar "$BENCH_JAR" uas --bind 127.0.0.1 --port "$PORT"
        PEER_PID=$STARTED_PID
        wait_for_line "$2" listening 60 "$PEER_PID" && return 0
    done
    die "uas did not start: $(tail -2 "$2")"
}

# "held why" of load's ramp with JVM options $1 against the UAS on PORT, its files named $2.*.
load_ramp() {
    set +e
    # shellcheck disable=SC2086
    /usr/bin/time -f "%e %U %S" -o "$2.time" $CORE_A java $1 -jar "$BENCH_JAR" load \
        --target "sip:127.0.0.1:$PORT" --hold 0 --rate "$RAMP_START" --rate-step "$RAMP_STEP" \
        --rate-max "$RAMP_MAX" --step-duration "$STEP_S" --drain-timeout 5 \
        --transaction-timeout "$GIVE_UP_MS" --max-failure-rate "$MAX_FAILURE" \
        --report "$2.json" >"$2.txt" 2>&1
    set -e
    load_ramp_max "$2.json"
}

# "held why" of SIPp UAC's own continuous ramp against the UAS on PORT, its files named $1.* and $1-errors/.
sipp_ramp() {
    local total=0 rate
    for rate in $(seq "$RAMP_START" "$RAMP_STEP" "$RAMP_MAX"); do total=$((total + rate * STEP_S)); done
    mkdir -p "$1-errors"
    set +e
    # shellcheck disable=SC2086
    (cd "$1-errors" && $CORE_A sipp -sn uac "${SIPP_OPTS[@]}" -p 0 "127.0.0.1:$PORT" \
        -r "$RAMP_START" -rate_increase "$RAMP_STEP" -rate_interval "$STEP_S" -rate_max "$RAMP_MAX" \
        -m "$total" -d 0 -l 1000000 -recv_timeout "$GIVE_UP_MS" -trace_stat -stf "$1.csv" -fd 1 \
        -trace_err >"$1.out" 2>&1)
    set -e
    sipp_ramp_max "$1.csv" "$1-errors"
    gzip -1 "$1-errors"/*_errors.log 2>/dev/null || true   # a few hundred MB once calls fail
}

# The PID of the first process named $2 below $1 (GNU time's child, or deeper for a function run in the
# background); nothing if none appears within 5 s.
descendant() {
    local p
    for _ in $(seq 1 100); do
        p=$1
        while p=$(pgrep -P "$p" | head -1) && [[ -n $p ]]; do
            [[ $(cat "/proc/$p/comm" 2>/dev/null) == "$2" ]] && { echo "$p"; return; }
        done
        sleep 0.05
    done
}

# "seconds calls" of load's latest progress line in its output $1 ("  5.0s started 2000 ..."); nothing before one.
load_progress() {
    grep -E '^ *[0-9.]+s started [0-9]+' "$1" 2>/dev/null | tail -1 |
        awk '{ sub(/s$/, "", $1); print int($1 + 0.5), $3 }'
}

# "seconds calls" of the latest line of SIPp's per-second statistics $1 (ElapsedTime(C), OutgoingCall(C)).
sipp_progress() {
    awk -F';' 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "ElapsedTime(C)") e = i; if ($i == "OutgoingCall(C)") c = i } }
               NR > 1 && e && c { split($e, h, ":"); t = h[1] * 3600 + h[2] * 60 + h[3]; n = $c }
               END { if (n != "") print t, n }' "$1" 2>/dev/null
}

# "cpu_seconds calls" of a running UAC ($1, a PID) between its progress reports for seconds $4 and $5: CPU from
# /proc/PID/stat as each report appears (polled every 50 ms), calls from the reports; $2 reads the latest report
# from the file $3.
sample_window() {
    local pid=$1 progress=$2 file=$3 from=$4 to=$5 c0="" n0="" t n
    while [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null; do
        read -r t n < <("$progress" "$file")
        if [[ -n $t ]]; then
            if [[ -z $c0 ]] && (( t >= from )); then c0=$(cpu_ms "$pid"); n0=$n; fi
            if [[ -n $c0 ]] && (( t >= to )); then
                echo "$(cpu_since "$c0" "$pid") $((n - n0))"
                return
            fi
        fi
        sleep 0.05
    done
    echo "0 0"
}

for rep in $(seq 1 "$REPS"); do
    R=$OUT/rep$rep
    mkdir -p "$R"

    # 1a and 1b: the highest-rate ladders (LADDERS=0 skips them).
    if (( LADDERS )); then
        # 1a. load's highest rate against SIPp's UAS (with LOAD_JAVA_OPTS, and with ALT_JAVA_OPTS if set).
        for VARIANT in "${VARIANTS[@]}"; do
            [[ $VARIANT == load ]] && JOPTS=$LOAD_JAVA_OPTS || JOPTS=$ALT_OPTS
            start_sipp_uas "$CORE_B" "$R/sipp-uas-for-$VARIANT.log"
            log "rep $rep: $VARIANT ramp $RAMP_START..$RAMP_MAX cps against SIPp UAS"
            read -r MAX WHY < <(load_ramp "$JOPTS" "$R/$VARIANT-ramp")
            stop_pid "$PEER_PID"
            record uac-max "$VARIANT" "$rep" "$MAX" "$WHY"
            log "  $VARIANT held $MAX cps (${WHY//_/ })"
        done

        # 1b. SIPp UAC's highest rate against SIPp's UAS: one fresh UAC per rate of the same ladder.
        start_sipp_uas "$CORE_B" "$R/sipp-uas-for-sipp.log"
        MAX=0; WHY="every_step_held"
        for RATE in $(seq "$RAMP_START" "$RAMP_STEP" "$RAMP_MAX"); do
            set +e
            run_sipp_uac "$CORE_A" "$PORT" "$RATE" $((RATE * STEP_S)) "$R/sipp-uac-$RATE"
            set -e
            read -r V CALLS FAILED STARTED < <(sipp_uac_verdict "$R/sipp-uac-$RATE" "$RATE")
            [[ $RATE == "$RAMP_START" ]] && continue
            if [[ $V != ok ]]; then WHY="${RATE}_cps:_${FAILED}_of_${CALLS}_failed,_started_at_${STARTED}/s"; break; fi
            MAX=$RATE
        done
        stop_pid "$PEER_PID"
        record uac-max sipp "$rep" "$MAX" "$WHY"
        log "  SIPp UAC held $MAX cps (${WHY//_/ })"

        # 1b, again: SIPp UAC's own continuous ramp, like load's, one process from the first rate to the last.
        if (( SIPP_RAMP )); then
            start_sipp_uas "$CORE_B" "$R/sipp-uas-for-sipp-ramp.log"
            read -r MAX WHY < <(sipp_ramp "$R/sipp-ramp")
            stop_pid "$PEER_PID"
            record uac-max sipp-ramp "$rep" "$MAX" "$WHY"
            log "  SIPp UAC's own ramp held $MAX cps (${WHY//_/ })"
        fi

        # 1d. Both UACs' continuous ramps again, against Dialtone's `uas` as shipped (UAS_LADDER=0 skips them). Against
        # SIPp's UAS both reach the rate that UAS sustains, which is the same under either (its CPU per call is); the
        # same UAC against both UASes compares the UASes' highest rates, and the two UACs against a second UAS show
        # whether the first one's limit was the UAS's.
        if (( UAS_LADDER )); then
            start_uas "$CORE_B" "$R/uas-for-load-ramp.log"
            log "rep $rep: load ramp $RAMP_START..$RAMP_MAX cps against uas"
            read -r MAX WHY < <(load_ramp "$LOAD_JAVA_OPTS" "$R/load-ramp-uas")
            stop_pid "$PEER_PID"
            record uac-max-uas load "$rep" "$MAX" "$WHY"
            log "  load held $MAX cps against uas (${WHY//_/ })"
            start_uas "$CORE_B" "$R/uas-for-sipp-ramp.log"
            read -r MAX WHY < <(sipp_ramp "$R/sipp-ramp-uas")
            stop_pid "$PEER_PID"
            record uac-max-uas sipp-ramp "$rep" "$MAX" "$WHY"
            log "  SIPp UAC's own ramp held $MAX cps against uas (${WHY//_/ })"
        fi
    fi

    # 1c. CPU per 1,000 calls of each UAC at each fixed rate, and load's start-up cost (one call). Each UAC gets a
    # UAS of its own: one left behind by a run that collapsed (thousands of calls open, its dead-call list full)
    # costs the next caller retransmissions it did not cause.
    for CPU_RATE in $CPU_RATES; do
        # SIPp's UAC runs as long as load and is measured over the same window: the first calls' 64*T1 timers in
        # load and SIPp's UAS dropping its 33 s dead calls both come after 30 s, and a run of CPU_S seconds alone
        # measured SIPp before either (bench/RESULTS.md, fourteenth part).
        N=$((CPU_RATE * (WARM_S + CPU_S + 1)))
        set +e
        for VARIANT in "${VARIANTS[@]}"; do
            start_sipp_uas "$CORE_B" "$R/sipp-uas-for-$VARIANT-cpu-$CPU_RATE.log"
            [[ $VARIANT == load ]] && JOPTS=$LOAD_JAVA_OPTS || JOPTS=$ALT_OPTS
            F=$R/$VARIANT-cpu-$CPU_RATE
            # load prints a line each second ("  5.0s started 2000 ..."): /proc/PID/stat is read when the line for
            # WARM_S appears and when the one for WARM_S + CPU_S does, and the calls started in between are counted.
            # shellcheck disable=SC2086
            /usr/bin/time -f "%e %U %S" -o "$F.time" $CORE_A java $JOPTS -jar "$BENCH_JAR" load \
                --target "sip:127.0.0.1:$PORT" --hold 0 --rate "$CPU_RATE" --duration $((WARM_S + CPU_S + 1)) \
                --drain-timeout 5 --transaction-timeout "$GIVE_UP_MS" --max-failure-rate "$MAX_FAILURE" \
                --report "$F.json" >"$F.txt" 2>&1 &
            TIME_PID=$!
            WINDOW=$(sample_window "$(descendant "$TIME_PID" java)" load_progress "$F.txt" "$WARM_S" \
                $((WARM_S + CPU_S)))
            wait "$TIME_PID"
            # shellcheck disable=SC2086
            /usr/bin/time -f "%e %U %S" -o "$R/$VARIANT-start.time" $CORE_A java $JOPTS -jar "$BENCH_JAR" load \
                --target "sip:127.0.0.1:$PORT" --hold 0 --rate 1 --calls 1 >"$R/$VARIANT-start.txt" 2>&1
            FAILED=$(python3 -c "import json; print(json.load(open('$F.json'))['counts']['failed'])")
            read -r WCPU WCALLS <<<"$WINDOW"
            record uac-cpu "$VARIANT" "$rep" "$CPU_RATE" "$WCPU" "$WCALLS" "$FAILED" \
                "$(time_cpu "$R/$VARIANT-start.time")" "$(time_cpu "$F.time")"
            log "  $VARIANT at $CPU_RATE cps: $WCPU s CPU for $WCALLS calls after its first $WARM_S s (whole run" \
                "$(time_cpu "$F.time") s, start-up alone $(time_cpu "$R/$VARIANT-start.time") s; $FAILED failed)"
            stop_pid "$PEER_PID"
        done
        start_sipp_uas "$CORE_B" "$R/sipp-uas-for-sipp-cpu-$CPU_RATE.log"
        run_sipp_uac "$CORE_A" "$PORT" "$CPU_RATE" "$N" "$R/sipp-uac-cpu-$CPU_RATE" &
        TIME_PID=$!
        WINDOW=$(sample_window "$(descendant "$TIME_PID" sipp)" sipp_progress "$R/sipp-uac-cpu-$CPU_RATE.csv" \
            "$WARM_S" $((WARM_S + CPU_S)))
        wait "$TIME_PID"
        set -e
        stop_pid "$PEER_PID"
        read -r _ _ SIPP_FAILED _ < <(sipp_uac_verdict "$R/sipp-uac-cpu-$CPU_RATE" "$CPU_RATE")
        read -r WCPU WCALLS <<<"$WINDOW"
        record uac-cpu sipp "$rep" "$CPU_RATE" "$WCPU" "$WCALLS" "$SIPP_FAILED" 0 \
            "$(time_cpu "$R/sipp-uac-cpu-$CPU_RATE.time")"
        log "  SIPp UAC at $CPU_RATE cps: $WCPU s CPU for $WCALLS calls after its first $WARM_S s (whole run" \
            "$(time_cpu "$R/sipp-uac-cpu-$CPU_RATE.time") s; $SIPP_FAILED failed)"
    done

    # 2. uas and SIPp's UAS under the same SIPp UAC load; CPU from /proc/PID/stat around the measured run, after
    # a warm-up run at the same rate (long enough for the first calls' 32 s transaction timers to fire).
    for UAS_RATE in $UAS_RATES; do
        for TOOL in "${UAS_TOOLS[@]}" sipp; do
            if [[ $TOOL == uas* ]]; then
                [[ $TOOL == uas ]] && JOPTS="" || JOPTS=$ALT_OPTS
                start_uas "$CORE_A" "$R/uas-$TOOL-$UAS_RATE.log" "$JOPTS"
                UAS_PID=$PEER_PID
            else
                start_sipp_uas "$CORE_A" "$R/uas-$TOOL-$UAS_RATE.log"
                UAS_PID=$PEER_PID
            fi
            set +e
            run_sipp_uac "$CORE_B" "$PORT" "$UAS_RATE" $((UAS_RATE * UAS_WARM_S)) "$R/uas-$TOOL-$UAS_RATE-warmup"
            C0=$(cpu_ms "$UAS_PID")
            run_sipp_uac "$CORE_B" "$PORT" "$UAS_RATE" $((UAS_RATE * UAS_S)) "$R/uas-$TOOL-$UAS_RATE-run"
            C1=$(cpu_ms "$UAS_PID")
            set -e
            RSS=$(rss_kb "$UAS_PID")
            stop_pid "$UAS_PID"
            read -r V CALLS FAILED STARTED < <(sipp_uac_verdict "$R/uas-$TOOL-$UAS_RATE-run" "$UAS_RATE")
            record uas-cpu "$TOOL" "$rep" "$UAS_RATE" "$(( C1 - C0 ))" "$CALLS" "$FAILED" "$RSS"
            log "  $TOOL under SIPp UAC at $UAS_RATE cps: $(( C1 - C0 )) ms CPU for $CALLS calls ($FAILED failed)," \
                "RSS $(( RSS / 1024 )) MiB"
        done
    done
done

printf ', %s at the end' "$(cut -d' ' -f1-3 /proc/loadavg)" >>"$OUT/machine.txt"
python3 - "$RESULTS" "$OUT/machine.txt" "$RAMP_START" "$RAMP_STEP" "$RAMP_MAX" "$STEP_S" "$WARM_S" "$CPU_S" \
    "$UAS_WARM_S" "$UAS_S" "$LOAD_JAVA_OPTS" "$ALT_JAVA_OPTS" <<'EOF' | tee "$OUT/summary.md"
import statistics, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
machine = open(sys.argv[2]).read().replace("\n", "")
r0, rs, rm, step, warm, cpu_s, uas_warm, uas_s = sys.argv[3:11]
load_opts, alt = sys.argv[11], sys.argv[12]
alt = "no JVM options" if alt == "none" else alt
pick = lambda kind, tool, rate=None: [r for r in rows if r[0] == kind and r[1] == tool
                                      and (rate is None or r[3] == rate)]
med = lambda xs: statistics.median(xs) if xs else float("nan")
fmt = lambda xs, f="{:.0f}": ", ".join(f.format(x) for x in xs)
names = {"load": "Dialtone `load`" + (f" ({load_opts})" if load_opts else ""), "load-alt": f"Dialtone `load` ({alt})",
         "sipp": "SIPp UAC (`sipp -sn uac`; in the ladder, a fresh process per rate)",
         "sipp-ramp": "SIPp UAC, its own continuous ramp (`-rate_increase`)"}
tools = [t for t in ("load", "load-alt", "sipp", "sipp-ramp") if pick("uac-max", t) or pick("uac-cpu", t)]
print(f"Machine: {machine}.\n")
mx = {}
if any(r[0] == "uac-max" for r in rows):  # skipped with LADDERS=0
    print(f"Highest rate: ladder {r0} (warm-up, not judged), then {int(r0) + int(rs)}..{rm} calls/s by {rs}, {step} s "
          f"per rate. Medians of {len(pick('uac-max', 'load'))} run(s), every run in brackets.\n")
    print("| UAC against SIPp's UAS | highest rate held (calls/s) |")
    print("|---|---|")
    for t in tools:
        xs = [float(r[3]) for r in pick("uac-max", t)]
        mx[t] = med(xs) if xs else 0
        name = names[t] + (" (one continuous ramp)" if t.startswith("load") else "")
        print(f"| {name} | {med(xs):.0f} ({fmt(xs)}) |" if xs else f"| {name} | not measured |")
    if mx.get("sipp"):
        print(f"\nload / SIPp UAC, highest rate: {mx['load'] / mx['sipp']:.2f}x (SIPp a fresh process per rate)"
              + (f", {mx['load'] / mx['sipp-ramp']:.2f}x (both one continuous ramp)." if mx.get("sipp-ramp") else "."))
if any(r[0] == "uac-max-uas" for r in rows):  # skipped with UAS_LADDER=0
    print("\nThe same ramp, one continuous ramp for each UAC, against Dialtone's `uas` (as shipped) instead.\n")
    print("| UAC against `uas` | highest rate held (calls/s) |")
    print("|---|---|")
    mu = {}
    for t in ("load", "sipp-ramp"):
        xs = [float(r[3]) for r in pick("uac-max-uas", t)]
        mu[t] = med(xs) if xs else 0
        print(f"| {names[t]} | {med(xs):.0f} ({fmt(xs)}) |" if xs else f"| {names[t]} | not measured |")
    if mu.get("sipp-ramp"):
        print(f"\nload / SIPp UAC against `uas`, highest rate: {mu['load'] / mu['sipp-ramp']:.2f}x.")
    if mu.get("sipp-ramp") and mx.get("sipp-ramp"):
        print(f"\nSIPp's UAC's highest rate against `uas` / against SIPp's UAS (its own ramp both times): "
              f"{mu['sipp-ramp'] / mx['sipp-ramp']:.2f}x.")
rates = sorted({r[3] for r in rows if r[0] == "uac-cpu"}, key=float)
cpu = {}
if rates:  # none with CPU_RATES= (set and empty)
    print(f"\nCPU per 1,000 calls (ms, utime + stime): `load` over the calls started in the {cpu_s} s after its first "
          f"{warm} s, SIPp's UAC over the same window of a run as long. Failed calls of each run in brackets.\n")
    print("| UAC against SIPp's UAS | " + " | ".join(f"at {r} calls/s" for r in rates) + " |")
    print("|---|" + "---|" * len(rates))
    for t in [t for t in tools if pick("uac-cpu", t)]:
        cells = []
        for rate in rates:
            rr = pick("uac-cpu", t, rate)
            xs = [1e6 * float(r[4]) / int(r[5]) if int(r[5]) else float("nan") for r in rr]
            cpu[(t, rate)] = med(xs)
            cells.append(f"{med(xs):.1f} ({fmt(xs, '{:.1f}')}; failed {fmt([int(r[6]) for r in rr])})")
        print(f"| {names[t]} | " + " | ".join(cells) + " |")
    for rate in rates:
        if cpu.get(("sipp", rate)):
            print(f"\nAt {rate} calls/s, load / SIPp UAC CPU per call: {cpu[('load', rate)] / cpu[('sipp', rate)]:.2f}x.")
lr = pick("uac-cpu", "load")
if lr:
    print(f"\n`load`'s JVM start-up, warm-up and exit with a single call take "
          f"{med([1000 * float(r[7]) for r in lr]):.0f} ms of CPU.")
urates = sorted({r[3] for r in rows if r[0] == "uas-cpu"}, key=float)
ucpu = {}
if urates:  # none with UAS_RATES= (set and empty)
    unames = {"uas": "Dialtone `uas`", "uas-alt": f"Dialtone `uas` ({alt})", "sipp": "SIPp UAS (`sipp -sn uas`)"}
    print(f"\nUAS under SIPp's UAC: CPU per 1,000 calls (ms) over a {uas_s} s run after a {uas_warm} s warm-up run at "
          "the same rate; failed calls and RSS after the run in brackets.\n")
    print("| UAS | " + " | ".join(f"at {r} calls/s" for r in urates) + " |")
    print("|---|" + "---|" * len(urates))
    for t in ("uas", "uas-alt", "sipp"):
        if not pick("uas-cpu", t):
            continue
        cells = []
        for rate in urates:
            rr = pick("uas-cpu", t, rate)
            xs = [1000 * int(r[4]) / max(1, int(r[5])) for r in rr]
            ucpu[(t, rate)] = med(xs)
            cells.append(f"{med(xs):.1f} ({fmt(xs, '{:.1f}')}; failed {fmt([int(r[6]) for r in rr])}; "
                         f"{med([int(r[7]) / 1024 for r in rr]):.0f} MiB)")
        print(f"| {unames[t]} | " + " | ".join(cells) + " |")
    for rate in urates:
        if ucpu.get(("sipp", rate)):
            print(f"\nAt {rate} calls/s, uas / SIPp UAS CPU per call: {ucpu[('uas', rate)] / ucpu[('sipp', rate)]:.2f}x.")
EOF
log "raw results: $RESULTS; every run's output under $OUT/rep*/"
