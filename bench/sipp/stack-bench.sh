#!/usr/bin/env bash
# SIP stack transactions per second: `dialtone-bench.jar uas` versus SIPp's own UAS, both driven by the same SIPp
# UAC on loopback, in the same run.
#
#   bench/sipp/stack-bench.sh                       # everything, about 25 minutes on 2 cores
#   DURATION=5 REPS=1 WORKLOADS=call TRANSPORTS=udp bench/sipp/stack-bench.sh
#
# Workloads: "options" (OPTIONS -> 200, one transaction per SIPp call) and "call" (SIPp's built-in uac:
# INVITE/100/180/200/ACK/BYE/200, two transactions per call). Transports: udp, tcp.
# Each server runs alone on CPU $SERVER_CPU (taskset), the SIPp client on CPU $CLIENT_CPU. A step offers RATE calls
# per second for DURATION seconds (RATE*DURATION calls) and passes when SIPp exits 0 with every call successful, none
# failed or timed out (-recv_timeout), and the last call done within DURATION+2 s (the server kept up). Each
# repetition restarts the servers one after the other (so both see the same background load), warms each up for
# WARMUP s, measures its cost (CPU seconds per 1,000 calls, utime+stime from /proc/PID/stat) over a DURATION step at
# START_RATE (mostly the fixed cost of an idle process at that low rate), then climbs by STEP_UP (x1.4) until a step
# fails and bisects twice; later repetitions start from the previous maximum. Reported per server, transport and
# workload: medians over REPS of the maximum rate, of the cost at START_RATE and of the cost at the maximum rate.
# Needs: java 17, sipp, taskset, a built bench/target/dialtone-bench.jar (mvn -pl bench -am package -DskipTests).
set -euo pipefail

HERE="$(cd "$(dirname "$0")" && pwd)"
JAR="${JAR:-$HERE/../target/dialtone-bench.jar}"
DURATION="${DURATION:-10}"
WARMUP="${WARMUP:-10}"
REPS="${REPS:-3}"
START_RATE="${START_RATE:-200}"
STEP_UP="${STEP_UP:-1.4}"
MAX_RATE="${MAX_RATE:-40000}"
WORKLOADS="${WORKLOADS:-options call}"
TRANSPORTS="${TRANSPORTS:-udp tcp}"
SERVERS="${SERVERS:-dialtone sipp}"
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"
PORT="${PORT:-25060}"
CLIENT_PORT="${CLIENT_PORT:-25070}"
JAVA_OPTS="${JAVA_OPTS:--Xms256m -Xmx512m}"
OUT="${OUT:-$(mktemp -d /tmp/stack-bench.XXXXXX)}"
CLK_TCK="$(getconf CLK_TCK)"
# The Dialtone transport asks for 1 MiB socket buffers; SIPp gets the same (its default is 64 KiB).
SOCKET_BUFFER="${SOCKET_BUFFER:-1048576}"

for tool in java sipp taskset awk ss; do
    command -v "$tool" >/dev/null || { echo "stack-bench: $tool not found" >&2; exit 2; }
done
[[ -f "$JAR" ]] || { echo "stack-bench: no $JAR; build it with mvn -pl bench -am package -DskipTests" >&2; exit 2; }

SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=""
}
trap cleanup EXIT INT TERM

cpu_ticks() { # utime + stime of a process, in clock ticks
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}

