package dev.dialtone.bench.relay;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The relay's two RTP addresses of one session: where the phone on side A sends, and where the
 * phone on side B sends.
 */
record LegPair(InetSocketAddress legA, InetSocketAddress legB) {

    /**
     * Reads a ports file: one session a line, {@code PORT_A PORT_B}, both on {@code address}.
     * Blank lines and lines starting with {@code #} are skipped.
     *
     * @throws IllegalArgumentException naming the line that is not two ports
     */
    static List<LegPair> read(Path file, InetAddress address) throws IOException {
        List<LegPair> pairs = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] ports = line.split("\\s+");
            if (ports.length != 2) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": expected PORT_A PORT_B");
            }
            pairs.add(new LegPair(new InetSocketAddress(address, port(file, i, ports[0])),
                    new InetSocketAddress(address, port(file, i, ports[1]))));
        }
        return pairs;
    }

    private static int port(Path file, int line, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port > 0 && port < 65536) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(file + ":" + (line + 1) + ": bad port " + text);
    }

    /** Writes a ports file so that it appears whole: a reader polling for it never sees half of it. */
    static void write(Path file, List<LegPair> pairs) throws IOException {
        StringBuilder text = new StringBuilder();
        for (LegPair pair : pairs) {
            text.append(pair.legA().getPort()).append(' ').append(pair.legB().getPort()).append('\n');
        }
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        Files.writeString(partial, text, StandardCharsets.US_ASCII);
        Files.move(partial, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
