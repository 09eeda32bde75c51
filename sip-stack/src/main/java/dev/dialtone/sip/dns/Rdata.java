package dev.dialtone.sip.dns;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** Decoders for the record data netty hands over raw: NAPTR (RFC 3403 4.1) and SRV (RFC 2782). */
final class Rdata {
    private Rdata() {
    }

    record Naptr(int order, int preference, String flags, String service, String regexp, String replacement,
                 long ttl) {
    }

    record Srv(int priority, int weight, int port, String target, long ttl) {
    }

    /** Returns null for truncated or malformed data. */
    static Naptr naptr(ByteBuf content, long ttl) {
        try {
            int i = content.readerIndex();
            int end = content.writerIndex();
            int order = content.getUnsignedShort(i);
            int preference = content.getUnsignedShort(i + 2);
            i += 4;
            String[] strings = new String[3];
            for (int s = 0; s < 3; s++) {
                int len = content.getUnsignedByte(i);
                if (i + 1 + len > end) {
                    return null;
                }
                strings[s] = content.toString(i + 1, len, StandardCharsets.US_ASCII);
                i += 1 + len;
            }
            String replacement = name(content, i, end);
            return replacement == null ? null
                    : new Naptr(order, preference, strings[0], strings[1], strings[2], replacement, ttl);
        } catch (IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** Returns null for truncated or malformed data. */
    static Srv srv(ByteBuf content, long ttl) {
        try {
            int i = content.readerIndex();
            String target = name(content, i + 6, content.writerIndex());
            return target == null ? null : new Srv(content.getUnsignedShort(i), content.getUnsignedShort(i + 2),
                    content.getUnsignedShort(i + 4), target, ttl);
        } catch (IndexOutOfBoundsException e) {
            return null;
        }
    }

    /**
     * A domain name at {@code at}, as dotted text without the trailing dot ("" for the root). RFC 3403 and RFC 2782
     * forbid compressing these names, but some servers do; netty's raw record content shares the whole message's
     * indices, so a pointer is followed as an absolute offset, with a hop limit against loops.
     */
    static String name(ByteBuf buf, int at, int end) {
        StringBuilder sb = new StringBuilder(64);
        int i = at;
        int hops = 0;
        while (true) {
            int len = buf.getUnsignedByte(i);
            if ((len & 0xc0) == 0xc0) {
                if (++hops > 16) {
                    return null;
                }
                i = ((len & 0x3f) << 8) | buf.getUnsignedByte(i + 1);
                continue;
            }
            if ((len & 0xc0) != 0) {
                return null;
            }
            if (len == 0) {
                return sb.toString();
            }
            if (hops == 0 && i + 1 + len > end) {
                return null;
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(buf.toString(i + 1, len, StandardCharsets.US_ASCII));
            i += 1 + len;
            if (sb.length() > 255) {
                return null;
            }
        }
    }
}
