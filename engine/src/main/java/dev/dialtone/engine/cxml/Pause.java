package dev.dialtone.engine.cxml;

/** {@code <Pause length="N"/>}: wait {@code length} seconds before the next verb. */
public record Pause(int length) implements Verb {

    public static final int DEFAULT_LENGTH = 1;
    public static final int MAX_LENGTH = 14_400;

    public Pause {
        if (length < 0 || length > MAX_LENGTH) {
            throw new IllegalArgumentException("length out of range: " + length);
        }
    }
}
