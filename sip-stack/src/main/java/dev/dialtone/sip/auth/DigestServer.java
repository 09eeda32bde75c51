package dev.dialtone.sip.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The server side of Digest for one realm: builds challenges and verifies credentials (RFC 3261 22.1, 22.4;
 * RFC 7616; RFC 8760). Thread-safe.
 *
 * <p>Nonces are signed, not stored ({@link NonceService}). The only state is a bounded table of the highest
 * nonce-count seen per nonce ({@link ReplayCache}), needed because a signature cannot tell a first use from a
 * replay.
 */
public final class DigestServer {
    private final String realm;
    private final List<DigestAlgorithm> algorithms;
    private final Set<Qop> qop;
    private final boolean allowNoQop;
    private final String opaque;
    private final Ha1Lookup lookup;
    private final Clock clock;
    private final NonceService nonces;
    private final ReplayCache replays;

    private DigestServer(Builder b) {
        this.realm = Objects.requireNonNull(b.realm, "realm");
        this.algorithms = List.copyOf(b.algorithms);
        if (algorithms.isEmpty()) {
            throw new IllegalArgumentException("at least one algorithm");
        }
        this.qop = b.qop.isEmpty() ? Set.of() : Set.copyOf(b.qop);
        this.allowNoQop = b.allowNoQop;
        this.opaque = b.opaque;
        this.lookup = Objects.requireNonNull(b.lookup, "ha1Lookup");
        this.clock = b.clock;
        byte[] secret = b.secret;
        if (secret == null) {
            secret = new byte[32];
            b.random.nextBytes(secret);
        }
        this.nonces = new NonceService(secret, clock, b.nonceLifetime, b.random);
        this.replays = new ReplayCache(b.replayCacheSize, nonces.lifetimeMillis());
    }

    public static Builder builder() {
        return new Builder();
    }

    public String realm() {
        return realm;
    }

    /**
     * Challenge header values for a 401 ({@code WWW-Authenticate}) or 407 ({@code Proxy-Authenticate}): one per
     * configured algorithm, most preferred first, all with the same fresh nonce (RFC 8760 2.3).
     *
     * @param stale true after a {@link DigestVerdict.Stale} or {@link DigestVerdict.Replayed} verdict
     */
    public List<String> challenges(boolean stale) {
        String nonce = nonces.issue(realm);
        List<String> qopTokens = new ArrayList<>(2);
        for (Qop q : Qop.values()) {
            if (qop.contains(q)) {
                qopTokens.add(q.token());
            }
        }
        List<String> out = new ArrayList<>(algorithms.size());
        for (DigestAlgorithm a : algorithms) {
            out.add(new DigestChallenge(realm, nonce, opaque, a.token(), qopTokens, stale, null, false).headerValue());
        }
        return out;
    }

    /**
     * Verifies the {@code Authorization} (or {@code Proxy-Authorization}) values of a request against its method,
     * Request-URI and body. Credentials for other realms or in other schemes are ignored (RFC 3261 22.3).
     * The stage fails only if the {@link Ha1Lookup} fails.
     */
    public CompletionStage<DigestVerdict> verify(List<String> authorizationValues, String method, String requestUri,
                                                 byte[] body) {
        DigestCredentials creds = null;
        for (String value : authorizationValues) {
            AuthParams.Split split;
            try {
                split = AuthParams.scheme(value);
            } catch (AuthParseException e) {
                return done(new DigestVerdict.Malformed(e.getMessage()));
            }
            if (!split.scheme().equalsIgnoreCase("Digest")) {
                continue;
            }
            DigestCredentials c;
            try {
                c = DigestCredentials.parse(value);
            } catch (AuthParseException e) {
                return done(new DigestVerdict.Malformed(e.getMessage()));
            }
            if (c.realm().equals(realm)) {
                creds = c;
                break;
            }
        }
        if (creds == null) {
            return done(new DigestVerdict.Missing());
        }
        return verify(creds, method, requestUri, body);
    }

