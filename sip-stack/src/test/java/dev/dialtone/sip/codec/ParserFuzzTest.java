package dev.dialtone.sip.codec;

import dev.dialtone.sip.message.Contact;
import dev.dialtone.sip.message.Fixtures;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutates the fixture corpus (byte flips, grammar-significant bytes, truncation, duplication) and checks that the
 * parser, every typed getter, the validator and the stream decoder either succeed or fail with SipParseException.
 * An input that ever broke them is kept under sip/regression/ and replayed by {@link #regressionInputs()}.
 */
class ParserFuzzTest {

    private static final long SEED = 0x5195_4475L;
    private static final int ITERATIONS = 4000;
    private static final byte[] SPECIAL = " \t\r\n:;,=\"<>@%[]?\\/0-".getBytes();

    @Test
    void mutatedCorpusNeverThrowsAnythingButSipParseException() throws IOException {
        List<byte[]> corpus = corpus();
        Random random = new Random(SEED);
        for (int i = 0; i < ITERATIONS; i++) {
            byte[] input = mutate(corpus.get(random.nextInt(corpus.size())), random);
            try {
                exercise(input, i % 4 == 0);
            } catch (RuntimeException | AssertionError e) {
                Path saved = Path.of("target", "fuzz-failures", "iteration-" + i + ".sip");
                Files.createDirectories(saved.getParent());
                Files.write(saved, input);
                fail("iteration " + i + " broke the parser (input saved to " + saved + ")", e);
            }
        }
    }

    /**
     * Inputs that once broke the codec, named for the bug:
     * {@code bare-cr-in-header-value.sip}: a CR inside a header value (not before LF) was kept in the value, and
     * building a {@code 400} from it made the response builder throw; the framer now rejects a bare CR.
     */
    @Test
    void regressionInputs() {
        List<Path> files = resources("sip/regression");
        assertTrue(files.size() >= 1);
        for (Path f : files) {
            try {
                exercise(Files.readAllBytes(f), true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void exercise(byte[] input, boolean stream) {
        try {
            SipMessage m = SipParser.parse(input);
            readEverything(m);
        } catch (SipParseException e) {
            if (e.reason() == null || e.reason().isEmpty() || e.reason().indexOf('\n') >= 0) {
                throw new AssertionError("unfit reason: " + e.reason());
            }
        }
        SipValidator.checkDatagram(input);
        if (stream) {
            EmbeddedChannel ch = new EmbeddedChannel(new SipStreamDecoder());
            ch.writeInbound(Unpooled.wrappedBuffer(input));
            for (Object o; (o = ch.readInbound()) != null; ) {
                if (o instanceof SipFrame.Invalid inv) {
                    inv.badRequest();
                }
            }
            ch.finishAndReleaseAll();
        }
    }

    private static void readEverything(SipMessage m) {
        Runnable[] getters = {
            m::vias, m::topVia, m::from, m::to, m::callId, m::cseq, m::contacts, m::maxForwards, m::routes,
            m::recordRoutes, m::wwwAuthenticate, m::proxyAuthenticate, m::authorization, m::proxyAuthorization,
            m::expires, m::minExpires, m::sessionExpires, m::minSe, m::supported, m::require, m::allow, m::rseq,
            m::rack, m::body, m::contentType, m::allHeaders, m::toBytes, m::toString,
            () -> m.headers("Via"), () -> m.headers("Contact"), () -> m.headers("X-Unknown"),
            () -> m.contacts().forEach(Contact::expires),
            () -> {
                if (m instanceof SipRequest r) {
                    r.requestUri().toString();
                    r.createResponse(400, "Bad Request");
                }
            },
            () -> {
                if (m instanceof SipResponse r) {
                    r.reason();
                }
            },
        };
        for (Runnable g : getters) {
            try {
                g.run();
            } catch (SipParseException expected) {
                // a malformed typed header is reported this way, and only this way
            } catch (IllegalArgumentException e) {
                // only createResponse may refuse (a builder), and only for a malformed To it cannot tag
                if (!String.valueOf(e.getMessage()).startsWith("builder produced an invalid message")) {
                    throw e;
                }
            }
        }
    }

    private static byte[] mutate(byte[] in, Random random) {
        byte[] b = in.clone();
        int rounds = 1 + random.nextInt(4);
        for (int k = 0; k < rounds && b.length > 0; k++) {
            int at = random.nextInt(b.length);
            switch (random.nextInt(6)) {
                case 0 -> b[at] ^= (byte) (1 << random.nextInt(8));
                case 1 -> b[at] = SPECIAL[random.nextInt(SPECIAL.length)];
                case 2 -> b = Arrays.copyOf(b, at);
                case 3 -> {
                    int len = Math.min(b.length - at, 1 + random.nextInt(40));
                    byte[] d = new byte[b.length + len];
                    System.arraycopy(b, 0, d, 0, at + len);
                    System.arraycopy(b, at, d, at + len, b.length - at);
                    b = d;
                }
                case 4 -> {
                    byte[] d = new byte[b.length - Math.min(b.length - at, 1 + random.nextInt(8))];
                    System.arraycopy(b, 0, d, 0, at);
                    System.arraycopy(b, b.length - (d.length - at), d, at, d.length - at);
                    b = d;
                }
                default -> b[at] = (byte) random.nextInt(256);
            }
        }
        return b;
    }

    private static List<byte[]> corpus() throws IOException {
        List<byte[]> out = new ArrayList<>();
        for (String dir : List.of("sip/valid", "sip/invalid", "sip/rfc4475", "sip/rfc5118/wire")) {
            for (Path p : resources(dir)) {
                out.add(Files.readAllBytes(p));
            }
        }
        out.add(Fixtures.bytes("rfc4475/wsinv.dat"));
        return out;
    }

    private static List<Path> resources(String dir) {
        URL url = ParserFuzzTest.class.getClassLoader().getResource(dir);
        try (Stream<Path> s = Files.list(Path.of(url.toURI()))) {
            return s.filter(p -> p.toString().endsWith(".sip") || p.toString().endsWith(".dat")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
