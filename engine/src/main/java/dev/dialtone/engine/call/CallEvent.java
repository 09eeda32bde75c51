package dev.dialtone.engine.call;

/** What can happen to a call leg. {@link Call#on} handles them in one switch. */
public sealed interface CallEvent {

    /** The INVITE went out (outbound leg) or the engine took the inbound INVITE. */
    record Initiated() implements CallEvent {
    }

    /** A 180 or 183 arrived (outbound) or was sent (inbound). */
    record Ringing(int sipCode) implements CallEvent {
    }

    /** A 2xx arrived (outbound) or was sent (inbound). */
    record Answered(int sipCode) implements CallEvent {
    }

    /** A final error response: 486/600 count as busy, the rest as failed. */
    record Rejected(int sipCode, String phrase) implements CallEvent {
    }

    /** Nobody answered in time: the engine sent CANCEL. */
    record NoAnswer() implements CallEvent {
    }

    /** The call could not be placed or carried on: transport error, timeout, bad document, media failure. */
    record Failed(int sipCode, String reason) implements CallEvent {
    }

    /** Ended before answer by the other side of the B2BUA or the API (CANCEL sent or received). */
    record Canceled(HangupBy by) implements CallEvent {
    }

    /** Ended after answer: BYE sent or received. */
    record HungUp(HangupBy by, String reason) implements CallEvent {
    }

    /** Which side ended a call, reported as {@code HangupBy}/{@code HangupDirection}. */
    enum HangupBy {
        /** The remote party of this leg sent BYE or CANCEL. */
        REMOTE,
        /** Dialtone ended it: a verb, a timer, the other leg, the API. */
        LOCAL
    }
}
