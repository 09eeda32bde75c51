package dev.dialtone.bench.load;

import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;

/**
 * A target on simulated time. It answers after {@code serviceMillis}; with {@code serial} it serves one INVITE at
 * a time in arrival order (a server that falls behind); {@code reject} decides, by send time, which calls get 503.
 * Rings 1 ms before answering, and BYE takes 1 ms.
 */
final class FakeTarget implements CallDriver {
    final SimulatedClock clock;
    final double serviceMillis;
    final boolean serial;
    final LongPredicate reject;
    final boolean answers;
    final List<long[]> sends = new ArrayList<>();
    final List<CallAttempt> placed = new ArrayList<>();
    private long freeAt;

    FakeTarget(SimulatedClock clock, double serviceMillis, boolean serial, LongPredicate reject, boolean answers) {
        this.clock = clock;
        this.serviceMillis = serviceMillis;
        this.serial = serial;
        this.reject = reject;
        this.answers = answers;
    }

    static FakeTarget answering(SimulatedClock clock, double serviceMillis) {
        return new FakeTarget(clock, serviceMillis, false, t -> false, true);
    }

    @Override
    public void place(CallAttempt a) {
        long now = clock.nanoTime();
        placed.add(a);
        sends.add(new long[] {a.intendedStart(), now});
        a.inviteSent(now);
        if (!answers) {
            return;
        }
        long start = serial ? Math.max(now, freeAt) : now;
        long answerAt = start + SimulatedClock.ms(serviceMillis);
        if (serial) {
            freeAt = answerAt;
        }
        clock.at(answerAt - SimulatedClock.ms(1), () -> a.provisional(180, clock.nanoTime()));
        if (reject.test(now)) {
            clock.at(answerAt, () -> {
                a.finalResponse(503, clock.nanoTime());
                a.failed("503");
            });
            return;
        }
        if (a.cancel()) {
            clock.at(answerAt, () -> {
                a.finalResponse(487, clock.nanoTime());
                a.cancelled();
            });
            return;
        }
        clock.at(answerAt, () -> a.finalResponse(200, clock.nanoTime()));
        long byeAt = answerAt + SimulatedClock.ms(a.holdMillis());
        clock.at(byeAt, () -> a.byeSent(clock.nanoTime()));
        clock.at(byeAt + SimulatedClock.ms(1), () -> {
            a.byeAnswered(200, clock.nanoTime());
            a.completed();
        });
    }

    @Override
    public void close() {
    }
}
