package dev.dialtone.engine.call;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Identifiers in the compatibility API's shape: a two-letter prefix and 32 hex digits. */
public final class Sids {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Sids() {
    }

    public static String callSid() {
        return make("CA");
    }

    static String make(String prefix) {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }
}
