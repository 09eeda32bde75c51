package dev.dialtone.media.sdp;

import java.util.Locale;
import java.util.Optional;

/** The direction attributes of RFC 3264 5.1 / RFC 8866 6.7. */
public enum Direction {
    SENDRECV, SENDONLY, RECVONLY, INACTIVE;

    public String attributeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean sends() {
        return this == SENDRECV || this == SENDONLY;
    }

    public boolean receives() {
        return this == SENDRECV || this == RECVONLY;
    }

    /** The direction seen from the other side: what one side sends, the other receives. */
    public Direction reverse() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
    }

    /** The direction allowed by both: this side's wish intersected with what the peer allows. */
    public Direction intersect(Direction other) {
        return of(sends() && other.sends(), receives() && other.receives());
    }

    public static Direction of(boolean sends, boolean receives) {
        if (sends) {
            return receives ? SENDRECV : SENDONLY;
        }
        return receives ? RECVONLY : INACTIVE;
    }

    public static Optional<Direction> fromAttribute(String name) {
        for (Direction d : values()) {
            if (d.attributeName().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
