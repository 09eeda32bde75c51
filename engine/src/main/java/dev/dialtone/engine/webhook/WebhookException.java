package dev.dialtone.engine.webhook;

import java.util.OptionalInt;

/** Why a webhook request failed; the exceptional completion of {@link WebhookClient#fetch}. */
public final class WebhookException extends Exception {

    /** What went wrong. */
    public enum Reason {
        /** The URL cannot be requested (syntax, scheme). */
        INVALID_URL,
        /** The application answered with a status outside 2xx; see {@link #status()}. */
        HTTP_STATUS,
        /** No connection or no answer within the configured timeout. */
        TIMEOUT,
        /** Connection refused or reset, DNS failure, TLS failure. */
        NETWORK,
        /** The body is larger than the client's limit. */
        BODY_TOO_LARGE,
        /** A {@code file:} document cannot be read. */
        FILE,
        /** The client is closed or its file readers are saturated. */
        REJECTED
    }

    private final Reason reason;
    private final int status;

    WebhookException(Reason reason, String message, Throwable cause) {
        this(reason, 0, message, cause);
    }

    WebhookException(Reason reason, int status, String message, Throwable cause) {
        super(message, cause, false, false);
        this.reason = reason;
        this.status = status;
    }

    public Reason reason() {
        return reason;
    }

    /** The HTTP status, for {@link Reason#HTTP_STATUS}. */
    public OptionalInt status() {
        return reason == Reason.HTTP_STATUS ? OptionalInt.of(status) : OptionalInt.empty();
    }

    /** Worth another try: the network, a timeout, or a 5xx. */
    public boolean isTransient() {
        return reason == Reason.NETWORK || reason == Reason.TIMEOUT || reason == Reason.HTTP_STATUS && status >= 500;
    }
}
