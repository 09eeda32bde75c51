package dev.dialtone.sip.message;

/**
 * A SIP method. Methods are extensible (RFC 3261 7.1: method = INVITEm / ... / extension-method), so this is
 * not an enum: {@link #valueOf(String)} returns the cached constant for a known name and a new instance
 * otherwise. Method names are case-sensitive.
 */
public final class SipMethod {

    public static final SipMethod INVITE = new SipMethod("INVITE");
    public static final SipMethod ACK = new SipMethod("ACK");
    public static final SipMethod BYE = new SipMethod("BYE");
    public static final SipMethod CANCEL = new SipMethod("CANCEL");
    public static final SipMethod OPTIONS = new SipMethod("OPTIONS");
    public static final SipMethod REGISTER = new SipMethod("REGISTER");
    public static final SipMethod PRACK = new SipMethod("PRACK");
    public static final SipMethod UPDATE = new SipMethod("UPDATE");
    public static final SipMethod INFO = new SipMethod("INFO");
    public static final SipMethod REFER = new SipMethod("REFER");
    public static final SipMethod MESSAGE = new SipMethod("MESSAGE");
    public static final SipMethod SUBSCRIBE = new SipMethod("SUBSCRIBE");
    public static final SipMethod NOTIFY = new SipMethod("NOTIFY");

    private static final SipMethod[] KNOWN = {
        INVITE, ACK, BYE, CANCEL, OPTIONS, REGISTER, PRACK, UPDATE, INFO, REFER, MESSAGE, SUBSCRIBE, NOTIFY
    };

    private final String name;

    private SipMethod(String name) {
        this.name = name;
    }

    /**
     * The method called {@code name}: a cached constant for the standard methods, else a new extension method.
     *
     * @throws IllegalArgumentException if {@code name} is not a token
     */
    public static SipMethod valueOf(String name) {
        for (SipMethod m : KNOWN) {
            if (m.name.equals(name)) {
                return m;
            }
        }
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty method name");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Chars.isToken(name.charAt(i))) {
                throw new IllegalArgumentException("method is not a token: " + name);
            }
        }
        return new SipMethod(name);
    }

    private static final Interned<SipMethod> BY_BYTES = new Interned<>(
        java.util.Arrays.stream(KNOWN).map(m -> m.name).toArray(String[]::new), KNOWN);

    /** The method in {@code b[from, to)}, which the caller has checked to be a token; no allocation for known methods. */
    static SipMethod of(byte[] b, int from, int to) {
        SipMethod m = BY_BYTES.get(b, from, to);
        return m != null ? m : new SipMethod(new String(b, from, to - from, java.nio.charset.StandardCharsets.ISO_8859_1));
    }

    public String name() {
        return name;
    }

    /** True for the methods RFC 3261 and its common extensions define; false for extension methods. */
    public boolean isStandard() {
        for (SipMethod m : KNOWN) {
            if (m == this) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SipMethod other && other.name.equals(name);
    }

    @Override
    public int hashCode() {
        return name.hashCode();
    }

    @Override
    public String toString() {
        return name;
    }
}
