package dev.dialtone.media.negotiation;

import dev.dialtone.media.sdp.RtpMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An audio format Dialtone can offer, by the names of the {@code <Sip codecs>} attribute (PCMU, PCMA, G722, G729,
 * OPUS) plus {@link #TELEPHONE_EVENT} (RFC 4733). {@code staticPayloadType} is -1 for dynamic formats;
 * {@code fmtp} is what an offer carries for it, or empty.
 */
public record Codec(String name, String encodingName, int clockRate, int channels, int staticPayloadType,
                    String fmtp) {
    public static final Codec PCMU = new Codec("PCMU", "PCMU", 8000, 1, 0, "");
    public static final Codec PCMA = new Codec("PCMA", "PCMA", 8000, 1, 8, "");
    /** RFC 3551 4.5.2: G722's RTP clock is 8000 although it samples at 16 kHz. */
    public static final Codec G722 = new Codec("G722", "G722", 8000, 1, 9, "");
    public static final Codec G729 = new Codec("G729", "G729", 8000, 1, 18, "");
    /** RFC 7587 7: always {@code opus/48000/2}. */
    public static final Codec OPUS = new Codec("OPUS", "opus", 48000, 2, -1, "useinbandfec=1");
    public static final Codec TELEPHONE_EVENT = new Codec("telephone-event", "telephone-event", 8000, 1, -1, "0-16");

    /** The {@code <Sip codecs>} default. */
    public static final List<Codec> DEFAULT = List.of(PCMU, PCMA);

    private static final List<Codec> NAMED = List.of(PCMU, PCMA, G722, G729, OPUS);

    public Codec {
        fmtp = fmtp == null ? "" : fmtp;
    }

    /** PCMU, PCMA, G722, G729 or OPUS, case-insensitive. */
    public static Optional<Codec> byName(String name) {
        String n = name.trim().toUpperCase(Locale.ROOT);
        return NAMED.stream().filter(c -> c.name.equals(n)).findFirst();
    }

    /**
     * Parses a {@code codecs} attribute ("PCMU,PCMA"); empty or blank gives an empty list. Unknown names are a
     * cXML error the engine reports, hence the exception message names the culprit.
     */
    public static List<Codec> parseList(String commaSeparated) {
        List<Codec> out = new ArrayList<>();
        if (commaSeparated == null || commaSeparated.isBlank()) {
            return out;
        }
        for (String part : commaSeparated.split(",")) {
            Codec c = byName(part).orElseThrow(() -> new IllegalArgumentException("unknown codec '" + part.trim()
                    + "' (known: PCMU, PCMA, G722, G729, OPUS)"));
            if (!out.contains(c)) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * RFC 3264 6.1: formats match by encoding name (case-insensitive), clock rate and channels. Opus is matched
     * without channels, because some agents write {@code opus/48000} although RFC 7587 says {@code /2}.
     */
    public boolean matches(RtpMap map) {
        if (!encodingName.equalsIgnoreCase(map.encodingName()) || clockRate != map.clockRate()) {
            return false;
        }
        return channels == map.channels() || encodingName.equalsIgnoreCase("opus");
    }

    public RtpMap rtpMap(int payloadType) {
        return new RtpMap(payloadType, encodingName, clockRate, channels);
    }

    static boolean isTelephoneEvent(RtpMap map) {
        return map.encodingName().equalsIgnoreCase("telephone-event");
    }

    static boolean isComfortNoise(RtpMap map) {
        return map.encodingName().equalsIgnoreCase("CN");
    }
}
