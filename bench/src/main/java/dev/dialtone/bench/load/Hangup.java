package dev.dialtone.bench.load;

/** Who sends the BYE at the end of the hold time. */
public enum Hangup {
    /** We do, after {@code --hold}. */
    CALLER,
    /** The UAS does; we wait for its BYE and answer it. */
    CALLEE
}
