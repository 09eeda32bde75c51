package dev.dialtone.sip.codec;

import dev.dialtone.sip.message.Header;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * What the SIP decoders pass up the pipeline: a message, a failure, or a keep-alive ping. Decoders never throw;
 * {@code sender} and {@code recipient} are set by the datagram decoder and null on a stream (the channel knows).
 */
public sealed interface SipFrame {

    InetSocketAddress sender();

    InetSocketAddress recipient();

    /** A message that parsed (and passed {@link SipValidator} when the decoder validates). */
    record Message(SipMessage message, InetSocketAddress sender, InetSocketAddress recipient) implements SipFrame {
    }

    /**
     * A message that could not be used.
     *
     * @param error        the fault, with a reason fit for a {@code 400} reason phrase
     * @param message      the parsed message when only validation failed, else null
     * @param framingLost  true on a stream whose framing is lost (bad or missing Content-Length, too large): the
     *                     decoder discards the rest of the connection's input and the transport should close it
     */
    record Invalid(SipParseException error, SipMessage message, boolean framingLost, InetSocketAddress sender,
                   InetSocketAddress recipient) implements SipFrame {

        public String reason() {
            return error.reason();
        }

        /**
         * The {@code 400 <reason>} answer for a bad request (RFC 3261 8.2.2, 16.3), when one can be formed: the
         * start line is a request's and Via, From, To, Call-ID and CSeq could be read. A request of another SIP
         * version gets {@code 505} instead (RFC 3261 21.5.21, RFC 4475 3.1.2.16). Empty for responses
         * (they are dropped, RFC 3261 18.1.2) and for requests too damaged to answer.
         */
        public Optional<SipResponse> badRequest() {
            String reason = error.reason();
            int status = reason.startsWith(SipValidator.VERSION_NOT_SUPPORTED) ? 505 : 400;
            if (message instanceof SipRequest r) {
                try {
                    return Optional.of(r.createResponse(status, reason));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
            if (message != null) {
                return Optional.empty();
            }
            String startLine = error.startLine();
            if (startLine == null || startLine.regionMatches(true, 0, "SIP/", 0, 4)) {
                return Optional.empty();
            }
            List<Header> headers = error.headers();
            try {
                SipResponse.Builder b = SipResponse.builder(status, reason);
                for (String name : List.of(HeaderName.VIA, HeaderName.FROM, HeaderName.TO, HeaderName.CALL_ID,
                    HeaderName.CSEQ)) {
                    boolean found = false;
                    for (Header h : headers) {
                        if (h.name().equals(name)) {
                            b.header(name, h.value());
                            found = true;
                        }
                    }
                    if (!found) {
                        return Optional.empty();
                    }
                }
                return Optional.of(b.build());
            } catch (IllegalArgumentException e) {
                // a header value the builder refuses (it could not be copied safely): no answer
                return Optional.empty();
            }
        }
    }

    /**
     * A double-CRLF keep-alive ping between messages (RFC 5626 4.4.1): a stream transport answers with a single
     * CRLF pong. (Over UDP RFC 5626 uses STUN instead; a CRLF-only datagram is reported the same way.)
     */
    record Ping(InetSocketAddress sender, InetSocketAddress recipient) implements SipFrame {
    }

    /** Parses and optionally validates one complete message, turning any fault into {@link Invalid}. */
    static SipFrame decode(byte[] bytes, int length, boolean datagram, boolean validate, InetSocketAddress sender,
                           InetSocketAddress recipient) {
        SipMessage m;
        try {
            m = SipMessage.parse(bytes, length, datagram);
        } catch (SipParseException e) {
            return new Invalid(e, null, false, sender, recipient);
        }
        if (validate) {
            try {
                SipValidator.validate(m);
            } catch (SipParseException e) {
                return new Invalid(e, m, false, sender, recipient);
            } catch (RuntimeException e) {
                return new Invalid(new SipParseException(0, "Malformed message"), m, false, sender, recipient);
            }
        }
        return new Message(m, sender, recipient);
    }
}
