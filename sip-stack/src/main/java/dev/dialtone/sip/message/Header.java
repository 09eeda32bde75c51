package dev.dialtone.sip.message;

/**
 * One header field as it appears on the wire: its name (the full canonical name for known headers, the
 * name as received for extension headers) and its value with folding undone and surrounding whitespace trimmed.
 */
public record Header(String name, String value) {

    @Override
    public String toString() {
        return name + ": " + value;
    }
}
