package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.Uri;
import dev.dialtone.sip.message.Via;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** Records what a dialog does, with timers on a clock moved by hand. */
final class FakeDialogContext implements DialogContext {
    final List<SipRequest> sent = new ArrayList<>();
    final List<Uri> sentTo = new ArrayList<>();
    final List<Long> sentAt = new ArrayList<>();
    final List<SipRequest> acks = new ArrayList<>();
    final List<SipResponse> provisionals = new ArrayList<>();
    final List<SipRequest> arrived = new ArrayList<>();
    final List<Responder> arrivedResponders = new ArrayList<>();
    final List<SipRequest> ackArrived = new ArrayList<>();
    final Map<DialogTimer, Long> armedAt = new EnumMap<>(DialogTimer.class);
    final List<Termination> terminations = new ArrayList<>();
    boolean terminatedConfirmed;
    int randomValue;
    int lastBound;
    long now;
    private int branches;

    @Override
    public Via via(Uri nextHop) {
        return Via.of("UDP", "127.0.0.1", 5060, Via.MAGIC_COOKIE + "-b" + (++branches));
    }

    @Override
    public void send(SipRequest request, Uri nextHop) {
        sent.add(request);
        sentTo.add(nextHop);
        sentAt.add(now);
    }

    @Override
    public void sendAck(SipRequest ack, Uri nextHop) {
        acks.add(ack);
    }

    @Override
    public void schedule(DialogTimer timer, long delayMillis) {
        armedAt.put(timer, now + delayMillis);
    }

    @Override
    public void cancel(DialogTimer timer) {
        armedAt.remove(timer);
    }

    @Override
    public int random(int bound) {
        lastBound = bound;
        return Math.min(randomValue, bound - 1);
    }

    @Override
    public void provisional(SipResponse response) {
        provisionals.add(response);
    }

    @Override
    public void requestArrived(SipRequest request, Responder responder) {
        arrived.add(request);
        arrivedResponders.add(responder);
    }

    @Override
    public void ackArrived(SipRequest ack) {
        ackArrived.add(ack);
    }

    @Override
    public void terminated(Termination reason, boolean confirmed) {
        terminations.add(reason);
        terminatedConfirmed = confirmed;
    }

    /** Moves the clock to the earliest armed timer, disarms and returns it (null when none is armed). */
    DialogTimer advanceToNextTimer() {
        DialogTimer next = null;
        for (Map.Entry<DialogTimer, Long> e : armedAt.entrySet()) {
            if (next == null || e.getValue() < armedAt.get(next)) {
                next = e.getKey();
            }
        }
        if (next != null) {
            now = armedAt.remove(next);
        }
        return next;
    }

    SipRequest lastSent() {
        return sent.get(sent.size() - 1);
    }
}
