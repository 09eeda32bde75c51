package dev.dialtone.bench.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

class ProcStatTest {

    @Test
    void cpuNanos_isUtimePlusStime_evenWithSpacesAndParenthesesInTheName() {
        String stat = "4242 (relay (x) 1) S 1 4242 4242 0 -1 4194304 500 0 0 0 250 75 0 0 20 0 3 0 100 0 0";
        assertEquals((250 + 75) * 10_000_000L, CpuClock.ProcStat.cpuNanos(stat));
    }

    @Test
    void processClock_countsThisThreadsWork() {
        CpuClock clock = CpuClock.process(ProcessHandle.current().pid());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long before = clock.cpuNanos();
        long until = mx.getCurrentThreadCpuTime() + 100_000_000L;
        while (mx.getCurrentThreadCpuTime() < until) {
            Thread.onSpinWait();
        }
        long used = clock.cpuNanos() - before;
        // 100 ms of this thread, read at the kernel's 10 ms tick
        assertTrue(used >= 80_000_000L, "process CPU advanced only " + used + " ns");
    }
}
