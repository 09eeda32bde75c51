package dev.dialtone.sip.message;

/** The Session-Expires header (RFC 4028 4): interval in seconds and the {@code refresher} ({@code uac}/{@code uas}). */
public record SessionExpires(long delta, Parameters params) {

    public SessionExpires {
        params = params == null ? Parameters.EMPTY : params;
    }

    public String refresher() {
        return params.get("refresher");
    }

    @Override
    public String toString() {
        return delta + params.toString();
    }
}
