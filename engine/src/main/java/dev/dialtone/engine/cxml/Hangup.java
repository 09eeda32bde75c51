package dev.dialtone.engine.cxml;

/** {@code <Hangup/>}: end the call. */
public record Hangup() implements Verb {
}
