package dev.dialtone.engine.server;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs {@code lint} on the RFC 4475 torture messages (kept, bit-exact, with the SIP codec's test resources). */
class LintCommandTest {

    private static final Path RFC4475 = Path.of("..", "sip-stack", "src", "test", "resources", "sip", "rfc4475");

    private record Result(int exit, List<String> lines) {
    }

    private static Result lint(List<Path> files) {
        StringWriter out = new StringWriter();
        CommandLine cli = new CommandLine(new Main());
        cli.setOut(new PrintWriter(out));
        List<String> args = new ArrayList<>();
        args.add("lint");
        files.forEach(f -> args.add(f.toString()));
        int exit = cli.execute(args.toArray(new String[0]));
        return new Result(exit, out.toString().lines().toList());
    }

    private static List<String[]> index() throws IOException {
        List<String[]> rows = new ArrayList<>();
        for (String line : Files.readAllLines(RFC4475.resolve("INDEX.tsv"), StandardCharsets.UTF_8)) {
            String[] col = line.split("\t");
            if (!col[0].equals("file")) {
                rows.add(col);
            }
        }
        return rows;
    }

    @Test
    void everyRfc4475MessageIsClassifiedAsTheRfcSays() throws IOException {
        List<String[]> rows = index();
        assertEquals(49, rows.size());
        List<Path> files = rows.stream().map(r -> RFC4475.resolve(r[0])).toList();
        Result result = lint(files);
        assertEquals(1, result.exit());
        assertEquals(rows.size(), result.lines().size());
        for (int i = 0; i < rows.size(); i++) {
            String line = result.lines().get(i);
            String prefix = files.get(i) + ": ";
            if (rows.get(i)[2].equals("valid")) {
                assertEquals(prefix + "ok", line);
            } else {
                assertTrue(line.startsWith(prefix + "invalid: ") && line.length() > (prefix + "invalid: ").length(), line);
            }
        }
        assertTrue(result.lines().contains(RFC4475.resolve("baddn.dat")
            + ": invalid: Bad From: display name must be a token or quoted string"));
        assertTrue(result.lines().contains(RFC4475.resolve("clerr.dat")
            + ": invalid: Bad Content-Length: larger than the message body"));
        assertTrue(result.lines().contains(RFC4475.resolve("mismatch01.dat")
            + ": invalid: Bad CSeq: method does not match request line"));
    }

    @Test
    void exitsZeroWhenAllAreValid() throws IOException {
        List<Path> valid = index().stream().filter(r -> r[2].equals("valid")).map(r -> RFC4475.resolve(r[0])).toList();
        Result result = lint(valid);
        assertEquals(0, result.exit());
        assertTrue(result.lines().stream().allMatch(l -> l.endsWith(": ok")));
        assertTrue(result.lines().contains(RFC4475.resolve("dblreq.dat") + ": ok"));
    }

    @Test
    void exitsTwoWhenAFileCannotBeRead() {
        Path missing = RFC4475.resolve("no-such-message.dat");
        Result result = lint(List.of(RFC4475.resolve("wsinv.dat"), missing, RFC4475.resolve("ncl.dat")));
        assertEquals(2, result.exit());
        assertEquals(List.of(RFC4475.resolve("wsinv.dat") + ": ok", missing + ": unreadable: no such file",
            RFC4475.resolve("ncl.dat") + ": invalid: Bad Content-Length: negative value"), result.lines());
    }
}
