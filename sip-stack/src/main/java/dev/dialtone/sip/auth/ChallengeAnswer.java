package dev.dialtone.sip.auth;

import java.util.List;

/** What {@link DigestClient} decided about a 401/407. */
public sealed interface ChallengeAnswer {

    /** Resend the request (new CSeq, RFC 3261 22.2) with these headers replacing any earlier credentials. */
    record Retry(List<AuthorizationHeader> headers) implements ChallengeAnswer {
        public Retry {
            headers = List.copyOf(headers);
        }
    }

    /** Do not retry: the 401/407 is final for this request. */
    record GiveUp(String reason) implements ChallengeAnswer {
    }
}
