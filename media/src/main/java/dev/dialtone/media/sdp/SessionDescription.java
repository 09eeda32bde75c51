package dev.dialtone.media.sdp;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * An SDP session description (RFC 8866). Immutable; change it through {@link #toBuilder()}. {@link #toString()}
 * is the wire form with CRLF line endings, fields in the RFC 8866 5 order; a parsed session that was not modified
 * serializes back to equivalent text (same fields, same attribute order).
 *
 * <p>{@code otherFields} keeps {@code i=}, {@code u=}, {@code e=}, {@code p=}, {@code b=}, {@code t=}, {@code r=},
 * {@code z=}, {@code k=} and unknown lines verbatim, in their original relative order.
 */
public record SessionDescription(Origin origin, String sessionName, Optional<Connection> connection,
                                 List<SdpField> otherFields, List<Attribute> attributes,
                                 List<MediaDescription> media) {

    public SessionDescription {
        if (origin == null) {
            throw new IllegalArgumentException("o= is mandatory");
        }
        if (sessionName == null || sessionName.indexOf('\r') >= 0 || sessionName.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("s= must be one line");
        }
        connection = connection == null ? Optional.empty() : connection;
        otherFields = List.copyOf(otherFields);
        attributes = List.copyOf(attributes);
        media = List.copyOf(media);
    }

    /** Parses an SDP body; LF-only line endings are accepted, the output of {@link #toString()} is always CRLF. */
    public static SessionDescription parse(String sdp) throws SdpParseException {
        return SdpParser.parse(sdp);
    }

    /** A builder with {@code s=-} and {@code t=0 0}, as SIP offers use (RFC 3264 5). */
    public static Builder builder(Origin origin) {
        return new Builder().origin(origin).sessionName("-").addField(new SdpField('t', "0 0"));
    }

    public Builder toBuilder() {
        return new Builder().origin(origin).sessionName(sessionName).connection(connection.orElse(null))
                .otherFields(otherFields).attributes(attributes).media(media);
    }

    /** The connection that applies to a media section: its own {@code c=}, else the session's. */
    public Optional<Connection> connection(MediaDescription m) {
        return m.connection().isPresent() ? m.connection() : connection;
    }

    public Optional<Direction> sessionDirection() {
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

    /**
     * The direction of a media section as written: media attribute, else session attribute, else sendrecv
     * (RFC 3264 5.1). Does not interpret {@code c=0.0.0.0}; see the negotiation package for hold detection.
     */
    public Direction direction(MediaDescription m) {
        return m.direction().or(this::sessionDirection).orElse(Direction.SENDRECV);
    }

    /**
     * The same session apart from the origin's version: RFC 3264 8 says the version is incremented only when
     * something changed, so compare with this before bumping it.
     */
    public boolean sameContentAs(SessionDescription other) {
        return origin.withSessionVersion("0").equals(other.origin.withSessionVersion("0"))
                && sessionName.equals(other.sessionName) && connection.equals(other.connection)
                && otherFields.equals(other.otherFields) && attributes.equals(other.attributes)
                && media.equals(other.media);
    }

    public SessionDescription withMedia(int index, UnaryOperator<MediaDescription> change) {
        List<MediaDescription> copy = new ArrayList<>(media);
        copy.set(index, change.apply(copy.get(index)));
        return toBuilder().media(copy).build();
    }

    @Override
    public String toString() {
        return SdpWriter.write(this);
    }

    public static final class Builder {
        private Origin origin;
        private String sessionName = "-";
        private Connection connection;
        private final List<SdpField> otherFields = new ArrayList<>();
        private final List<Attribute> attributes = new ArrayList<>();
        private final List<MediaDescription> media = new ArrayList<>();

        private Builder() {
        }

        public Builder origin(Origin origin) {
            this.origin = origin;
            return this;
        }

        public Builder sessionName(String sessionName) {
            this.sessionName = sessionName;
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

        public Builder media(List<MediaDescription> media) {
            this.media.clear();
            this.media.addAll(media);
            return this;
        }

        public Builder addMedia(MediaDescription m) {
            media.add(m);
            return this;
        }

        public SessionDescription build() {
            return new SessionDescription(origin, sessionName, Optional.ofNullable(connection), otherFields,
                    attributes, media);
        }
    }
}
