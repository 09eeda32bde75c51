package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipResponse;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Records what a state machine does, with timers on a clock moved by hand. */
final class FakeContext implements TransactionContext {
    final List<SipMessage> sent = new ArrayList<>();
    final List<Long> sentAt = new ArrayList<>();
    final List<SipResponse> delivered = new ArrayList<>();
    final List<TransactionFailure> failures = new ArrayList<>();
    final Map<Timer, Long> armedAt = new EnumMap<>(Timer.class);
    boolean terminated;
    long now;

    @Override
    public void send(SipMessage message) {
        sent.add(message);
        sentAt.add(now);
    }

    @Override
    public void schedule(Timer timer, long delayMillis) {
        armedAt.put(timer, now + delayMillis);
    }

    @Override
    public void cancel(Timer timer) {
        armedAt.remove(timer);
    }

    @Override
    public void deliver(SipResponse response) {
        delivered.add(response);
    }

    @Override
    public void failed(TransactionFailure failure, String reason) {
        failures.add(failure);
    }

    @Override
    public void terminated() {
        terminated = true;
    }

    /** Fires every timer in turn, each as the machine arms it, until none is left armed. */
    void fireAll(java.util.function.Consumer<TransactionEvent> machine) {
        Timer fired;
        while ((fired = advanceToNextTimer()) != null) {
            machine.accept(new TransactionEvent.TimerFired(fired));
        }
    }

    /**
     * Moves the clock to the next armed timer (the earliest; ties in enum order) and returns it, so the test can
     * feed it to the machine as a {@code TimerFired} event. Null when nothing is armed.
     */
    Timer advanceToNextTimer() {
        Timer next = null;
        for (Map.Entry<Timer, Long> e : armedAt.entrySet()) {
            if (next == null || e.getValue() < armedAt.get(next)) {
                next = e.getKey();
            }
        }
        if (next != null) {
            now = armedAt.remove(next);
        }
        return next;
    }
}
