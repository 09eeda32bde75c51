package dev.dialtone.media.sdp;

/**
 * One {@code a=} line. {@code value} is {@code null} for property attributes ({@code a=rtcp-mux}) and may be empty
 * for {@code a=name:}. Attributes are kept as text in their original order; the typed views
 * ({@link RtpMap}, {@link Fmtp}, {@link Crypto}, …) parse them on demand.
 */
public record Attribute(String name, String value) {
    public Attribute {
        if (name == null || name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == ':')) {
            throw new IllegalArgumentException("attribute name must be a token: " + name);
        }
        if (value != null && (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0)) {
            throw new IllegalArgumentException("attribute value must be one line");
        }
    }

    public static Attribute property(String name) {
        return new Attribute(name, null);
    }

    public static Attribute of(String name, String value) {
        return new Attribute(name, value);
    }

    public boolean is(String attributeName) {
        return name.equalsIgnoreCase(attributeName);
    }

    /** The line content after {@code a=}. */
    @Override
    public String toString() {
        return value == null ? name : name + ":" + value;
    }
}
