package dev.dialtone.engine.cxml;

import java.util.Objects;

/** A problem in a cXML document, at a 1-based line and column. */
public record CxmlError(int line, int column, String message) {

    public CxmlError {
        Objects.requireNonNull(message, "message");
    }

    /** {@code LINE:COL: message}; prefix the file name for a compiler-style report. */
    @Override
    public String toString() {
        return line + ":" + column + ": " + message;
    }
}
