package dev.dialtone.bench.codec;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** The realistic messages every codec benchmark runs on, loaded byte-exact from the jar. */
public final class Corpus {
    public static final List<String> KINDS = List.of(
            "invite", "trying", "ringing", "ok-sdp", "ack", "bye", "register", "options", "unauthorized");

    private Corpus() {
    }

    public static byte[] load(String kind) {
        try (InputStream in = Corpus.class.getResourceAsStream("/corpus/" + kind + ".sip")) {
            if (in == null) {
                throw new IllegalArgumentException("no corpus message named " + kind);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
