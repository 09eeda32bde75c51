package dev.dialtone.engine.cxml;

/** One instruction of a cXML {@link Document}, executed in document order. */
public sealed interface Verb permits Dial, Hangup, Reject, Pause, Redirect {
}
