package dev.dialtone.sip.codec;

/**
 * Limits and options of the SIP decoders.
 *
 * @param maxMessageSize largest message (start line, headers and body) accepted, in bytes; larger ones are
 *                       rejected with reason "Message too large" (a stream then loses framing and is skipped)
 * @param validate       also run {@link SipValidator} on each parsed message, so semantic faults come out as
 *                       {@link SipFrame.Invalid} (with the parsed message) instead of reaching the transaction layer
 */
public record SipDecoderConfig(int maxMessageSize, boolean validate) {

    /** 64 KiB (the largest UDP datagram, RFC 3261 18.1.1), validation on. */
    public static final SipDecoderConfig DEFAULT = new SipDecoderConfig(65535, true);

    public SipDecoderConfig {
        if (maxMessageSize < 64) {
            throw new IllegalArgumentException("maxMessageSize too small: " + maxMessageSize);
        }
    }

    public SipDecoderConfig withMaxMessageSize(int maxMessageSize) {
        return new SipDecoderConfig(maxMessageSize, validate);
    }

    public SipDecoderConfig withValidate(boolean validate) {
        return new SipDecoderConfig(maxMessageSize, validate);
    }
}
