package dev.dialtone.media.rtp;

/** No media session could be opened: the port range is exhausted or the ports could not be bound. */
public final class MediaUnavailableException extends Exception {

    public MediaUnavailableException(String reason) {
        super(reason);
    }

    public MediaUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
