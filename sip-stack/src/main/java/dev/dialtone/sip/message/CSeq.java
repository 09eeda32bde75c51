package dev.dialtone.sip.message;

/** The CSeq header (RFC 3261 20.16): a sequence number below 2^31 (8.1.1.5) and the method. */
public record CSeq(long seq, SipMethod method) {

    public CSeq {
        if (seq < 0 || seq > 0xFFFFFFFFL) {
            throw new IllegalArgumentException("CSeq out of range: " + seq);
        }
        if (method == null) {
            throw new IllegalArgumentException("CSeq without method");
        }
    }

    @Override
    public String toString() {
        return seq + " " + method;
    }
}
