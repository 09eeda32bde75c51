package dev.dialtone.sip.message;

/** A tel URI (RFC 3966): the number as written (global {@code +...} or local) and its parameters. */
public record TelUri(String number, Parameters params) implements Uri {

    public TelUri {
        if (number == null || number.isEmpty()) {
            throw new IllegalArgumentException("empty telephone number");
        }
        params = params == null ? Parameters.EMPTY : params;
    }

    @Override
    public String scheme() {
        return "tel";
    }

    public boolean isGlobal() {
        return number.startsWith("+");
    }

    @Override
    public String toString() {
        return "tel:" + number + params;
    }
}
