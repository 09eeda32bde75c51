package dev.dialtone.sip.message;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * What the request and response builders share: the header list (untouched lines are copied from the source
 * message byte for byte) and the body. {@code build()} serializes and frames the result, so a built message is
 * exactly what a parsed one is.
 */
abstract class Draft<B extends Draft<B>> {

    private static final class Entry {
        final String name;
        final String value;
        final Head source;
        final int index;

        Entry(String name, String value) {
            this.name = name;
            this.value = value;
            this.source = null;
            this.index = -1;
        }

        Entry(Head source, int index) {
            this.name = source.names[index];
            this.value = null;
            this.source = source;
            this.index = index;
        }

        String value() {
            return value != null ? value : source.value(index);
        }
    }

    private final List<Entry> entries = new ArrayList<>(16);
    private Head bodySource;
    private byte[] body;
    private boolean bodyChanged;

    Draft(Head source) {
        if (source != null) {
            for (int i = 0; i < source.count; i++) {
                entries.add(new Entry(source, i));
            }
            bodySource = source;
        } else {
            bodyChanged = true;
        }
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }

    void copyHeader(Head source, int index) {
        entries.add(new Entry(source, index));
    }

    private static void check(String name, String value) {
        // A HeaderName constant, as the stack's own builders pass, is a token: one identity probe instead of a scan.
        if (name == null || !HeaderName.isKnown(name) && !Chars.isToken(name)) {
            throw new IllegalArgumentException("header name is not a token: " + name);
        }
        if (value == null || value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("header value must be one line: " + name);
        }
    }

    /** Appends a header field. */
    public B header(String name, String value) {
        check(name, value);
        entries.add(new Entry(HeaderName.canonical(name), value.strip()));
        return self();
    }

