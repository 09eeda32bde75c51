package dev.dialtone.sip.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Digest challenge (RFC 7616 3.3, RFC 3261 25.1 {@code digest-cln}).
 *
 * @param realm     required
 * @param nonce     required
 * @param opaque    null when absent; echoed unchanged by the client
 * @param algorithm the {@code algorithm} token as sent, null when absent (which means MD5)
 * @param qop       the qop-options tokens in order, empty when absent (RFC 2069 compatibility)
 * @param stale     {@code stale=TRUE}: the nonce was stale, retry without asking the user again
 * @param domain    null when absent
 * @param userhash  RFC 7616 {@code userhash=true}: the server accepts a hashed username
 */
public record DigestChallenge(String realm, String nonce, String opaque, String algorithm, List<String> qop,
                              boolean stale, String domain, boolean userhash) implements Challenge {

    public DigestChallenge {
        Objects.requireNonNull(realm, "realm");
        Objects.requireNonNull(nonce, "nonce");
        qop = List.copyOf(qop);
    }

    @Override
    public String scheme() {
        return "Digest";
    }

    /** The algorithm this challenge asks for; empty when it names one we do not implement. */
    public Optional<DigestAlgorithm> supportedAlgorithm() {
        return algorithm == null ? Optional.of(DigestAlgorithm.MD5) : DigestAlgorithm.fromToken(algorithm);
    }

    /** The offered qop values we implement, in the server's order; unknown tokens are skipped. */
    public List<Qop> supportedQop() {
        List<Qop> out = new ArrayList<>(2);
        for (String q : qop) {
            Qop.fromToken(q).ifPresent(out::add);
        }
        return out;
    }

    static DigestChallenge fromParams(Map<String, String> p) throws AuthParseException {
        String realm = p.get("realm");
        if (realm == null) {
            throw new AuthParseException(0, "Digest challenge without realm");
        }
        String nonce = p.get("nonce");
        if (nonce == null) {
            throw new AuthParseException(0, "Digest challenge without nonce");
        }
        List<String> qop = new ArrayList<>();
        String qopValue = p.get("qop");
        if (qopValue != null) {
            // RFC 3261 25.1: qop-options = "qop" EQUAL LDQUOT qop-value *("," qop-value) RDQUOT
            for (String q : qopValue.split(",")) {
                String t = q.strip();
                if (t.isEmpty()) {
                    throw new AuthParseException(0, "empty qop-value in \"" + qopValue + "\"");
                }
                qop.add(t);
            }
        }
        return new DigestChallenge(realm, nonce, p.get("opaque"), p.get("algorithm"), qop,
                flag(p.get("stale"), "stale"), p.get("domain"), flag(p.get("userhash"), "userhash"));
    }

    private static boolean flag(String v, String name) throws AuthParseException {
        if (v == null || v.equalsIgnoreCase("false")) {
            return false;
        }
        if (v.equalsIgnoreCase("true")) {
            return true;
        }
        throw new AuthParseException(0, name + " must be true or false, got " + v);
    }

    /** The header value, e.g. {@code Digest realm="a", nonce="b", algorithm=SHA-256, qop="auth"}. */
    public String headerValue() {
        StringBuilder sb = new StringBuilder(160).append("Digest realm=");
        AuthParams.appendQuoted(sb, realm);
        if (domain != null) {
            sb.append(", domain=");
            AuthParams.appendQuoted(sb, domain);
        }
        sb.append(", nonce=");
        AuthParams.appendQuoted(sb, nonce);
        if (opaque != null) {
            sb.append(", opaque=");
            AuthParams.appendQuoted(sb, opaque);
        }
        if (stale) {
            sb.append(", stale=TRUE");
        }
        if (algorithm != null) {
            sb.append(", algorithm=").append(algorithm);
        }
        if (!qop.isEmpty()) {
            sb.append(", qop=");
            AuthParams.appendQuoted(sb, String.join(",", qop));
        }
        if (userhash) {
            sb.append(", userhash=true");
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return headerValue();
    }
}
