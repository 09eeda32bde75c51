package dev.dialtone.sip.auth;

/** The digest computations of RFC 7616 3.4.1-3.4.3 (same as RFC 2617 3.2.2 and RFC 3261 22.4). */
final class DigestMath {
    private DigestMath() {
    }

    /**
     * The request-digest.
     *
     * @param ha1 H(username:realm:password) with the base hash of {@code algorithm}
     * @param qop null for RFC 2069 compatibility (no cnonce, no nc)
     */
    static String response(DigestAlgorithm algorithm, String ha1, String nonce, String nc, String cnonce,
                           Qop qop, String method, String digestUri, byte[] body) {
        String a1Hash = sessionHa1(algorithm, ha1, nonce, cnonce);
        String a2 = qop == Qop.AUTH_INT
                ? method + ":" + digestUri + ":" + algorithm.hash(body == null ? new byte[0] : body)
                : method + ":" + digestUri;
        String ha2 = algorithm.hash(a2);
        if (qop == null) {
            return algorithm.hash(a1Hash + ":" + nonce + ":" + ha2);
        }
        return algorithm.hash(a1Hash + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop.token() + ":" + ha2);
    }

    /** RFC 7616 3.4.2: for -sess, A1 = H(user:realm:pass) ":" nonce ":" cnonce, hashed once more. */
    static String sessionHa1(DigestAlgorithm algorithm, String ha1, String nonce, String cnonce) {
        return algorithm.session() ? algorithm.hash(ha1 + ":" + nonce + ":" + cnonce) : ha1;
    }

    /** RFC 7616 3.4.4: userhash = H(username ":" realm). */
    static String userhash(DigestAlgorithm algorithm, String username, String realm) {
        return algorithm.hash(username + ":" + realm);
    }
}
