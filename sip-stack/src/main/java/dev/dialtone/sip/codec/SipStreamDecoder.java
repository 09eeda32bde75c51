package dev.dialtone.sip.codec;

import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipParseException;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/**
 * Frames SIP messages on a stream (TCP, TLS) by Content-Length (RFC 3261 18.3) and emits {@link SipFrame}s.
 * Handles partial reads, several messages in one read, and CRLF keep-alives between messages: a double CRLF is
 * emitted as {@link SipFrame.Ping} (RFC 5626 4.4.1: answer with one CRLF), a lone CRLF is skipped (RFC 3261 7.5).
 *
 * <p>Faults, all reported as {@link SipFrame.Invalid}, never thrown:
 * <table>
 *   <caption>Stream decoding faults</caption>
 *   <tr><th>reason</th><th>framing</th></tr>
 *   <tr><td>Missing Content-Length</td><td>lost: rest of input discarded</td></tr>
 *   <tr><td>Bad Content-Length: ...</td><td>lost</td></tr>
 *   <tr><td>Message too large ({@link SipDecoderConfig#maxMessageSize()})</td><td>lost</td></tr>
 *   <tr><td>any other parse or validation fault</td><td>kept: decoding continues with the next message</td></tr>
 * </table>
 * Once framing is lost the decoder stays in {@code BAD_MESSAGE} and skips all input; the transport should close
 * the connection (RFC 4475 3.1.2.3).
 */
public final class SipStreamDecoder extends ByteToMessageDecoder {

    private enum State { READ_HEAD, READ_BODY, BAD_MESSAGE }

    private static final int CRLF = 0x0D0A;
    private static final int CRLFCRLF = 0x0D0A0D0A;

    private final SipDecoderConfig config;
    private State state = State.READ_HEAD;
    // bytes of the current head already searched for its end, so a partial read is not rescanned
    private int searched;
    private int expected;

    public SipStreamDecoder() {
        this(SipDecoderConfig.DEFAULT);
    }

    public SipStreamDecoder(SipDecoderConfig config) {
        this.config = config;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (true) {
            switch (state) {
                case READ_HEAD -> {
                    if (!skipKeepAlives(in, out)) {
                        return;
                    }
                    int headLength = findHeadEnd(in);
                    if (headLength < 0) {
                        if (in.readableBytes() > config.maxMessageSize()) {
                            lose(in, out, new SipParseException(config.maxMessageSize(), "Message too large"));
                        }
                        return;
                    }
                    byte[] head = new byte[headLength];
                    in.getBytes(in.readerIndex(), head);
                    int contentLength;
                    try {
                        contentLength = contentLength(head);
                    } catch (SipParseException e) {
                        lose(in, out, withContext(head, e));
                        continue;
                    }
                    if ((long) headLength + contentLength > config.maxMessageSize()) {
                        lose(in, out, new SipParseException(config.maxMessageSize(), "Message too large"));
                        continue;
                    }
                    expected = headLength + contentLength;
                    searched = 0;
                    state = State.READ_BODY;
                }
                case READ_BODY -> {
                    if (in.readableBytes() < expected) {
                        return;
                    }
                    byte[] bytes = new byte[expected];
                    in.readBytes(bytes);
                    state = State.READ_HEAD;
                    out.add(SipFrame.decode(bytes, bytes.length, false, config.validate(), null, null));
                }
                case BAD_MESSAGE -> {
                    in.skipBytes(in.readableBytes());
                    return;
                }
            }
        }
    }

