package dev.dialtone.sip.message;

import java.nio.ByteBuffer;
import java.util.List;

/**
 * An immutable SIP message (RFC 3261 7). It owns the bytes it was parsed from (or built into): serializing an
 * unmodified message gives them back exactly. Headers are framed eagerly and parsed on first access; typed
 * getters throw {@link SipParseException} for a malformed value. Changes go through {@code toBuilder()}.
 */
public sealed interface SipMessage permits SipRequest, SipResponse {

    String SIP_2_0 = "SIP/2.0";

    /**
     * Frames and parses {@code wire[0, length)}, which the message then owns (do not modify it afterwards).
     * With {@code datagram} the RFC 3261 18.3 UDP rules apply (Content-Length may be shorter than the rest,
     * which is then ignored; absent means the rest is the body); otherwise the bytes must be exactly one message
     * whose Content-Length matches its body. Most callers want {@code dev.dialtone.sip.codec.SipParser}.
     *
     * @throws SipParseException if the bytes are not a SIP message
     */
    static SipMessage parse(byte[] wire, int length, boolean datagram) {
        if (length < 0 || length > wire.length) {
            throw new IllegalArgumentException("length " + length + " outside array of " + wire.length);
        }
        try {
            return Framer.parse(wire, length, datagram);
        } catch (SipParseException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new SipParseException(0, "Malformed message");
        }
    }

    /** The SIP-Version of the start line as received (normally {@value #SIP_2_0}). */
    String version();

    /** The start line without CRLF. */
    String startLine();

    /**
     * The first value of header {@code name} (any case, full or compact form), or null. For a list header
     * (Via, Route, Contact, ...) that is the first element of the first line.
     */
    default String header(String name) {
        return head(this).first(name);
    }

    /** All values of header {@code name} in order; values of list headers (Via, Contact, Route, ...) split on commas. */
    default List<String> headers(String name) {
        return head(this).all(name);
    }

    /** True if at least one header called {@code name} is present. */
    default boolean hasHeader(String name) {
        return head(this).indexOf(HeaderName.canonical(name), 0) >= 0;
    }

    /** How many header lines the message has (a list on one line counts once). */
    default int headerCount() {
        return head(this).count;
    }

    /**
     * The name of header line {@code i} (0-based, wire order): for a known header the {@link HeaderName} constant
     * itself, whatever spelling or compact form was on the wire, so names compare by identity.
     */
    default String headerName(int i) {
        Head h = head(this);
        java.util.Objects.checkIndex(i, h.count);
        return h.names[i];
    }

    /** Every header field in wire order, unknown ones included, one entry per line (lists not split). */
    default List<Header> allHeaders() {
        return head(this).rawHeaders();
    }

    default List<Via> vias() {
        return head(this).vias();
    }

    /** The topmost Via value, or null if there is none. */
    default Via topVia() {
        List<Via> v = head(this).vias();
        return v.isEmpty() ? null : v.get(0);
    }

    default Address from() {
        return head(this).from();
    }

    default Address to() {
        return head(this).to();
    }

    default String callId() {
        return head(this).callId();
    }

    default CSeq cseq() {
        return head(this).cseq();
    }

    /** Contact values; a {@code *} is {@link Contact#STAR}. */
    default List<Contact> contacts() {
        return head(this).contacts();
    }

    /** Max-Forwards (0-255), or null if absent. */
    default Integer maxForwards() {
        return head(this).maxForwards();
    }

    default List<Address> routes() {
        return head(this).routes();
    }

    default List<Address> recordRoutes() {
        return head(this).recordRoutes();
    }

    default List<AuthHeader> wwwAuthenticate() {
        return head(this).auth(HeaderName.WWW_AUTHENTICATE);
    }

    default List<AuthHeader> proxyAuthenticate() {
        return head(this).auth(HeaderName.PROXY_AUTHENTICATE);
    }

    default List<AuthHeader> authorization() {
        return head(this).auth(HeaderName.AUTHORIZATION);
    }

    default List<AuthHeader> proxyAuthorization() {
        return head(this).auth(HeaderName.PROXY_AUTHORIZATION);
    }

    /** Expires in seconds, or null. */
    default Long expires() {
        return head(this).seconds(HeaderName.EXPIRES);
    }

    default Long minExpires() {
        return head(this).seconds(HeaderName.MIN_EXPIRES);
    }

    default SessionExpires sessionExpires() {
        return head(this).sessionExpires();
    }

    default Long minSe() {
        return head(this).seconds(HeaderName.MIN_SE);
    }

    /** Option tags of Supported. */
    default List<String> supported() {
        return head(this).supported();
    }

    default List<String> require() {
        return head(this).require();
    }

    default List<String> proxyRequire() {
        return head(this).tokens(HeaderName.PROXY_REQUIRE);
    }

    default List<SipMethod> allow() {
        return head(this).allow();
    }

    default Long rseq() {
        return head(this).seconds(HeaderName.RSEQ);
    }

    default RAck rack() {
        return head(this).rack();
    }

    /** Content-Length as received, or -1 if absent. */
    default int contentLength() {
        return head(this).contentLength;
    }

    /** Content-Type, or null. */
    default String contentType() {
        return head(this).contentType();
    }

    /** A copy of the body (empty if none). */
    default byte[] body() {
        return head(this).body();
    }

    default int bodyLength() {
        Head h = head(this);
        return h.length - h.bodyStart;
    }

    /** A copy of the wire form. */
    default byte[] toBytes() {
        Head h = head(this);
        return java.util.Arrays.copyOf(h.b, h.length);
    }

    /** A read-only view of the wire form, for writing without a copy. */
    default ByteBuffer wire() {
        Head h = head(this);
        return ByteBuffer.wrap(h.b, 0, h.length).asReadOnlyBuffer();
    }

    /** Total length of the wire form in bytes. */
    default int wireLength() {
        return head(this).length;
    }

    private static Head head(SipMessage m) {
        return m instanceof SipRequest r ? r.head : ((SipResponse) m).head;
    }
}
