package dev.dialtone.engine.call;

import dev.dialtone.engine.cxml.HttpMethod;
import dev.dialtone.sip.message.Header;

import java.util.List;
import java.util.Objects;

/** What an {@link InboundRouter} decided to do with a new INVITE. */
public sealed interface Route {

    /**
     * Run the cXML at {@code url}. When it cannot be fetched or is not valid cXML, {@code fallbackUrl} (if any) is
     * tried once before the call fails. {@code statusCallbackUrl} (if any) hears the call's {@code initiated},
     * {@code ringing}, {@code answered} and {@code completed} events. A null {@code url} means no application takes
     * the call: it is refused with 404.
     */
    record Application(String url, HttpMethod method, String fallbackUrl, HttpMethod fallbackMethod,
                       String statusCallbackUrl, HttpMethod statusCallbackMethod) implements Route {
        public Application {
            Objects.requireNonNull(method, "method");
            fallbackMethod = fallbackMethod == null ? HttpMethod.POST : fallbackMethod;
            statusCallbackMethod = statusCallbackMethod == null ? HttpMethod.POST : statusCallbackMethod;
        }

        /** Just a document, as {@code --inbound-url} gives one. */
        public static Application of(String url, HttpMethod method) {
            return new Application(url, method, null, null, null, null);
        }
    }

    /**
     * Ring every registered contact of the endpoint {@code username} with no application in between, as a proxy
     * would: the caller hears the callee ring and is answered when it answers, and gets its final status
     * (486 when busy, 480 when not registered or not answering, 404 when there is no such endpoint).
     *
     * @param callerName the display name to present (the calling endpoint's {@code caller_id}), or null
     * @param codecs     the codecs to offer the callee, by name ({@code PCMU}, {@code OPUS}...; the calling
     *                   endpoint's {@code codecs}); empty for the {@code <Sip>} default, PCMU and PCMA
     */
    record DialEndpoint(String username, String callerName, List<String> codecs) implements Route {
        public DialEndpoint {
            Objects.requireNonNull(username, "username");
            codecs = List.copyOf(codecs);
        }
    }

    /**
     * Answer the INVITE with this final response and make no call of it: a {@code 407} challenge with its
     * {@code Proxy-Authenticate} headers, a {@code 403} for a source that is not trusted...
     */
    record Reject(int status, String reason, List<Header> headers) implements Route {
        public Reject {
            if (status < 300 || status > 699) {
                throw new IllegalArgumentException("not a final error status: " + status);
            }
            headers = List.copyOf(headers);
        }
    }
}
