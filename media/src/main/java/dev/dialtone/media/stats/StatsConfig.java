package dev.dialtone.media.stats;

import java.time.Duration;
import java.util.Objects;

/**
 * How one leg's received stream is measured.
 *
 * @param clockRate RTP clock rate of the negotiated audio codec (8000 for PCMU/PCMA/G.729,
 *     8000 for G.722 by RFC 3551's historical rule, 48000 for Opus)
 * @param telephoneEventPayloadType the payload type negotiated for RFC 4733 telephone-event, or
 *     -1 when none was; packets of that type are counted as DTMF, everything else as media
 * @param jitterBufferDelay playout delay of the modelled jitter buffer
 * @param jitterBufferMaxPackets depth at which the modelled buffer overflows and is flushed
 */
public record StatsConfig(int clockRate, int telephoneEventPayloadType, Duration jitterBufferDelay,
                          int jitterBufferMaxPackets) {

    public StatsConfig {
        if (clockRate <= 0) {
            throw new IllegalArgumentException("clockRate must be positive: " + clockRate);
        }
        if (telephoneEventPayloadType < -1 || telephoneEventPayloadType > 127) {
            throw new IllegalArgumentException("telephoneEventPayloadType out of range: " + telephoneEventPayloadType);
        }
        Objects.requireNonNull(jitterBufferDelay, "jitterBufferDelay");
        if (jitterBufferDelay.isNegative() || jitterBufferMaxPackets < 1) {
            throw new IllegalArgumentException("bad jitter buffer: " + jitterBufferDelay + ", " + jitterBufferMaxPackets);
        }
    }

    /** 8 kHz audio, no telephone-event, a 60 ms buffer of at most 10 packets. */
    public static StatsConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder().clockRate(clockRate).telephoneEventPayloadType(telephoneEventPayloadType)
                .jitterBufferDelay(jitterBufferDelay).jitterBufferMaxPackets(jitterBufferMaxPackets);
    }

    public static final class Builder {
        private int clockRate = 8000;
        private int telephoneEventPayloadType = -1;
        private Duration jitterBufferDelay = Duration.ofMillis(60);
        private int jitterBufferMaxPackets = 10;

        private Builder() {
        }

        public Builder clockRate(int clockRate) {
            this.clockRate = clockRate;
            return this;
        }

        public Builder telephoneEventPayloadType(int payloadType) {
            this.telephoneEventPayloadType = payloadType;
            return this;
        }

        public Builder jitterBufferDelay(Duration delay) {
            this.jitterBufferDelay = delay;
            return this;
        }

        public Builder jitterBufferMaxPackets(int packets) {
            this.jitterBufferMaxPackets = packets;
            return this;
        }

        public StatsConfig build() {
            return new StatsConfig(clockRate, telephoneEventPayloadType, jitterBufferDelay, jitterBufferMaxPackets);
        }
    }
}