    /** Consumes CRLFs before a start line; false when more input is needed to tell a ping from a lone CRLF. */
    private boolean skipKeepAlives(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int r = in.readerIndex();
            byte c = in.getByte(r);
            if (c != '\r' && c != '\n') {
                return true;
            }
            int n = in.readableBytes();
            if (n >= 4 && in.getInt(r) == CRLFCRLF) {
                in.skipBytes(4);
                out.add(new SipFrame.Ping(null, null));
            } else if (n >= 2 && in.getShort(r) == CRLF) {
                if (n < 4 && isLineBreaks(in, r + 2, r + n)) {
                    return false;
                }
                in.skipBytes(2);
            } else if (n == 1 && c == '\r') {
                return false;
            } else {
                in.skipBytes(1);
            }
        }
        return false;
    }

    private static boolean isLineBreaks(ByteBuf in, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = in.getByte(i);
            if (c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    /** Length of the head including the empty line, or -1 if it has not all arrived. */
    private int findHeadEnd(ByteBuf in) {
        int r = in.readerIndex();
        int limit = Math.min(in.writerIndex(), r + config.maxMessageSize());
        int from = r + Math.max(3, searched);
        while (from < limit) {
            int lf = in.indexOf(from, limit, (byte) '\n');
            if (lf < 0) {
                break;
            }
            if (lf - r >= 3 && in.getInt(lf - 3) == CRLFCRLF) {
                return lf + 1 - r;
            }
            from = lf + 1;
        }
        searched = Math.max(0, limit - r);
        return -1;
    }

    /** The Content-Length in the head: required and single on a stream (RFC 3261 18.3, 20.14). */
    private static int contentLength(byte[] head) {
        int value = -1;
        int line = 0;
        int to = head.length;
        while (line < to) {
            int lf = line;
            while (lf < to && head[lf] != '\n') {
                lf++;
            }
            int nameEnd = line;
            while (nameEnd < lf && isNameChar(head[nameEnd])) {
                nameEnd++;
            }
            int colon = nameEnd;
            while (colon < lf && (head[colon] == ' ' || head[colon] == '\t')) {
                colon++;
            }
            if (colon < lf && head[colon] == ':' && isContentLength(head, line, nameEnd)) {
                if (value >= 0) {
                    throw new SipParseException(line, "Bad Content-Length: multiple values");
                }
                value = parseValue(head, colon + 1, lf, line);
            }
            line = lf + 1;
        }
        if (value < 0) {
            throw new SipParseException(0, "Missing Content-Length");
        }
        return value;
    }

    private static boolean isNameChar(byte c) {
        return c > ' ' && c != ':' && c < 0x7f;
    }

    private static boolean isContentLength(byte[] head, int from, int to) {
        int len = to - from;
        if (len == 1) {
            return (head[from] | 0x20) == 'l';
        }
        String name = "content-length";
        if (len != name.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if ((head[from + i] | 0x20) != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static int parseValue(byte[] head, int from, int to, int offset) {
        int p = from;
        while (p < to && (head[p] == ' ' || head[p] == '\t')) {
            p++;
        }
        int e = to;
        while (e > p && (head[e - 1] == '\r' || head[e - 1] == ' ' || head[e - 1] == '\t')) {
            e--;
        }
        if (p == e) {
            throw new SipParseException(offset, "Bad Content-Length: empty value");
        }
        if (head[p] == '-') {
            throw new SipParseException(offset, "Bad Content-Length: negative value");
        }
        long v = 0;
        for (int i = p; i < e; i++) {
            byte c = head[i];
            if (c < '0' || c > '9') {
                throw new SipParseException(offset, "Bad Content-Length: not a number");
            }
            v = v * 10 + (c - '0');
            if (v > Integer.MAX_VALUE) {
                throw new SipParseException(offset, "Bad Content-Length: value too large");
            }
        }
        return (int) v;
    }

    /** Re-frames the head alone to attach its start line and headers, so a 400 can still be formed. */
    private static SipParseException withContext(byte[] head, SipParseException e) {
        try {
            SipMessage m = SipMessage.parse(head, head.length, true);
            return new SipParseException(e.offset(), e.reason(), m.startLine(), m.allHeaders());
        } catch (SipParseException framed) {
            return framed.startLine() == null ? e
                : new SipParseException(e.offset(), e.reason(), framed.startLine(), framed.headers());
        }
    }

    private void lose(ByteBuf in, List<Object> out, SipParseException e) {
        state = State.BAD_MESSAGE;
        in.skipBytes(in.readableBytes());
        out.add(new SipFrame.Invalid(e, null, true, null, null));
    }
}
