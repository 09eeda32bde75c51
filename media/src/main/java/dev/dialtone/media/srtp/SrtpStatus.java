package dev.dialtone.media.srtp;

/**
 * Outcome of one protect/unprotect. The {@code byte[]} methods of {@link SrtpTransformer} return the new length,
 * or {@code -code()} of one of these on failure, so the hot path allocates nothing.
 */
public enum SrtpStatus {
    OK,
    /** Too short, not RTP version 2, or a header (CSRC list, extension) running past the end. */
    MALFORMED,
    /** The authentication tag does not match: forged, corrupted, or keyed differently. */
    AUTH_FAILED,
    /** RFC 3711 3.3.2: this index was already received. */
    REPLAYED,
    /** RFC 3711 3.3.2: older than the replay window, cannot be checked, so dropped. */
    TOO_OLD,
    /** The packet carries an MKI that is not the one of this key. */
    MKI_MISMATCH,
    /** The target buffer (byte[] variant) has no room for the tag. */
    BUFFER_TOO_SMALL,
    /** More distinct SSRCs than one transformer tracks ({@link SrtpTransformer#MAX_STREAMS}). */
    TOO_MANY_STREAMS;

    public int code() {
        return ordinal();
    }

    /** The status of a value returned by a {@code byte[]} method: {@link #OK} for a length. */
    public static SrtpStatus of(int result) {
        return result >= 0 ? OK : values()[-result];
    }
}
