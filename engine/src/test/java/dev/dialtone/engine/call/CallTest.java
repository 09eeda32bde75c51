package dev.dialtone.engine.call;

import dev.dialtone.engine.call.CallEvent.HangupBy;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CallTest {
    private final List<String> changes = new ArrayList<>();
    private Instant now = Instant.parse("2026-11-23T10:00:00Z");

    private Call newCall() {
        Clock clock = new Clock() {
            @Override
            public ZoneOffset getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now;
            }
        };
        return new Call("CA1", "AC1", Call.Direction.OUTBOUND_DIAL, "+1555", "sip:bob@example.com", "CA0", clock,
                (call, previous) -> changes.add(previous.wire() + ">" + call.status().wire()));
    }

    @Test
    void answeredCall_completesWithItsDuration() {
        Call c = newCall();
        c.on(new CallEvent.Initiated());
        c.on(new CallEvent.Ringing(180));
        c.on(new CallEvent.Ringing(183));
        c.on(new CallEvent.Answered(200));
        now = now.plusSeconds(42);
        c.on(new CallEvent.HungUp(HangupBy.REMOTE, "BYE"));
        assertEquals(List.of("queued>initiated", "initiated>ringing", "ringing>in-progress", "in-progress>completed"),
                changes);
        assertEquals(42, c.durationSeconds());
        assertEquals(HangupBy.REMOTE, c.hangupBy());
        assertEquals(200, c.sipResultCode());
    }

    @Test
    void busyHereAndBusyEverywhere_areBusy_otherRefusalsFailed() {
        Call busy = newCall();
        busy.on(new CallEvent.Initiated());
        busy.on(new CallEvent.Rejected(486, "Busy Here"));
        assertEquals(CallStatus.BUSY, busy.status());
        assertEquals(486, busy.sipResultCode());

        Call everywhere = newCall();
        everywhere.on(new CallEvent.Initiated());
        everywhere.on(new CallEvent.Rejected(600, "Busy Everywhere"));
        assertEquals(CallStatus.BUSY, everywhere.status());

        Call refused = newCall();
        refused.on(new CallEvent.Initiated());
        refused.on(new CallEvent.Ringing(180));
        refused.on(new CallEvent.Rejected(403, "Forbidden"));
        assertEquals(CallStatus.FAILED, refused.status());
        assertEquals("Forbidden", refused.sipResultPhrase());
    }

    @Test
    void unansweredCall_endsAsNoAnswerOrCanceled_withZeroDuration() {
        Call late = newCall();
        late.on(new CallEvent.Initiated());
        late.on(new CallEvent.Ringing(180));
        late.on(new CallEvent.NoAnswer());
        assertEquals(CallStatus.NO_ANSWER, late.status());
        assertEquals(0, late.durationSeconds());

        Call canceled = newCall();
        canceled.on(new CallEvent.Initiated());
        canceled.on(new CallEvent.Canceled(HangupBy.REMOTE));
        assertEquals(CallStatus.CANCELED, canceled.status());
        assertEquals(487, canceled.sipResultCode());
    }

    @Test
    void finalStatus_isNeverLeft() {
        Call c = newCall();
        c.on(new CallEvent.Initiated());
        c.on(new CallEvent.Rejected(486, "Busy Here"));
        c.on(new CallEvent.Answered(200));
        c.on(new CallEvent.HungUp(HangupBy.LOCAL, "BYE"));
        assertEquals(CallStatus.BUSY, c.status());
        assertEquals(List.of("queued>initiated", "initiated>busy"), changes);
    }

    @Test
    void wireNames_areTheCompatibilityApisOwn() {
        assertEquals("in-progress", CallStatus.IN_PROGRESS.wire());
        assertEquals("no-answer", CallStatus.NO_ANSWER.wire());
        assertEquals(CallStatus.NO_ANSWER, CallStatus.fromWire("no-answer"));
    }
}
