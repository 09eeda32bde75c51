package dev.dialtone.bench.load;

import dev.dialtone.bench.uas.Uas;
import dev.dialtone.bench.uas.UasConfig;
import dev.dialtone.sip.transport.Transport;

import java.io.IOException;

/**
 * Calls placed before the run to a callee in this process, so that the JVM has compiled the call path (building
 * INVITEs, parsing responses, transactions, dialogs) before the first real call. A cold JVM runs that path
 * interpreted for its first second or two: at a few hundred calls per second it then answers late, the target
 * retransmits, and a strict UAS such as SIPp's aborts those calls. Nothing of the warm-up is counted.
 */
final class Warmup {
    private static final double RATE = 2_000;
    private static final long DRAIN_NANOS = 5_000_000_000L;

    private Warmup() {
    }

    /** Places {@code calls} calls over UDP on the loopback; returns how many were answered. */
    static long run(int calls, LoadCommand.DriverFactory drivers) throws IOException, InterruptedException {
        UasConfig uasConfig = UasConfig.builder().bindHost("127.0.0.1").port(0).transport(Transport.UDP).build();
        try (Uas uas = Uas.start(uasConfig)) {
            LoadConfig config = LoadConfig.builder("127.0.0.1", uas.port()).localHost("127.0.0.1").threads(1).build();
            LoadMetrics metrics = new LoadMetrics(1);
            OpenLoopGenerator.Plan plan = new OpenLoopGenerator.Plan(RateSchedule.ofCalls(RATE, calls), 0, 0, 0,
                    Hangup.CALLER, 100, DRAIN_NANOS, OpenLoopGenerator.DEFAULT_START_GRID);
            try (CallDriver driver = drivers.open(config)) {
                new OpenLoopGenerator(plan, driver, metrics, Clock.SYSTEM, status -> { }).run();
            }
            return metrics.answered.sum();
        }
    }
}
