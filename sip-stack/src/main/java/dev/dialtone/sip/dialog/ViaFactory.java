package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.Via;
import dev.dialtone.sip.transport.Transport;

import java.util.concurrent.ThreadLocalRandom;

/** Makes the top Via of a request we send: our sent-by for the transport, and a fresh branch each time. */
@FunctionalInterface
public interface ViaFactory {

    Via via(Transport transport);

    /** Sent-by {@code host:port} on every transport, with {@code rport} (RFC 3581) and a random branch. */
    static ViaFactory of(String host, int port) {
        return transport -> Via.of(transport.viaName(), host, port, newBranch()).withParam("rport", null);
    }

    /** An RFC 3261 8.1.1.7 branch: the magic cookie and 64 random bits. */
    static String newBranch() {
        return Via.MAGIC_COOKIE + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    }
}
