package dev.dialtone.bench.load;

import dev.dialtone.bench.report.LoadReport;
import dev.dialtone.sip.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a call leaves behind in the driver once it has ended: nothing. */
@Timeout(60)
class SipCallDriverTest {

    @Test
    void endedCalls_releaseTheirDialogsMapEntriesAndRtpPorts() throws Exception {
        // Answering 300 ms after ringing, so that the CANCEL of every third call wins the race with the 200.
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(300), Transport.UDP, null);
             SipCallDriver driver = SipCallDriver.open(LoadConfig.builder("127.0.0.1", uas.port(Transport.UDP))
                     .rtp(true).build())) {
            RateSchedule schedule = RateSchedule.ofCalls(20, 6);
            LoadMetrics metrics = new LoadMetrics(1);
            OpenLoopGenerator.Plan plan = new OpenLoopGenerator.Plan(schedule, 0, 1.0 / 3, 100, Hangup.CALLER, 0.1,
                    TimeUnit.SECONDS.toNanos(20), OpenLoopGenerator.DEFAULT_START_GRID);
            OpenLoopGenerator.Result result = new OpenLoopGenerator(plan, driver, metrics, Clock.SYSTEM, s -> { })
                    .run();
            LoadReport r = LoadReports.build(new LoadReport.Settings("t", "UDP", 20, 6L, null, 0, 100, "caller",
                    1.0 / 3, true, false, 0.1, null, null, null, 10, 32_000), Instant.now(), metrics, result, true, null, null);

            assertEquals(new LoadReport.Counts(6, 6, 4, 4, 2, 0, 0), r.counts());
            assertEquals(0, driver.activeCalls(), "no call left in the driver's table");
            assertEquals(0, driver.dialogs().activeDialogs(), "no dialog left in the stack");
            assertEquals(0, driver.dialogs().armedTimers(), "no dialog timer left");
            assertEquals(0, driver.openRtpPorts(), "every RTP port closed");
            assertEquals(4, r.rtp().calls(), "media only in answered calls");
        }
    }

    @Test
    void callsAreNumberedInTheirCallIds_withATokenOfTheProcessThatTwoDriversDoNotShare() throws Exception {
        try (TestUas uas = new TestUas(TestUas.Behaviour.answering(0), Transport.UDP, null)) {
            for (int run = 0; run < 2; run++) {
                try (SipCallDriver driver = SipCallDriver.open(LoadConfig.builder("127.0.0.1",
                        uas.port(Transport.UDP)).build())) {
                    OpenLoopGenerator.Plan plan = new OpenLoopGenerator.Plan(RateSchedule.ofCalls(50, 3), 0, 0, 0,
                            Hangup.CALLER, 0.1, TimeUnit.SECONDS.toNanos(10), OpenLoopGenerator.DEFAULT_START_GRID);
                    new OpenLoopGenerator(plan, driver, new LoadMetrics(1), Clock.SYSTEM, s -> { }).run();
                }
            }
            java.util.List<String> ids = java.util.List.copyOf(uas.inviteCallIds);
            assertEquals(6, ids.size(), ids.toString());
            java.util.Map<String, java.util.Set<Integer>> numbersByToken = new java.util.HashMap<>();
            for (String id : ids) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)-([0-9a-f]+)@127\\.0\\.0\\.1")
                        .matcher(id);
                org.junit.jupiter.api.Assertions.assertTrue(m.matches(), id);
                numbersByToken.computeIfAbsent(m.group(2), t -> new java.util.TreeSet<>())
                        .add(Integer.parseInt(m.group(1)));
            }
            java.util.Set<String> tokens = numbersByToken.keySet();
            for (java.util.Set<Integer> numbers : numbersByToken.values()) {
                assertEquals(java.util.Set.of(1, 2, 3), numbers, "each driver numbers its calls from 1: " + ids);
            }
            assertEquals(2, tokens.size(), "each driver its own token: " + ids);
        }
    }
}
