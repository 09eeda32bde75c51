package dev.dialtone.sip.message;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** Reads test fixtures from the classpath ({@code sip/valid/x.sip}, {@code sip/rfc4475/x.dat}, ...). */
public final class Fixtures {

    private Fixtures() {
    }

    public static byte[] bytes(String path) {
        try (InputStream in = Fixtures.class.getClassLoader().getResourceAsStream("sip/" + path)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SipMessage parse(String path) {
        byte[] b = bytes(path);
        return SipMessage.parse(b, b.length, true);
    }
}
