package dev.dialtone.bench.load;

/** How a call ended, as the generator counts it. */
public enum Outcome {
    /** Answered, held and hung up with the BYE answered. */
    COMPLETED,
    /** Cancelled on purpose ({@code --cancel-rate}) and answered 487 (or not answered at all). */
    CANCELLED,
    /** Anything else; the reason says what. */
    FAILED
}
