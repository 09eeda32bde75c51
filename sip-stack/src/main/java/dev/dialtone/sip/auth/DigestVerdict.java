package dev.dialtone.sip.auth;

/**
 * The outcome of {@link DigestServer#verify}. How a registrar or proxy answers each:
 * <ul>
 *   <li>{@link Ok}: proceed as {@code username}.</li>
 *   <li>{@link Missing}, {@link BadCredentials}, {@link UnknownUser}: 401/407 with fresh challenges
 *       (RFC 3261 22.1; a UAS may answer a repeated failure with 403).</li>
 *   <li>{@link Stale}, {@link Replayed}: 401/407 with challenges built with {@code stale=true}, so an honest
 *       client retries without asking its user again.</li>
 *   <li>{@link Malformed}: 400 with the reason.</li>
 * </ul>
 */
public sealed interface DigestVerdict {

    /** The response is right for a fresh nonce. */
    record Ok(String username, DigestAlgorithm algorithm) implements DigestVerdict {
    }

    /** No Digest credentials for this realm (none at all, another scheme, or another realm). */
    record Missing() implements DigestVerdict {
    }

    /** The response is right but the nonce is expired, not ours, or forgotten: challenge again with stale=true. */
    record Stale(String username) implements DigestVerdict {
    }

    /** The nonce-count did not grow: a replayed (or duplicated) request. */
    record Replayed(String username) implements DigestVerdict {
    }

    /** Well-formed credentials that do not verify. */
    record BadCredentials(String username, String reason) implements DigestVerdict {
    }

    /** The lookup does not know the user. */
    record UnknownUser(String username) implements DigestVerdict {
    }

    /** The header value breaks the grammar or misses required parameters. */
    record Malformed(String reason) implements DigestVerdict {
    }
}
