package dev.dialtone.sip.message;

/** The RAck header of a PRACK (RFC 3262 7.2): the RSeq and CSeq of the reliable provisional response. */
public record RAck(long rseq, long cseq, SipMethod method) {

    @Override
    public String toString() {
        return rseq + " " + cseq + " " + method;
    }
}
