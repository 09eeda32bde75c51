package dev.dialtone.media.sdp;

import java.util.Comparator;
import java.util.List;

/** Writes the RFC 8866 5 field order with CRLF; fields kept verbatim are placed by type, stable within a type. */
final class SdpWriter {
    private static final String CRLF = "\r\n";

    private SdpWriter() {
    }

    static String write(SessionDescription s) {
        StringBuilder sb = new StringBuilder(512);
        sb.append("v=0").append(CRLF);
        sb.append("o=").append(s.origin()).append(CRLF);
        sb.append("s=").append(s.sessionName()).append(CRLF);
        List<SdpField> fields = sorted(s.otherFields(), SdpWriter::sessionRank);
        writeFields(sb, fields, 0, 3);
        s.connection().ifPresent(c -> sb.append("c=").append(c).append(CRLF));
        writeFields(sb, fields, 4, 9);
        writeAttributes(sb, s.attributes());
        for (MediaDescription m : s.media()) {
            writeMedia(sb, m);
        }
        return sb.toString();
    }

    static void writeMedia(StringBuilder sb, MediaDescription m) {
        sb.append("m=").append(m.media()).append(' ').append(m.port());
        if (m.portCount() != 1) {
            sb.append('/').append(m.portCount());
        }
        sb.append(' ').append(m.proto());
        for (String f : m.formats()) {
            sb.append(' ').append(f);
        }
        sb.append(CRLF);
        m.title().ifPresent(t -> sb.append("i=").append(t).append(CRLF));
        m.connection().ifPresent(c -> sb.append("c=").append(c).append(CRLF));
        for (SdpField f : sorted(m.otherFields(), SdpWriter::mediaRank)) {
            sb.append(f).append(CRLF);
        }
        writeAttributes(sb, m.attributes());
    }

    private static void writeAttributes(StringBuilder sb, List<Attribute> attributes) {
        for (Attribute a : attributes) {
            sb.append("a=").append(a).append(CRLF);
        }
    }

    private static void writeFields(StringBuilder sb, List<SdpField> fields, int fromRank, int toRank) {
        for (SdpField f : fields) {
            int r = sessionRank(f);
            if (r >= fromRank && r <= toRank) {
                sb.append(f).append(CRLF);
            }
        }
    }

    private static List<SdpField> sorted(List<SdpField> fields, java.util.function.ToIntFunction<SdpField> rank) {
        return fields.stream().sorted(Comparator.comparingInt(rank)).toList();
    }

    // RFC 8866 5: v o s i u e p c b t r z k a; t and r share a rank so each r stays after its t.
    static int sessionRank(SdpField f) {
        return switch (f.type()) {
            case 'i' -> 0;
            case 'u' -> 1;
            case 'e' -> 2;
            case 'p' -> 3;
            case 'b' -> 4;
            case 't', 'r' -> 5;
            case 'z' -> 6;
            case 'k' -> 7;
            default -> 8;
        };
    }

    // RFC 8866 5: m i c b k a
    static int mediaRank(SdpField f) {
        return switch (f.type()) {
            case 'b' -> 0;
            case 'k' -> 1;
            default -> 2;
        };
    }
}