    /** Replaces every {@code name} header with one field holding {@code value}, at the first one's position. */
    public B setHeader(String name, String value) {
        check(name, value);
        String canonical = HeaderName.canonical(name);
        int at = -1;
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (HeaderName.same(entries.get(i).name, canonical)) {
                entries.remove(i);
                at = i;
            }
        }
        Entry e = new Entry(canonical, value.strip());
        if (at < 0) {
            entries.add(e);
        } else {
            entries.add(at, e);
        }
        return self();
    }

    /** Removes every {@code name} header. */
    public B removeHeader(String name) {
        String canonical = HeaderName.canonical(name);
        entries.removeIf(e -> HeaderName.same(e.name, canonical));
        return self();
    }

    /** Pushes {@code via} as the new topmost Via (a proxy forwarding a request, RFC 3261 16.6 step 8). */
    public B withTopVia(Via via) {
        int at = firstIndex(HeaderName.VIA);
        entries.add(at < 0 ? 0 : at, new Entry(HeaderName.VIA, via.toString()));
        return self();
    }

    /** Removes the topmost Via value (a proxy forwarding a response, RFC 3261 16.7 step 3). */
    public B withoutTopVia() {
        int at = firstIndex(HeaderName.VIA);
        if (at < 0) {
            throw new IllegalStateException("no Via to remove");
        }
        String v = entries.get(at).value();
        int[] parts = Grammar.split(v);
        entries.remove(at);
        if (parts.length > 2) {
            entries.add(at, new Entry(HeaderName.VIA, v.substring(parts[2]).strip()));
        }
        return self();
    }

    /** Replaces the topmost Via value (e.g. with received/rport added, RFC 3261 18.2.1). */
    public B replaceTopVia(Via via) {
        return withoutTopVia().withTopVia(via);
    }

    /** Sets the body with its Content-Type, and Content-Length to match. */
    public B body(String contentType, byte[] bytes) {
        if (contentType == null) {
            removeHeader(HeaderName.CONTENT_TYPE);
        } else {
            setHeader(HeaderName.CONTENT_TYPE, contentType);
        }
        this.body = bytes == null ? new byte[0] : bytes.clone();
        this.bodySource = null;
        this.bodyChanged = true;
        setHeader(HeaderName.CONTENT_LENGTH, Integer.toString(body.length));
        return self();
    }

    /** Sets the tag of the To header (a UAS answering outside a dialog, RFC 3261 8.2.6.2). */
    public B toTag(String tag) {
        if (tag == null || !Chars.isToken(tag)) {
            throw new IllegalArgumentException("tag is not a token: " + tag);
        }
        int at = firstIndex(HeaderName.TO);
        if (at < 0) {
            throw new IllegalStateException("no To header");
        }
        String v = entries.get(at).value();
        Address to;
        try {
            to = Address.parse(v);
        } catch (SipParseException e) {
            throw new IllegalArgumentException("malformed To: " + e.reason());
        }
        // Appending keeps the To byte for byte as received, which RFC 3261 8.2.6.2 asks for.
        String nv = to.tag() == null ? v + ";tag=" + tag : to.withTag(tag).toString();
        entries.set(at, new Entry(HeaderName.TO, nv));
        return self();
    }

    private int firstIndex(String canonical) {
        for (int i = 0; i < entries.size(); i++) {
            if (HeaderName.same(entries.get(i).name, canonical)) {
                return i;
            }
        }
        return -1;
    }

    /** The start line without CRLF. */
    abstract byte[] startLine();

    /**
     * The message, sized first and written once (a built message is sent at once, often per call) and indexed as
     * it is written: the framer's header slices come from the entries instead of a second pass over the bytes.
     */
    private Head serialize() {
        if (bodyChanged && firstIndex(HeaderName.CONTENT_LENGTH) < 0) {
            int len = body != null ? body.length : 0;
            entries.add(new Entry(HeaderName.CONTENT_LENGTH, Integer.toString(len)));
        }
        byte[] line = startLine();
        int size = line.length + 4;
        // Per new value: its length if it is ASCII (then copied in bulk, and not decoded again), else the
        // complement of its UTF-8 length.
        int[] valueBytes = new int[entries.size()];
        for (int i = 0; i < valueBytes.length; i++) {
            Entry e = entries.get(i);
            if (e.source != null) {
                int to = e.source.lineEnd(e.index);
                size += to - e.source.lineStart(e.index) + (e.source.b[to - 1] != '\n' ? 2 : 0);
            } else {
                valueBytes[i] = asciiLength(e.value);
                if (valueBytes[i] < 0) {
                    valueBytes[i] = ~e.value.getBytes(StandardCharsets.UTF_8).length; // rare: display names
                }
                size += e.name.length() + 2 + (valueBytes[i] < 0 ? ~valueBytes[i] : valueBytes[i]) + 2; // names: tokens
            }
        }
        int bodyFrom = bodySource != null ? bodySource.bodyStart : 0;
        int bodyLength = bodySource != null ? bodySource.length - bodyFrom : body != null ? body.length : 0;
        byte[] out = new byte[size + bodyLength];
        Head h = new Head(out, entries.size());
        System.arraycopy(line, 0, out, 0, line.length);
        int p = line.length;
        h.startLineEnd = p;
        out[p++] = '\r';
        out[p++] = '\n';
        h.headerStart = p;
        for (int i = 0; i < valueBytes.length; i++) {
            Entry e = entries.get(i);
            if (e.source != null) {
                Head src = e.source;
                int from = src.lineStart(e.index);
                int to = src.lineEnd(e.index);
                System.arraycopy(src.b, from, out, p, to - from);
                int delta = p - from;
                p += to - from;
                if (src.b[to - 1] != '\n') {
                    out[p++] = '\r';
                    out[p++] = '\n';
                }
                h.addCopy(src, e.index, delta, p);
            } else {
                p = putAscii(e.name, out, p);
                out[p++] = ':';
                out[p++] = ' ';
                // The framer trims an empty value back to the colon; anything else starts after the space.
                int vs = e.value.isEmpty() ? p - 1 : p;
                boolean ascii = valueBytes[i] >= 0;
                p = ascii ? putAscii(e.value, out, p) : putUtf8(e.value, out, p);
                int ve = e.value.isEmpty() ? vs : p;
                out[p++] = '\r';
                out[p++] = '\n';
                h.add(e.name, vs, ve, p);
                if (ascii) {
                    // The two values read from nearly every message keep the string they were written from. The
                    // others are not kept: a caller holds its INVITE until the answer, and a string per header
                    // per call waiting then was work for each young collection (decoding again is rare and cheap).
                    h.presetOwn(h.count - 1, e.value);
                }
            }
        }
        out[p++] = '\r';
        out[p++] = '\n';
        h.bodyStart = p;
        if (bodyLength > 0) {
            System.arraycopy(bodySource != null ? bodySource.b : body, bodyFrom, out, p, bodyLength);
        }
        return h;
    }

    /** The length of {@code s} if every char of it is ASCII, else -1. */
    static int asciiLength(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (s.charAt(i) >= 0x80) {
                return -1;
            }
        }
        return n;
    }

    /** Copies {@code s}, known to be ASCII, as bytes: for a Latin-1 string the JDK does this as an array copy. */
    @SuppressWarnings("deprecation") // the char-to-low-byte copy is exactly right for ASCII, and allocates nothing
    static int putAscii(String s, byte[] out, int p) {
        s.getBytes(0, s.length(), out, p);
        return p + s.length();
    }

    /** Copies {@code s}, which is not ASCII, as UTF-8. */
    private static int putUtf8(String s, byte[] out, int p) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(b, 0, out, p, b.length);
        return p + b.length;
    }

    SipMessage frame() {
        Head h = serialize();
        try {
            return Framer.indexed(h);
        } catch (SipParseException e) {
            throw new IllegalArgumentException("builder produced an invalid message: " + e.reason());
        }
    }
}
