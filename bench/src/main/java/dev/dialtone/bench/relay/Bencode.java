package dev.dialtone.bench.relay;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Bencoding, the body of rtpengine's ng control protocol: byte strings ({@code 4:spam}), integers
 * ({@code i42e}), lists ({@code l...e}) and dictionaries ({@code d...e}, keys sorted). Strings are
 * decoded as UTF-8 (ng messages are SDP and ASCII keywords).
 */
final class Bencode {

    private Bencode() {
    }

    /** Encodes {@link String}, {@link Number}, {@link List} and {@link Map} (String keys) values. */
    static byte[] encode(Object value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        encode(value, out);
        return out.toByteArray();
    }

    private static void encode(Object value, ByteArrayOutputStream out) {
        if (value instanceof String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            out.writeBytes((bytes.length + ":").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(bytes);
        } else if (value instanceof Number n) {
            out.writeBytes(("i" + n.longValue() + "e").getBytes(StandardCharsets.US_ASCII));
        } else if (value instanceof List<?> list) {
            out.write('l');
            list.forEach(v -> encode(v, out));
            out.write('e');
        } else if (value instanceof Map<?, ?> map) {
            out.write('d');
            // keys in sorted order, as bencoding requires (raw byte order; ng keys are ASCII)
            new TreeMap<>(map).forEach((k, v) -> {
                encode((String) k, out);
                encode(v, out);
            });
            out.write('e');
        } else {
            throw new IllegalArgumentException("cannot bencode " + value);
        }
    }

    /**
     * Decodes one value that fills {@code bytes} from {@code offset} to the end.
     *
     * @throws IllegalArgumentException with the offset of the first byte that does not fit
     */
    static Object decode(byte[] bytes, int offset, int length) {
        Reader reader = new Reader(bytes, offset, offset + length);
        Object value = reader.value();
        if (reader.at != reader.end) {
            throw new IllegalArgumentException("trailing bytes at " + reader.at);
        }
        return value;
    }

    private static final class Reader {
        private final byte[] bytes;
        private final int end;
        private int at;

        Reader(byte[] bytes, int at, int end) {
            this.bytes = bytes;
            this.at = at;
            this.end = end;
        }

        Object value() {
            byte first = peek();
            switch (first) {
                case 'i' -> {
                    at++;
                    long n = number('e');
                    return n;
                }
                case 'l' -> {
                    at++;
                    List<Object> list = new ArrayList<>();
                    while (peek() != 'e') {
                        list.add(value());
                    }
                    at++;
                    return list;
                }
                case 'd' -> {
                    at++;
                    Map<String, Object> map = new LinkedHashMap<>();
                    while (peek() != 'e') {
                        if (!(value() instanceof String key)) {
                            throw new IllegalArgumentException("dictionary key is not a string at " + at);
                        }
                        map.put(key, value());
                    }
                    at++;
                    return map;
                }
                default -> {
                    if (first < '0' || first > '9') {
                        throw new IllegalArgumentException("unexpected '" + (char) first + "' at " + at);
                    }
                    long length = number(':');
                    if (length > end - at) {
                        throw new IllegalArgumentException("string of " + length + " bytes overruns at " + at);
                    }
                    String s = new String(bytes, at, (int) length, StandardCharsets.UTF_8);
                    at += (int) length;
                    return s;
                }
            }
        }

        private byte peek() {
            if (at >= end) {
                throw new IllegalArgumentException("truncated at " + at);
            }
            return bytes[at];
        }

        private long number(char terminator) {
            int start = at;
            boolean negative = peek() == '-';
            if (negative) {
                at++;
            }
            long n = 0;
            int digits = 0;
            while (peek() != terminator) {
                byte b = bytes[at];
                if (b < '0' || b > '9' || digits > 18) {
                    throw new IllegalArgumentException("bad number at " + start);
                }
                n = n * 10 + (b - '0');
                digits++;
                at++;
            }
            if (digits == 0) {
                throw new IllegalArgumentException("empty number at " + start);
            }
            at++;
            return negative ? -n : n;
        }
    }
}
