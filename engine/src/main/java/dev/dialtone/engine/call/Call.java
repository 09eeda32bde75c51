package dev.dialtone.engine.call;

import dev.dialtone.engine.call.CallEvent.Answered;
import dev.dialtone.engine.call.CallEvent.Canceled;
import dev.dialtone.engine.call.CallEvent.Failed;
import dev.dialtone.engine.call.CallEvent.HangupBy;
import dev.dialtone.engine.call.CallEvent.HungUp;
import dev.dialtone.engine.call.CallEvent.Initiated;
import dev.dialtone.engine.call.CallEvent.NoAnswer;
import dev.dialtone.engine.call.CallEvent.Rejected;
import dev.dialtone.engine.call.CallEvent.Ringing;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.Objects;

/**
 * One call leg's life, as the compatibility API reports it. Every leg, inbound or dialed, has one.
 *
 * <pre>
 *  queued --Initiated--> initiated --Ringing--> ringing
 *     |                     |                      |
 *     |                     +---Answered-----------+---Answered--> in-progress --HungUp--> completed
 *     |                     |                      |
 *     +---Failed/Canceled---+--Rejected 486/600----+--> busy
 *                           +--Rejected other------+--> failed
 *                           +--NoAnswer------------+--> no-answer
 *                           +--Canceled------------+--> canceled
 *                           +--Failed--------------+--> failed
 * </pre>
 * The machine does no I/O: it records the facts and tells its listener about each change, on the call's executor.
 */
public final class Call {
    private static final Logger log = LoggerFactory.getLogger(Call.class);

    /** Hears every state change of a call, after the change. */
    public interface Listener {
        void onStatus(Call call, CallStatus previous);
    }

    private final String callSid;
    private final String accountSid;
    private final Direction direction;
    private final String from;
    private final String to;
    private final String parentCallSid;
    private final Clock clock;
    private final Listener listener;
    private CallStatus status = CallStatus.QUEUED;
    private final Instant created;
    private Instant answered;
    private Instant ended;
    private int sipResultCode;
    private String sipResultPhrase = "";
    private HangupBy hangupBy;

    /** {@code Direction} as the compatibility API spells it. */
    public enum Direction {
        INBOUND("inbound"), OUTBOUND_API("outbound-api"), OUTBOUND_DIAL("outbound-dial");

        private final String wire;

        Direction(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }
    }

    public Call(String callSid, String accountSid, Direction direction, String from, String to, String parentCallSid,
                Clock clock, Listener listener) {
        this.callSid = Objects.requireNonNull(callSid);
        this.accountSid = accountSid;
        this.direction = direction;
        this.from = from;
        this.to = to;
        this.parentCallSid = parentCallSid;
        this.clock = clock;
        this.listener = listener;
        this.created = clock.instant();
    }

    public void on(CallEvent event) {
        CallStatus previous = status;
        switch (status) {
            case QUEUED -> {
                if (event instanceof Initiated) {
                    status = CallStatus.INITIATED;
                } else {
                    end(event);
                }
            }
            case INITIATED, RINGING -> {
                if (event instanceof Ringing r) {
                    if (status == CallStatus.INITIATED) {
                        status = CallStatus.RINGING;
                    }
                    sipResultCode = r.sipCode();
                } else if (event instanceof Answered a) {
                    status = CallStatus.IN_PROGRESS;
                    sipResultCode = a.sipCode();
                    sipResultPhrase = "OK";
                    answered = clock.instant();
                } else {
                    end(event);
                }
            }
            case IN_PROGRESS -> {
                if (event instanceof HungUp h) {
                    status = CallStatus.COMPLETED;
                    hangupBy = h.by();
                    ended = clock.instant();
                } else if (event instanceof Failed f) {
                    // A failure after answer (a lapsed session timer, media timeout) still completes the call.
                    status = CallStatus.COMPLETED;
                    hangupBy = HangupBy.LOCAL;
                    sipResultPhrase = f.reason();
                    ended = clock.instant();
                } else {
                    log.debug("Call {} in {} ignores {}", callSid, status, event);
                }
            }
            case COMPLETED, BUSY, NO_ANSWER, FAILED, CANCELED ->
                    log.debug("Call {} already {} ignores {}", callSid, status, event);
        }
        if (status != previous) {
            log.info("Call {} {} -> {}{}", callSid, previous.wire(), status.wire(),
                    status.isFinal() && sipResultCode > 0 ? " (" + sipResultCode + " " + sipResultPhrase + ")" : "");
            if (listener != null) {
                listener.onStatus(this, previous);
            }
        }
    }

    /** The ways a call that never got answered ends. */
    private void end(CallEvent event) {
        if (event instanceof Rejected r) {
            sipResultCode = r.sipCode();
            sipResultPhrase = r.phrase();
            // 486 Busy Here and 600 Busy Everywhere are "busy"; every other refusal is "failed".
            status = r.sipCode() == 486 || r.sipCode() == 600 ? CallStatus.BUSY : CallStatus.FAILED;
            hangupBy = HangupBy.REMOTE;
        } else if (event instanceof NoAnswer) {
            status = CallStatus.NO_ANSWER;
            sipResultCode = 487;
            sipResultPhrase = "Request Terminated";
            hangupBy = HangupBy.LOCAL;
        } else if (event instanceof Canceled c) {
            status = CallStatus.CANCELED;
            sipResultCode = 487;
            sipResultPhrase = "Request Terminated";
            hangupBy = c.by();
        } else if (event instanceof Failed f) {
            status = CallStatus.FAILED;
            sipResultCode = f.sipCode();
            sipResultPhrase = f.reason();
            hangupBy = HangupBy.LOCAL;
        } else {
            log.debug("Call {} in {} ignores {}", callSid, status, event);
            return;
        }
        ended = clock.instant();
    }

    public String callSid() {
        return callSid;
    }

    public String accountSid() {
        return accountSid;
    }

    public Direction direction() {
        return direction;
    }

    public String from() {
        return from;
    }

    public String to() {
        return to;
    }

    public String parentCallSid() {
        return parentCallSid;
    }

    public CallStatus status() {
        return status;
    }

    public Instant created() {
        return created;
    }

    public Instant answeredAt() {
        return answered;
    }

    public Instant endedAt() {
        return ended;
    }

    /** Seconds from answer to hangup, 0 for a call never answered, as {@code CallDuration} reports it. */
    public long durationSeconds() {
        if (answered == null) {
            return 0;
        }
        Instant end = ended != null ? ended : clock.instant();
        return Math.max(0, end.getEpochSecond() - answered.getEpochSecond());
    }

    public int sipResultCode() {
        return sipResultCode;
    }

    public String sipResultPhrase() {
        return sipResultPhrase;
    }

    public HangupBy hangupBy() {
        return hangupBy;
    }
}
