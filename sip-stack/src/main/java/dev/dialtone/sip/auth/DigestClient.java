package dev.dialtone.sip.auth;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers Digest challenges for one user agent's request stream: a registration, a dialog, or a single
 * out-of-dialog request. Not thread-safe: one instance lives on its call's event loop.
 *
 * <p>Per request, each realm is answered once: a second non-stale challenge for a realm already answered means the
 * password is wrong, and the client gives up instead of looping. A {@code stale=true} challenge is answered with
 * its new nonce without counting as a failure (RFC 7616 3.3), at most {@value #MAX_STALE_RETRIES} times per request.
 * Call {@link #authorize} at the start of every request (including the first) to reset that accounting and to get
 * credentials for realms already challenged, with the nonce-count incremented (RFC 7616 3.4).
 */
public final class DigestClient {
    private static final Logger log = LoggerFactory.getLogger(DigestClient.class);
    static final int MAX_STALE_RETRIES = 2;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final String username;
    private final String password;
    private final Supplier<String> cnonces;

    /** Realm state keyed by header kind and realm, in the order first challenged. */
    private final Map<RealmKey, RealmState> realms = new LinkedHashMap<>();
    private final Set<RealmKey> answeredThisRequest = new HashSet<>();
    private int staleRetriesThisRequest;

    public DigestClient(String username, String password) {
        this(username, password, randomCnonces(new SecureRandom()));
    }

    DigestClient(String username, String password, Supplier<String> cnonces) {
        this.username = Objects.requireNonNull(username, "username");
        this.password = Objects.requireNonNull(password, "password");
        this.cnonces = cnonces;
    }

    private record RealmKey(boolean proxy, String realm) {
    }

    private static final class RealmState {
        final DigestChallenge challenge;
        final DigestAlgorithm algorithm;
        final Qop qop;
        final String cnonce;
        int nc;

        RealmState(DigestChallenge challenge, DigestAlgorithm algorithm, Qop qop, String cnonce) {
            this.challenge = challenge;
            this.algorithm = algorithm;
            this.qop = qop;
            this.cnonce = cnonce;
        }
    }

    /**
     * Starts a new request: forgets which realms this request has answered and returns credentials for every realm
     * challenged before (empty before the first challenge), each with its nonce-count incremented.
     */
    public List<AuthorizationHeader> authorize(String method, String requestUri, byte[] body) {
        answeredThisRequest.clear();
        staleRetriesThisRequest = 0;
        List<AuthorizationHeader> out = new ArrayList<>(realms.size());
        for (Map.Entry<RealmKey, RealmState> e : realms.entrySet()) {
            out.add(credentials(e.getKey(), e.getValue(), method, requestUri, body));
        }
        return out;
    }

    /**
     * Answers a 401 or 407: {@code challengeValues} are the {@code WWW-Authenticate} values of a 401 or the
     * {@code Proxy-Authenticate} values of a 407.
     */
    public ChallengeAnswer onChallenge(int statusCode, List<String> challengeValues, String method,
                                       String requestUri, byte[] body) {
        if (statusCode == 401) {
            return onChallenge(challengeValues, List.of(), method, requestUri, body);
        }
        if (statusCode == 407) {
            return onChallenge(List.of(), challengeValues, method, requestUri, body);
        }
        return new ChallengeAnswer.GiveUp("status " + statusCode + " is not a challenge");
    }

    /**
     * Answers a 401/407 that may carry both kinds of challenge, as a forking proxy aggregates them (RFC 3261 16.7
     * step 6). The retry carries credentials for every realm challenged so far in this request, so a UAS 401 that
     * follows a proxy 407 is answered with both headers.
     */
    public ChallengeAnswer onChallenge(List<String> wwwAuthenticate, List<String> proxyAuthenticate, String method,
                                       String requestUri, byte[] body) {
        Map<RealmKey, DigestChallenge> chosen = new LinkedHashMap<>();
        List<String> skipped = new ArrayList<>();
        choose(false, wwwAuthenticate, chosen, skipped);
        choose(true, proxyAuthenticate, chosen, skipped);
        if (chosen.isEmpty()) {
            return new ChallengeAnswer.GiveUp(skipped.isEmpty()
                    ? "no challenge in response" : "no usable Digest challenge: " + String.join("; ", skipped));
        }
        for (Map.Entry<RealmKey, DigestChallenge> e : chosen.entrySet()) {
            RealmKey key = e.getKey();
            DigestChallenge c = e.getValue();
            RealmState previous = realms.get(key);
            if (answeredThisRequest.contains(key)) {
                if (!c.stale()) {
                    return new ChallengeAnswer.GiveUp("credentials for realm \"" + key.realm() + "\" rejected");
                }
                if (previous != null && previous.challenge.nonce().equals(c.nonce())) {
                    return new ChallengeAnswer.GiveUp("stale challenge for realm \"" + key.realm()
                            + "\" repeats the nonce already answered");
                }
                if (++staleRetriesThisRequest > MAX_STALE_RETRIES) {
                    return new ChallengeAnswer.GiveUp("too many stale challenges for realm \"" + key.realm() + "\"");
                }
            }
            DigestAlgorithm algorithm = c.supportedAlgorithm().orElseThrow();
            Qop qop = pickQop(c);
            RealmState state;
            if (previous != null && previous.challenge.nonce().equals(c.nonce())
                    && previous.algorithm == algorithm && previous.qop == qop) {
                state = previous;
            } else {
                state = new RealmState(c, algorithm, qop, qop == null && !algorithm.session() ? null : cnonces.get());
            }
            realms.put(key, state);
            answeredThisRequest.add(key);
        }
        List<AuthorizationHeader> headers = new ArrayList<>();
        for (Map.Entry<RealmKey, RealmState> e : realms.entrySet()) {
            headers.add(credentials(e.getKey(), e.getValue(), method, requestUri, body));
        }
        return new ChallengeAnswer.Retry(headers);
    }

    /**
     * Per realm, the strongest challenge we can answer. RFC 8760 2.4 lets a UAC apply a local algorithm
     * preference over the server's order; ours is SHA-512-256 > SHA-256 > MD5, first offered on a tie.
     */
    private static void choose(boolean proxy, List<String> values, Map<RealmKey, DigestChallenge> chosen,
                               List<String> skipped) {
        for (String value : values) {
            Challenge parsed;
            try {
                parsed = Challenge.parse(value);
            } catch (AuthParseException e) {
                log.debug("ignoring malformed challenge {}: {}", value, e.getMessage());
                skipped.add("malformed: " + e.getMessage());
                continue;
            }
            if (!(parsed instanceof DigestChallenge c)) {
                skipped.add("scheme " + parsed.scheme() + " not supported");
                continue;
            }
            if (c.supportedAlgorithm().isEmpty()) {
                skipped.add("algorithm " + c.algorithm() + " not supported");
                continue;
            }
            if (!c.qop().isEmpty() && c.supportedQop().isEmpty()) {
                skipped.add("qop \"" + String.join(",", c.qop()) + "\" not supported");
                continue;
            }
            RealmKey key = new RealmKey(proxy, c.realm());
            DigestChallenge current = chosen.get(key);
            if (current == null || c.supportedAlgorithm().get().strength()
                    > current.supportedAlgorithm().get().strength()) {
                chosen.put(key, c);
            }
        }
    }

    /** auth unless only auth-int is offered; null (RFC 2069 mode) when the challenge has no qop. */
    private static Qop pickQop(DigestChallenge c) {
        List<Qop> offered = c.supportedQop();
        if (offered.isEmpty()) {
            return null;
        }
        return offered.contains(Qop.AUTH) ? Qop.AUTH : Qop.AUTH_INT;
    }

    private AuthorizationHeader credentials(RealmKey key, RealmState s, String method, String requestUri,
                                            byte[] body) {
        DigestChallenge c = s.challenge;
        String nc = null;
        if (s.qop != null) {
            s.nc++;
            nc = nonceCount(s.nc);
        }
        String ha1 = s.algorithm.ha1(username, c.realm(), password);
        String response = DigestMath.response(s.algorithm, ha1, c.nonce(), nc, s.cnonce, s.qop, method, requestUri,
                body);
        String user = c.userhash() ? DigestMath.userhash(s.algorithm, username, c.realm()) : username;
        // Echo the algorithm only if the challenge named one (RFC 2069 servers send none), in canonical spelling.
        DigestCredentials creds = new DigestCredentials(user, c.realm(), c.nonce(), requestUri, response,
                c.algorithm() == null ? null : s.algorithm.token(), s.cnonce, c.opaque(), s.qop == null ? null : s.qop.token(), nc,
                c.userhash());
        return new AuthorizationHeader(
                key.proxy() ? AuthorizationHeader.PROXY_AUTHORIZATION : AuthorizationHeader.AUTHORIZATION,
                creds.headerValue());
    }

    static String nonceCount(int n) {
        char[] out = new char[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = HEX[n & 0xf];
            n >>>= 4;
        }
        return new String(out);
    }

    private static Supplier<String> randomCnonces(SecureRandom random) {
        return () -> {
            byte[] b = new byte[16];
            random.nextBytes(b);
            char[] out = new char[32];
            for (int i = 0; i < 16; i++) {
                out[2 * i] = HEX[(b[i] >> 4) & 0xf];
                out[2 * i + 1] = HEX[b[i] & 0xf];
            }
            return new String(out);
        };
    }
}