    private CompletionStage<DigestVerdict> verify(DigestCredentials c, String method, String requestUri, byte[] body) {
        String user = c.username();
        Optional<DigestAlgorithm> alg = c.algorithm() == null
                ? Optional.of(DigestAlgorithm.MD5) : DigestAlgorithm.fromToken(c.algorithm());
        if (alg.isEmpty() || !algorithms.contains(alg.get())) {
            return done(new DigestVerdict.BadCredentials(user, "algorithm " + c.algorithm() + " not offered"));
        }
        DigestAlgorithm algorithm = alg.get();
        if (c.userhash()) {
            // We never offer userhash (RFC 7616 3.4.4): mapping hashes back to users needs a reverse index.
            return done(new DigestVerdict.BadCredentials(user, "userhash not offered"));
        }
        Qop q = null;
        if (c.qop() != null) {
            q = Qop.fromToken(c.qop()).orElse(null);
            if (q == null || !qop.contains(q)) {
                return done(new DigestVerdict.BadCredentials(user, "qop " + c.qop() + " not offered"));
            }
        } else if (!allowNoQop && !qop.isEmpty()) {
            return done(new DigestVerdict.BadCredentials(user, "qop required"));
        }
        if (algorithm.session() && c.cnonce() == null) {
            return done(new DigestVerdict.Malformed(algorithm.token() + " without cnonce"));
        }
        if (!isHex(c.response(), algorithm.hexLength())) {
            return done(new DigestVerdict.Malformed("response must be " + algorithm.hexLength() + " hex digits"));
        }
        // RFC 2617 3.2.2.5: the digest-uri must name the resource of the request, or the credentials of one
        // request could be replayed against another.
        if (!c.uri().equalsIgnoreCase(requestUri)) {
            return done(new DigestVerdict.BadCredentials(user, "digest-uri " + c.uri()
                    + " does not match Request-URI " + requestUri));
        }
        if (opaque != null && !opaque.equals(c.opaque())) {
            return done(new DigestVerdict.BadCredentials(user, "opaque not echoed"));
        }
        NonceService.Check nonce = nonces.check(c.nonce(), realm);
        final Qop qopUsed = q;
        return lookup.ha1(user, realm, algorithm.base()).thenApply(ha1 -> {
            if (ha1.isEmpty()) {
                return new DigestVerdict.UnknownUser(user);
            }
            String expected = DigestMath.response(algorithm, ha1.get(), c.nonce(), c.nc(), c.cnonce(), qopUsed,
                    method, c.uri(), body);
            // Constant time: a byte-by-byte early exit would leak how much of a guessed response is right.
            if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                    c.response().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
                return new DigestVerdict.BadCredentials(user, "response mismatch");
            }
            // RFC 7616 3.3: stale only when the nonce is invalid but the digest is valid.
            if (nonce.status() != NonceService.Status.VALID) {
                return new DigestVerdict.Stale(user);
            }
            // Without qop there is no nonce-count: a nonce then serves one request, later uses are told stale.
            long nc = qopUsed == null ? 0 : Long.parseLong(c.nc(), 16);
            return switch (replays.advance(c.nonce(), nonce.issuedAtMillis(), nc, clock.millis())) {
                case ACCEPTED -> new DigestVerdict.Ok(user, algorithm);
                case FORGOTTEN -> new DigestVerdict.Stale(user);
                case REPLAYED -> qopUsed == null ? new DigestVerdict.Stale(user) : new DigestVerdict.Replayed(user);
            };
        });
    }

    private static boolean isHex(String s, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (Character.digit(s.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    private static CompletionStage<DigestVerdict> done(DigestVerdict v) {
        return CompletableFuture.completedFuture(v);
    }

    /** Configuration of a {@link DigestServer}; defaults suit a registrar serving old and new phones. */
    public static final class Builder {
        private String realm;
        private List<DigestAlgorithm> algorithms = List.of(DigestAlgorithm.SHA_256, DigestAlgorithm.MD5);
        private Set<Qop> qop = EnumSet.of(Qop.AUTH);
        private boolean allowNoQop = true;
        private String opaque;
        private Ha1Lookup lookup;
        private Clock clock = Clock.systemUTC();
        private Duration nonceLifetime = Duration.ofSeconds(300);
        private byte[] secret;
        private int replayCacheSize = 65_536;
        private SecureRandom random = new SecureRandom();

        private Builder() {
        }

        public Builder realm(String realm) {
            this.realm = realm;
            return this;
        }

        /** Algorithms to offer, most preferred first (default SHA-256 then MD5, RFC 8760 2.3). */
        public Builder algorithms(List<DigestAlgorithm> algorithms) {
            this.algorithms = List.copyOf(algorithms);
            return this;
        }

        /** qop values to offer (default auth); empty offers none (RFC 2069 style challenges). */
        public Builder qop(Set<Qop> qop) {
            this.qop = qop.isEmpty() ? EnumSet.noneOf(Qop.class) : EnumSet.copyOf(qop);
            return this;
        }

        /** Accept credentials without qop even when qop was offered (RFC 2069 phones); default true. */
        public Builder allowNoQop(boolean allowNoQop) {
            this.allowNoQop = allowNoQop;
            return this;
        }

        /** An opaque value to send and require back; none by default. */
        public Builder opaque(String opaque) {
            this.opaque = opaque;
            return this;
        }

        public Builder ha1Lookup(Ha1Lookup lookup) {
            this.lookup = lookup;
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** How long a nonce is accepted before a correct response earns stale=true (default 300 s). */
        public Builder nonceLifetime(Duration nonceLifetime) {
            if (nonceLifetime.isNegative() || nonceLifetime.isZero()) {
                throw new IllegalArgumentException("nonce lifetime must be positive");
            }
            this.nonceLifetime = nonceLifetime;
            return this;
        }

        /** The HMAC key for nonces; share it across nodes behind one address. Random per instance by default. */
        public Builder secret(byte[] secret) {
            this.secret = secret.clone();
            return this;
        }

        /** Nonces tracked for nonce-count replay (default 65,536). */
        public Builder replayCacheSize(int replayCacheSize) {
            this.replayCacheSize = replayCacheSize;
            return this;
        }

        Builder random(SecureRandom random) {
            this.random = random;
            return this;
        }

        public DigestServer build() {
            return new DigestServer(this);
        }
    }
}
