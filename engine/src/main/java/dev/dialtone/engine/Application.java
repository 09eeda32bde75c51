package dev.dialtone.engine;

import java.util.Map;

/**
 * A call-control application living in the same JVM: given a request about a call, it returns the cXML document
 * to run. The engine calls it on a bounded worker pool, never on a SIP event loop, so it may block briefly.
 *
 * <p>URLs in its documents ({@code <Dial action>}, {@code <Sip url>}, {@code <Redirect>}) that are relative come
 * back to it as {@link Request#url()}; absolute {@code http(s):} or {@code file:} URLs are fetched as webhooks.
 */
@FunctionalInterface
public interface Application {

    /** The cXML document for this request; an invalid document ends the call as a webhook's would. */
    String respond(Request request) throws Exception;

    /**
     * A request about a call: the first one has {@code url} "/", later ones the URL written in the document.
     * {@code params} are the webhook parameters of INTERFACES §4 ({@code CallSid}, {@code From}, ...).
     */
    record Request(String url, String method, Map<String, String> params) {
        public Request {
            params = Map.copyOf(params);
        }

        public String param(String name) {
            return params.get(name);
        }
    }
}
