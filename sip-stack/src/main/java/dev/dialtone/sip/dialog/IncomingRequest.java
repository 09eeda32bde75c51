package dev.dialtone.sip.dialog;

import java.util.List;
import dev.dialtone.sip.message.Header;

import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.transport.Inbound;

/**
 * A request the application answers: a new INVITE (which makes a dialog once answered with a tagged 1xx or a
 * 2xx), or a re-INVITE, UPDATE or other request inside a dialog. Any thread may answer; the work happens on the
 * call's executor. Only the first final answer counts.
 */
public final class IncomingRequest {

    /** Where an answer goes. */
    @FunctionalInterface
    interface Answerer {
        void answer(IncomingRequest request, int status, String reason, String contentType, byte[] body,
                    List<Header> headers);
    }

    private final SipRequest request;
    private final Inbound inbound;
    private final Answerer answerer;
    volatile Dialog dialog;
    volatile DialogListener listener;
    boolean finished;

    IncomingRequest(SipRequest request, Inbound inbound, Dialog dialog, Answerer answerer) {
        this.request = request;
        this.inbound = inbound;
        this.dialog = dialog;
        this.answerer = answerer;
    }

    public SipRequest request() {
        return request;
    }

    /** How a new INVITE arrived: transport and source address; null for a request inside a dialog. */
    public Inbound inbound() {
        return inbound;
    }

    /** The dialog: for a new INVITE, null until the first tagged provisional or 2xx answer. */
    public Dialog dialog() {
        return dialog;
    }

    /**
     * For a new INVITE: who hears the events of the dialog it makes (re-INVITEs, BYE, session expiry). Set it before
     * answering; otherwise the {@link DialogLayer.Listener} hears them.
     */
    public void setListener(DialogListener listener) {
        this.listener = listener;
    }

    /** A provisional response, 101 to 199 (180 Ringing, 183 Session Progress with early media...). */
    public void provisional(int status, byte[] sdp) {
        if (status <= 100 || status >= 200) {
            throw new IllegalArgumentException("not a provisional status: " + status);
        }
        respond(status, null, sdp == null ? null : Dialog.SDP, sdp);
    }

    /** 200 OK, with our SDP (offer or answer) or none. */
    public void accept(byte[] sdp) {
        respond(200, null, sdp == null ? null : Dialog.SDP, sdp);
    }

    /** A final error response, 300 to 699. */
    public void reject(int status) {
        if (status < 300 || status > 699) {
            throw new IllegalArgumentException("not a rejection status: " + status);
        }
        respond(status, null, null, null);
    }

    /** Any response, with an optional body and reason phrase (null for the standard one). */
    public void respond(int status, String reason, String contentType, byte[] body) {
        answerer.answer(this, status, reason, contentType, body, List.of());
    }

    /**
     * Any response with extra header fields: a 401 with its {@code WWW-Authenticate} challenges, a 423 with
     * {@code Min-Expires}, a 3xx with {@code Contact}...
     */
    public void respond(int status, String reason, List<Header> headers) {
        answerer.answer(this, status, reason, null, null, List.copyOf(headers));
    }
}
