package dev.dialtone.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One media section: the {@code m=} line (RFC 8866 5.14) and what follows it up to the next {@code m=}.
 * {@code portCount} is 1 unless the line used {@code <port>/<count>}. {@code title} is the media {@code i=};
 * {@code otherFields} keeps {@code b=}, {@code k=} and unknown lines in order. Port 0 means the stream is rejected
 * or disabled (RFC 3264 5.1, 6).
 */
public record MediaDescription(String media, int port, int portCount, String proto, List<String> formats,
                               Optional<String> title, Optional<Connection> connection, List<SdpField> otherFields,
                               List<Attribute> attributes) {

    public MediaDescription {
        Origin.requireToken(media, "media");
        Origin.requireToken(proto, "proto");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("m= port out of range: " + port);
        }
        if (portCount < 1) {
            throw new IllegalArgumentException("m= port count must be positive: " + portCount);
        }
        formats = List.copyOf(formats);
        if (formats.isEmpty()) {
            throw new IllegalArgumentException("m= needs at least one format");
        }
        for (String f : formats) {
            Origin.requireToken(f, "fmt");
        }
        title = title == null ? Optional.empty() : title;
        connection = connection == null ? Optional.empty() : connection;
        otherFields = List.copyOf(otherFields);
        attributes = List.copyOf(attributes);
    }

    public static Builder builder(String media, int port, String proto) {
        return new Builder().media(media).port(port).proto(proto);
    }

    public Builder toBuilder() {
        return new Builder().media(media).port(port).portCount(portCount).proto(proto).formats(formats).title(title)
                .connection(connection.orElse(null)).otherFields(otherFields).attributes(attributes);
    }

    /** RTP/AVP, RTP/SAVP, RTP/AVPF, RTP/SAVPF (and UDP/TLS/RTP/SAVP[F]): formats are payload type numbers. */
    public boolean isRtp() {
        return proto.toUpperCase(java.util.Locale.ROOT).contains("RTP/");
    }

    /** RTP/SAVP or RTP/SAVPF: SRTP profiles of RFC 3711 / RFC 5124. */
    public boolean isSecureRtp() {
        return proto.toUpperCase(java.util.Locale.ROOT).contains("RTP/SAVP");
    }

    public boolean isRejected() {
        return port == 0;
    }

    /** The payload type numbers of an RTP stream, in preference order; non-numeric formats are skipped. */
    public List<Integer> payloadTypes() {
        List<Integer> out = new ArrayList<>(formats.size());
        for (String f : formats) {
            if (Origin.isDigits(f) && f.length() <= 3) {
                int pt = Integer.parseInt(f);
                if (pt <= 127) {
                    out.add(pt);
                }
            }
        }
        return out;
    }

    public List<Attribute> attributes(String name) {
        return attributes.stream().filter(a -> a.is(name)).toList();
    }

    public Optional<Attribute> attribute(String name) {
        return attributes.stream().filter(a -> a.is(name)).findFirst();
    }

    public List<RtpMap> rtpMaps() {
        return attributes(RtpMap.NAME).stream().map(a -> RtpMap.parse(a.value())).toList();
    }

    /** The rtpmap of a payload type, falling back to the RFC 3551 static table when the offer left it out. */
    public Optional<RtpMap> rtpMap(int payloadType) {
        for (RtpMap m : rtpMaps()) {
            if (m.payloadType() == payloadType) {
                return Optional.of(m);
            }
        }
        return payloadType < 96 ? RtpMap.staticPayloadType(payloadType) : Optional.empty();
    }

    public Optional<Fmtp> fmtp(int payloadType) {
        return attributes(Fmtp.NAME).stream().map(a -> Fmtp.parse(a.value()))
                .filter(f -> f.payloadType() == payloadType).findFirst();
    }

    public OptionalInt ptime() {
        return intAttribute("ptime");
    }

    public OptionalInt maxptime() {
        return intAttribute("maxptime");
    }

    private OptionalInt intAttribute(String name) {
        return attribute(name).map(a -> OptionalInt.of(SdpParser.parseTime(a.value(), name)))
                .orElse(OptionalInt.empty());
    }

    /** The direction attribute written in this section, if any (see {@link SessionDescription#direction}). */
    public Optional<Direction> direction() {
        for (Attribute a : attributes) {
            if (a.value() == null) {
                Optional<Direction> d = Direction.fromAttribute(a.name());
                if (d.isPresent()) {
                    return d;
                }
            }
        }
        return Optional.empty();
    }

    public Optional<RtcpAttribute> rtcp() {
        return attribute(RtcpAttribute.NAME).map(a -> RtcpAttribute.parse(a.value()));
    }

    public boolean rtcpMux() {
        return attribute("rtcp-mux").isPresent();
    }

    public List<Crypto> cryptos() {
        return attributes(Crypto.NAME).stream().map(a -> Crypto.parse(a.value())).toList();
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        SdpWriter.writeMedia(sb, this);
        return sb.toString();
    }

    public static final class Builder {
        private String media;
        private int port;
        private int portCount = 1;
        private String proto;
        private final List<String> formats = new ArrayList<>();
        private Optional<String> title = Optional.empty();
        private Connection connection;
        private final List<SdpField> otherFields = new ArrayList<>();
        private final List<Attribute> attributes = new ArrayList<>();

        private Builder() {
        }

        public Builder media(String media) {
            this.media = media;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder portCount(int portCount) {
            this.portCount = portCount;
            return this;
        }

        public Builder proto(String proto) {
            this.proto = proto;
            return this;
        }

        public Builder formats(List<String> formats) {
            this.formats.clear();
            this.formats.addAll(formats);
            return this;
        }

        public Builder addFormat(String format) {
            formats.add(format);
            return this;
        }

        public Builder title(Optional<String> title) {
            this.title = title;
            return this;
        }

        public Builder connection(Connection connection) {
            this.connection = connection;
            return this;
        }

        public Builder otherFields(List<SdpField> fields) {
            otherFields.clear();
            otherFields.addAll(fields);
            return this;
        }

        public Builder addField(SdpField field) {
            otherFields.add(field);
            return this;
        }

        public Builder attributes(List<Attribute> attributes) {
            this.attributes.clear();
            this.attributes.addAll(attributes);
            return this;
        }

        public Builder addAttribute(Attribute attribute) {
            attributes.add(attribute);
            return this;
        }

        public Builder removeAttributes(String name) {
            attributes.removeIf(a -> a.is(name));
            return this;
        }

        /** Adds an RTP format: its payload type on the m= line, its rtpmap and, when given, its fmtp. */
        public Builder addRtpFormat(RtpMap rtpMap, String fmtpParameters) {
            formats.add(Integer.toString(rtpMap.payloadType()));
            attributes.add(rtpMap.toAttribute());
            if (fmtpParameters != null && !fmtpParameters.isEmpty()) {
                attributes.add(new Fmtp(rtpMap.payloadType(), fmtpParameters).toAttribute());
            }
            return this;
        }

        /** Replaces any direction attribute in place (or appends one), keeping the other attributes' order. */
        public Builder direction(Direction direction) {
            Attribute attr = Attribute.property(direction.attributeName());
            for (int i = 0; i < attributes.size(); i++) {
                Attribute a = attributes.get(i);
                if (a.value() == null && Direction.fromAttribute(a.name()).isPresent()) {
                    attributes.set(i, attr);
                    attributes.removeIf(b -> b != attr && b.value() == null
                            && Direction.fromAttribute(b.name()).isPresent());
                    return this;
                }
            }
            attributes.add(attr);
            return this;
        }

        public MediaDescription build() {
            return new MediaDescription(media, port, portCount, proto, formats, title, Optional.ofNullable(connection),
                    otherFields, attributes);
        }
    }
}
