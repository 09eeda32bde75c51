package dev.dialtone.engine.registrar;

import dev.dialtone.engine.store.StoreException;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;

/** Final responses of the registrar and the call authenticator, each with a To tag. */
final class Responses {
    /** RFC 3261 20.17 and 25.1: rfc1123-date, always GMT, two-digit day. */
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);
    private static final String RETRY_AFTER_SECONDS = "5";

    private Responses() {
    }

    /** A response builder with a fresh To tag: RFC 3261 8.2.6.2, a UAS adds one to a request without. */
    static SipResponse.Builder builder(SipRequest request, int status, String reason) {
        SipResponse.Builder b = request.responseBuilder(status, reason == null ? SipResponse.reasonPhrase(status)
                : reason);
        if (request.to() != null && request.to().tag() == null) {
            b.toTag(tag());
        }
        return b;
    }

    static SipResponse of(SipRequest request, int status) {
        return builder(request, status, null).build();
    }

    static SipResponse of(SipRequest request, int status, String reason) {
        return builder(request, status, reason).build();
    }

    /** A 401 with {@code WWW-Authenticate} or a 407 with {@code Proxy-Authenticate}, one header per challenge. */
    static SipResponse challenge(SipRequest request, int status, List<String> challenges) {
        String header = status == 407 ? HeaderName.PROXY_AUTHENTICATE : HeaderName.WWW_AUTHENTICATE;
        SipResponse.Builder b = builder(request, status, null);
        for (String c : challenges) {
            b.header(header, c);
        }
        return b.build();
    }

    /**
     * The answer when a store call failed: 503 with Retry-After when the store executor is saturated (RFC 3261
     * 21.5.4), 500 otherwise (10.3: a failed update fails the request with 500).
     */
    static SipResponse failure(SipRequest request, Throwable failure) {
        Throwable cause = cause(failure);
        if (cause instanceof RejectedExecutionException) {
            return builder(request, 503, null).header(HeaderName.RETRY_AFTER, RETRY_AFTER_SECONDS).build();
        }
        return of(request, 500, cause instanceof StoreException ? "Store Unavailable" : null);
    }

    /** The failure inside the wrappers a CompletionStage adds. */
    static Throwable cause(Throwable t) {
        while (t instanceof CompletionException && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    /** True for the failure of a saturated store executor: expected under overload, not worth a warning each. */
    static boolean overload(Throwable t) {
        return cause(t) instanceof RejectedExecutionException;
    }

    static String date(Instant now) {
        return DATE.format(now);
    }

    private static String tag() {
        return Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
    }
}
