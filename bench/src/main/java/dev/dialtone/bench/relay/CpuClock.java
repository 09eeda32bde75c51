package dev.dialtone.bench.relay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU time a relay has used so far, read at the start and end of the measured window. */
interface CpuClock {

    /** CPU time used so far, in nanoseconds, or -1 when unknown. */
    long cpuNanos();

    /** How the time is measured, for the report. */
    String describe();

    CpuClock NONE = new CpuClock() {
        @Override
        public long cpuNanos() {
            return -1;
        }

        @Override
        public String describe() {
            return "not measured";
        }
    };

    /**
     * User plus system time of a whole process, every thread of it (for a JVM: event loops, GC and
     * JIT alike), from {@code /proc/PID/stat}.
     */
    static CpuClock process(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        return new CpuClock() {
            @Override
            public long cpuNanos() {
                try {
                    return ProcStat.cpuNanos(Files.readString(stat));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + stat + " (has the relay exited?)", e);
                }
            }

            @Override
            public String describe() {
                return "process " + pid + " utime+stime";
            }
        };
    }

    /** CPU time of this JVM's threads whose name starts with {@code prefix}, from the thread MXBean. */
    static CpuClock threads(String prefix) {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] ids = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().startsWith(prefix))
                .mapToLong(Thread::getId)
                .toArray();
        if (ids.length == 0) {
            throw new IllegalStateException("no thread named " + prefix + "*");
        }
        return new CpuClock() {
            @Override
            public long cpuNanos() {
                long sum = 0;
                for (long id : ids) {
                    sum += Math.max(0, mx.getThreadCpuTime(id));
                }
                return sum;
            }

            @Override
            public String describe() {
                return ids.length + " thread(s) " + prefix + "* (thread MXBean)";
            }
        };
    }

    /** Parsing of {@code /proc/PID/stat}. */
    final class ProcStat {

        /** Linux reports these times in USER_HZ, which is 100 on every mainstream architecture. */
        static final long NANOS_PER_TICK = 10_000_000L;

        private ProcStat() {
        }

        /**
         * utime + stime (fields 14 and 15, proc(5)). The command name (field 2) is in parentheses and
         * may itself hold spaces and parentheses, so fields are counted from the last ')'.
         */
        static long cpuNanos(String stat) {
            int end = stat.lastIndexOf(')');
            if (end < 0) {
                throw new IllegalArgumentException("not a /proc/PID/stat line: " + stat);
            }
            String[] fields = stat.substring(end + 2).strip().split(" ");
            // fields[0] is field 3 (state), so field n is fields[n - 3]
            long utime = Long.parseLong(fields[14 - 3]);
            long stime = Long.parseLong(fields[15 - 3]);
            return (utime + stime) * NANOS_PER_TICK;
        }
    }
}