start_server() { # server transport workload
    local server=$1 transport=$2 workload=$3 t
    t=$([[ $transport == tcp ]] && echo t1 || echo u1)
    local i
    for i in $(seq 1 100); do
        [[ -z "$(ss -H -ltun "sport = :$PORT" 2>/dev/null)$(ss -H -ltun "sport = :$CLIENT_PORT" 2>/dev/null)" ]] && break
        if (( i == 100 )); then
            echo "stack-bench: port $PORT or $CLIENT_PORT is taken; choose others with PORT=... CLIENT_PORT=..." >&2
            exit 2
        fi
        sleep 0.1
    done
    case $server in
        dialtone)
            # shellcheck disable=SC2086
            taskset -c "$SERVER_CPU" java $JAVA_OPTS -jar "$JAR" uas --bind 127.0.0.1 --port "$PORT" \
                --transport "$transport" --ring 0 --threads 1 >"$OUT/server.log" 2>&1 &
            ;;
        sipp)
            local scenario=(-sn uas)
            [[ $workload == options ]] && scenario=(-sf "$HERE/options-uas.xml")
            taskset -c "$SERVER_CPU" sipp "${scenario[@]}" -i 127.0.0.1 -p "$PORT" -t "$t" -max_socket 1000 \
                -buff_size "$SOCKET_BUFFER" -nostdin >"$OUT/server.log" 2>&1 &
            ;;
    esac
    SERVER_PID=$!
    # A JVM on a busy machine can take seconds to bind: wait for the listening socket, up to 60 s.
    local proto=$([[ $transport == tcp ]] && echo -t || echo -u)
    for i in $(seq 1 600); do
        kill -0 "$SERVER_PID" 2>/dev/null || break
        [[ -n "$(ss -H -ln "$proto" "sport = :$PORT" 2>/dev/null)" ]] && return 0
        sleep 0.1
    done
    echo "server $server did not start listening on $transport port $PORT" >&2
    cat "$OUT/server.log" >&2
    exit 1
}

# One step: prints "pass|fail successful failed retransmissions elapsed_s cpu_s"
run_step() { # transport workload rate
    local transport=$1 workload=$2 rate=$3 t calls stats before after rc=0 scenario
    t=$([[ $transport == tcp ]] && echo t1 || echo u1)
    calls=$(( rate * DURATION ))
    stats="$OUT/step.csv"
    rm -f "$stats"
    if [[ $workload == options ]]; then scenario=(-sf "$HERE/options-uac.xml" -s uas); else scenario=(-sn uac); fi
    before=$(cpu_ticks "$SERVER_PID")
    local t0 t1
    t0=$(date +%s.%N)
    taskset -c "$CLIENT_CPU" sipp "${scenario[@]}" "127.0.0.1:$PORT" -i 127.0.0.1 -p "$CLIENT_PORT" -t "$t" \
        -r "$rate" -rp 1000 -m "$calls" -l $(( rate * 5 )) -recv_timeout 5000 \
        -timeout $(( DURATION * 3 + 10 )) -timeout_error -max_socket 1000 -buff_size "$SOCKET_BUFFER" \
        -nostdin -trace_stat -stf "$stats" -fd 1 >/dev/null 2>&1 || rc=$?
    t1=$(date +%s.%N)
    after=$(cpu_ticks "$SERVER_PID")
    awk -F';' -v rc="$rc" -v calls="$calls" -v dur="$DURATION" -v t0="$t0" -v t1="$t1" \
        -v cpu="$(( after - before ))" -v tck="$CLK_TCK" '
        NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }
        { last = $0 }
        END {
            split(last, f, ";")
            ok = f[col["SuccessfulCall(C)"]]; bad = f[col["FailedCall(C)"]]; re = f[col["Retransmissions(C)"]]
            el = t1 - t0
            pass = (rc == 0 && ok == calls && bad == 0 && el <= dur + 2) ? "pass" : "fail"
            printf "%s %d %d %d %.1f %.2f\n", pass, ok, bad, re, el, cpu / tck
        }' "$stats" 2>/dev/null || echo "fail 0 0 0 0 0"
}

median() { sort -n | awk '{ a[NR] = $1 } END { if (NR == 0) print 0; else if (NR % 2) print a[(NR + 1) / 2]; else print int((a[NR / 2] + a[NR / 2 + 1]) / 2) }'; }

RESULTS="$OUT/results.csv"
echo "server,transport,workload,rep,max_rate,cpu_s_per_1000_calls_at_start_rate,cpu_s_per_1000_calls_at_max_rate" >"$RESULTS"
echo "stack-bench: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(java -version 2>&1 | head -1)"
echo "stack-bench: load average before: $(cut -d' ' -f1-3 /proc/loadavg); output in $OUT"

