package dev.dialtone.media.negotiation;

import dev.dialtone.media.srtp.SrtpMasterKey;
import dev.dialtone.media.srtp.SrtpProfile;
import dev.dialtone.media.srtp.SrtpTransformer;

/**
 * The SDES keys agreed on one leg (RFC 4568 6.1: each side sends with the key in its own {@code a=crypto}).
 * {@code localKey} protects what Dialtone sends to the peer, {@code remoteKey} unprotects what the peer sends.
 */
public record SrtpKeys(SrtpProfile profile, SrtpMasterKey localKey, SrtpMasterKey remoteKey) {
    /** A fresh transformer for packets Dialtone sends on this leg. */
    public SrtpTransformer newProtector() {
        return SrtpTransformer.create(profile, localKey);
    }

    /** A fresh transformer for packets received on this leg. */
    public SrtpTransformer newUnprotector() {
        return SrtpTransformer.create(profile, remoteKey);
    }
}
