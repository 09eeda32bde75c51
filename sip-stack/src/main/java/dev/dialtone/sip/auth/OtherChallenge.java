package dev.dialtone.sip.auth;

/** A challenge in a scheme other than Digest: kept so a caller can see it, never answered. */
public record OtherChallenge(String scheme, String rawParams) implements Challenge {
}
