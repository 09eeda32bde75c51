package dev.dialtone.sip.message;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeaderNameTest {

    @Test
    void same_tellsHeadersApart_whateverTheObjectsAndTheCase() {
        assertTrue(HeaderName.same(HeaderName.CSEQ, HeaderName.CSEQ));
        assertFalse(HeaderName.same(HeaderName.CSEQ, HeaderName.FROM), "two constants of equal length");
        assertFalse(HeaderName.same(HeaderName.CALL_ID, HeaderName.CONTACT));
        assertFalse(HeaderName.same(HeaderName.CONTENT_TYPE, HeaderName.MAX_FORWARDS));
        // A name that is not the constant object (built at run time) still matches its header, in any case.
        String built = new String(new char[] {'c', 'S', 'e', 'Q'});
        assertTrue(HeaderName.same(built, HeaderName.CSEQ));
        assertTrue(HeaderName.same(HeaderName.CSEQ, built));
        assertFalse(HeaderName.same(built, HeaderName.FROM));
        // Headers we have no constant for compare without regard to case (RFC 3261 7.3.5).
        assertTrue(HeaderName.same("X-Account-Id", "x-account-ID"));
        assertFalse(HeaderName.same("X-Account-Id", "X-Account-Ix"));
    }
}
