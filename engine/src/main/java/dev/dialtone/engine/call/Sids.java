package dev.dialtone.engine.call;

import java.util.UUID;

/** Call identifiers, as random UUIDs like the ones in the seed's status-callback payload. */
public final class Sids {
    private Sids() {
    }

    public static String callSid() {
        return UUID.randomUUID().toString();
    }
}
