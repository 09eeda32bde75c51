package dev.dialtone.engine.cxml;

import java.util.List;

/** A parsed {@code <Response>}: its verbs in document order. An empty document hangs up. */
public record Document(List<Verb> verbs) {
    public Document {
        verbs = List.copyOf(verbs);
    }
}
