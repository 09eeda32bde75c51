package dev.dialtone.engine.cxml;

import java.util.List;
import java.util.Optional;

/**
 * The outcome of {@link CxmlParser#parse}: a document when there are no errors, else every error found.
 * Warnings (an attribute this engine ignores, a value brought into range) never prevent a document.
 */
public record ParseResult(Optional<Document> document, List<CxmlError> errors, List<CxmlError> warnings) {

    public ParseResult {
        errors = List.copyOf(errors);
        warnings = List.copyOf(warnings);
        if (document.isPresent() == !errors.isEmpty()) {
            throw new IllegalArgumentException("a result holds either a document or errors");
        }
    }

    public boolean isValid() {
        return document.isPresent();
    }
}
