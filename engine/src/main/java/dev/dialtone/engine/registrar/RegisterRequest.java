package dev.dialtone.engine.registrar;

import dev.dialtone.sip.message.Contact;
import dev.dialtone.sip.message.CSeq;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a REGISTER asks for, read and checked for syntax before anything is looked up: the To user, the Contacts
 * with the expiry each requests (RFC 3261 10.3 steps 6 and 7), or {@code *}.
 *
 * @param username the To URI's user part (unescaped), null when it has none
 * @param wildcard {@code Contact: *} (with {@code Expires: 0}, checked here)
 * @param contacts the Contacts to bind, refresh or remove, one per distinct URI (the last wins), in order
 */
record RegisterRequest(String username, boolean wildcard, List<RequestedContact> contacts, String callId,
                       long cseq) {

    /**
     * One Contact: {@code uri} is the binding's key and Request-URI text (the canonical form of the URI, so that
     * escaping differences do not make two bindings, RFC 3261 19.1.4); {@code expires} is what was requested, in
     * seconds; {@code q} the q-value as written, or null.
     */
    record RequestedContact(String uri, long expires, String q) {
    }

    /** A parsed request, or the response that refuses it. */
    sealed interface Result {
    }

    record Parsed(RegisterRequest request) implements Result {
    }

    record Refused(SipResponse response) implements Result {
    }

    /** Reads {@code request}; bad input becomes a 4xx, never an exception. */
    static Result read(SipRequest request, long defaultExpires) {
        try {
            return readOrThrow(request, defaultExpires);
        } catch (SipParseException e) {
            return new Refused(Responses.of(request, 400, e.reason()));
        }
    }

    private static Result readOrThrow(SipRequest request, long defaultExpires) {
        String callId = request.callId();
        CSeq cseq = request.cseq();
        if (callId == null || cseq == null || request.to() == null) {
            return refuse(request, 400, "Missing Call-ID, CSeq or To");
        }
        // RFC 3261 10.2: the Request-URI names the registrar's domain, a sip or sips URI.
        if (!(request.requestUri() instanceof SipUri)) {
            return refuse(request, 416, null);
        }
        // RFC 3261 10.3 step 5 and RFC 4475 3.3.4 (unksm2): an address-of-record is a sip or sips URI.
        if (!(request.to().uri() instanceof SipUri to)) {
            return refuse(request, 400, "To Must Be A SIP Or SIPS URI");
        }
        // RFC 3261 10.3 step 2: no extension is supported here, so any required one is refused.
        List<String> required = request.require();
        if (!required.isEmpty()) {
            return new Refused(Responses.builder(request, 420, null)
                    .header(HeaderName.UNSUPPORTED, String.join(", ", required)).build());
        }
        Long expiresHeader = request.expires();
        List<Contact> contacts = request.contacts();
        if (contacts.size() == 1 && contacts.get(0).isStar()) {
            // RFC 3261 10.3 step 6: "*" only with Expires: 0 (the parser already refused "*" beside others).
            if (expiresHeader == null || expiresHeader != 0) {
                return refuse(request, 400, "Contact * Requires Expires: 0");
            }
            return new Parsed(new RegisterRequest(to.user(), true, List.of(), callId, cseq.seq()));
        }
        Map<String, RequestedContact> byUri = new LinkedHashMap<>();
        for (Contact c : contacts) {
            if (!(c.uri() instanceof SipUri uri)) {
                return refuse(request, 400, "Contact Must Be A SIP Or SIPS URI");
            }
            Long expires = c.expires();
            long requested = expires != null ? expires : expiresHeader != null ? expiresHeader : defaultExpires;
            String key = uri.toString();
            byUri.remove(key);
            byUri.put(key, new RequestedContact(key, requested, c.address().params().get("q")));
        }
        return new Parsed(new RegisterRequest(to.user(), false, new ArrayList<>(byUri.values()), callId,
                cseq.seq()));
    }

    private static Refused refuse(SipRequest request, int status, String reason) {
        return new Refused(Responses.of(request, status, reason));
    }
}
