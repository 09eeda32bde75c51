package dev.dialtone.engine.cxml;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code <Dial>} with its {@code <Sip>} nouns, dialed in parallel; the first to answer is bridged.
 *
 * @param action         URL requested when the dialed call ends ({@code DialCallStatus} etc.); absent: go on with the
 *                       next verb
 * @param method         method of the {@code action} request
 * @param timeout        seconds to wait for an answer, {@value #MIN_TIMEOUT}..{@value #MAX_TIMEOUT}
 * @param callerId       caller id presented to the dialed party; for {@code <Sip>} any of {@code [A-Za-z0-9+-_.,]}
 * @param callerName     display name presented to the dialed party, at most {@value #MAX_CALLER_NAME} characters
 * @param hangupOnStar   the caller hangs up the dialed party by pressing {@code *}
 * @param timeLimit      maximum seconds of the bridged call
 * @param answerOnBridge the caller is answered only when the dialed party answers
 * @param record         whether and from when to record
 * @param ringTone       ring tone played to the caller while dialing (a country code such as {@code us})
 * @param sips           one to {@value #MAX_SIPS} SIP destinations
 */
public record Dial(Optional<String> action, HttpMethod method, int timeout, Optional<String> callerId,
                   Optional<String> callerName, boolean hangupOnStar, int timeLimit, boolean answerOnBridge,
                   RecordMode record, Optional<String> ringTone, List<Sip> sips) implements Verb {

    public static final HttpMethod DEFAULT_METHOD = HttpMethod.POST;
    public static final int DEFAULT_TIMEOUT = 30;
    public static final int MIN_TIMEOUT = 5;
    public static final int MAX_TIMEOUT = 600;
    public static final int DEFAULT_TIME_LIMIT = 14_400;
    public static final int MAX_TIME_LIMIT = 86_400;
    public static final int MAX_CALLER_NAME = 70;
    public static final int MAX_SIPS = 10;

    public Dial {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(callerId, "callerId");
        Objects.requireNonNull(callerName, "callerName");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(ringTone, "ringTone");
        sips = List.copyOf(sips);
        if (timeout < MIN_TIMEOUT || timeout > MAX_TIMEOUT) {
            throw new IllegalArgumentException("timeout out of range: " + timeout);
        }
        if (timeLimit < 1 || timeLimit > MAX_TIME_LIMIT) {
            throw new IllegalArgumentException("timeLimit out of range: " + timeLimit);
        }
        if (sips.isEmpty() || sips.size() > MAX_SIPS) {
            throw new IllegalArgumentException("a Dial needs 1 to " + MAX_SIPS + " Sip nouns, not " + sips.size());
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.action = action.orElse(null);
        b.method = method;
        b.timeout = timeout;
        b.callerId = callerId.orElse(null);
        b.callerName = callerName.orElse(null);
        b.hangupOnStar = hangupOnStar;
        b.timeLimit = timeLimit;
        b.answerOnBridge = answerOnBridge;
        b.record = record;
        b.ringTone = ringTone.orElse(null);
        b.sips.addAll(sips);
        return b;
    }

    /** Builds a {@link Dial} starting from the defaults cXML gives an attribute left out. */
    public static final class Builder {
        private String action;
        private HttpMethod method = DEFAULT_METHOD;
        private int timeout = DEFAULT_TIMEOUT;
        private String callerId;
        private String callerName;
        private boolean hangupOnStar;
        private int timeLimit = DEFAULT_TIME_LIMIT;
        private boolean answerOnBridge;
        private RecordMode record = RecordMode.DO_NOT_RECORD;
        private String ringTone;
        private final List<Sip> sips = new ArrayList<>();

        private Builder() {
        }

        public Builder action(String action) { this.action = action; return this; }
        public Builder method(HttpMethod method) { this.method = method; return this; }
        public Builder timeout(int timeout) { this.timeout = timeout; return this; }
        public Builder callerId(String callerId) { this.callerId = callerId; return this; }
        public Builder callerName(String callerName) { this.callerName = callerName; return this; }
        public Builder hangupOnStar(boolean hangupOnStar) { this.hangupOnStar = hangupOnStar; return this; }
        public Builder timeLimit(int timeLimit) { this.timeLimit = timeLimit; return this; }
        public Builder answerOnBridge(boolean answerOnBridge) { this.answerOnBridge = answerOnBridge; return this; }
        public Builder record(RecordMode record) { this.record = record; return this; }
        public Builder ringTone(String ringTone) { this.ringTone = ringTone; return this; }
        public Builder addSip(Sip sip) { this.sips.add(sip); return this; }

        public Dial build() {
            return new Dial(Optional.ofNullable(action), method, timeout, Optional.ofNullable(callerId),
                    Optional.ofNullable(callerName), hangupOnStar, timeLimit, answerOnBridge, record,
                    Optional.ofNullable(ringTone), sips);
        }
    }
}