declare -A GUESS
for workload in $WORKLOADS; do
  for transport in $TRANSPORTS; do
    for rep in $(seq 1 "$REPS"); do
      # Servers alternate within a repetition, so both see the same background load.
      for server in $SERVERS; do
        start_server "$server" "$transport" "$workload"
        # Warm-up (the JVM compiles its hot paths), not counted; then the cost at the start rate.
        saved=$DURATION; DURATION=$WARMUP; run_step "$transport" "$workload" "$START_RATE" >/dev/null; DURATION=$saved
        read -r verdict ok bad re el cpu < <(run_step "$transport" "$workload" "$START_RATE")
        cost=$(awk -v c="$cpu" -v n="$ok" 'BEGIN { printf "%.3f", n ? c * 1000 / n : 0 }')
        echo "  $server $transport $workload rep $rep: cost at $START_RATE/s: $verdict, ${cost} CPU s per 1000 calls"
        key="$server/$transport/$workload"
        best=0; best_cost=0; fail=0; rate=${GUESS[$key]:-$START_RATE}
        while (( rate <= MAX_RATE )); do
          read -r verdict ok bad re el cpu < <(run_step "$transport" "$workload" "$rate")
          echo "  $server $transport $workload rep $rep: $rate/s $verdict (ok $ok failed $bad retrans $re, ${el}s, server cpu ${cpu}s)"
          if [[ $verdict == pass ]]; then
            best=$rate; best_cost=$(awk -v c="$cpu" -v n="$ok" 'BEGIN { printf "%.3f", n ? c * 1000 / n : 0 }')
            (( fail > 0 )) && break
            rate=$(awk -v r="$rate" -v s="$STEP_UP" 'BEGIN { printf "%d", r * s }')
          else
            fail=$rate
            (( best > 0 )) && break
            rate=$(( rate * 2 / 3 ))
            (( rate < 10 )) && break
          fi
        done
        # Two bisections between the best pass and the first failure.
        for _ in 1 2; do
          (( best > 0 && fail > best )) || break
          mid=$(( (best + fail) / 2 ))
          (( mid > best )) || break
          read -r verdict ok bad re el cpu < <(run_step "$transport" "$workload" "$mid")
          echo "  $server $transport $workload rep $rep: $mid/s $verdict (ok $ok failed $bad retrans $re, ${el}s, server cpu ${cpu}s)"
          if [[ $verdict == pass ]]; then
            best=$mid; best_cost=$(awk -v c="$cpu" -v n="$ok" 'BEGIN { printf "%.3f", n ? c * 1000 / n : 0 }')
          else
            fail=$mid
          fi
        done
        echo "$server,$transport,$workload,$rep,$best,$cost,$best_cost" >>"$RESULTS"
        echo "  => $server $transport $workload rep $rep: max $best/s"
        GUESS[$key]=$(( best > 0 ? best : START_RATE ))
        cleanup
        sleep 1
      done
    done
  done
done

echo "stack-bench: load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| workload | transport | server | max rate/s (median of $REPS) | transactions/s | CPU s per 1,000 calls at $START_RATE/s | at the max rate | vs SIPp UAS |"
echo "|---|---|---|---:|---:|---:|---:|---:|"
for workload in $WORKLOADS; do
  for transport in $TRANSPORTS; do
    sipp_rate=$(awk -F, -v w="$workload" -v t="$transport" '$1 == "sipp" && $2 == t && $3 == w { print $5 }' "$RESULTS" | median)
    for server in $SERVERS; do
      rate=$(awk -F, -v s="$server" -v w="$workload" -v t="$transport" '$1 == s && $2 == t && $3 == w { print $5 }' "$RESULTS" | median)
      cpu=$(awk -F, -v s="$server" -v w="$workload" -v t="$transport" '$1 == s && $2 == t && $3 == w { print $6 * 1000 }' "$RESULTS" | median)
      cpu_max=$(awk -F, -v s="$server" -v w="$workload" -v t="$transport" '$1 == s && $2 == t && $3 == w { print $7 * 1000 }' "$RESULTS" | median)
      if [[ $workload == call ]]; then tx=$(( rate * 2 )); else tx=$rate; fi
      ratio=$(awk -v a="$rate" -v b="$sipp_rate" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')
      printf "| %s | %s | %s | %d | %d | %.3f | %.3f | %s |\n" "$workload" "$transport" \
        "$([[ $server == dialtone ]] && echo 'bench uas' || echo 'SIPp UAS')" "$rate" "$tx" \
        "$(awk -v c="$cpu" 'BEGIN { print c / 1000 }')" "$(awk -v c="$cpu_max" 'BEGIN { print c / 1000 }')" "$ratio"
    done
  done
done
echo
echo "raw results: $RESULTS"
