package dev.dialtone.media.sdp;

/**
 * A field this model keeps verbatim ({@code i=}, {@code u=}, {@code e=}, {@code p=}, {@code b=}, {@code t=},
 * {@code r=}, {@code z=}, {@code k=} or an unknown type), so that re-serializing a parsed session loses nothing.
 */
public record SdpField(char type, String value) {
    public SdpField {
        if (type < 'a' || type > 'z') {
            throw new IllegalArgumentException("SDP field type must be a lowercase letter: " + type);
        }
        if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("SDP field value must be one line");
        }
    }

    @Override
    public String toString() {
        return type + "=" + value;
    }
}
