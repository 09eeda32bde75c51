package dev.dialtone.sip.transport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** The CRLF-exact messages under {@code sip/transport/}, with their placeholders filled in. */
final class Fixtures {
    private Fixtures() {
    }

    /** {@code name} with {TRANSPORT}, {VIA_PORT}, {BRANCH} and {RPORT} (";rport" or nothing) replaced. */
    static byte[] load(String name, Transport transport, int viaPort, boolean rport) {
        try (InputStream in = Fixtures.class.getResourceAsStream("/sip/transport/" + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + name);
            }
            String text = new String(in.readAllBytes(), StandardCharsets.US_ASCII)
                .replace("{TRANSPORT}", transport.viaName())
                .replace("{VIA_PORT}", Integer.toString(viaPort))
                .replace("{BRANCH}", UUID.randomUUID().toString().replace("-", ""))
                .replace("{RPORT}", rport ? ";rport" : "");
            return text.getBytes(StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
