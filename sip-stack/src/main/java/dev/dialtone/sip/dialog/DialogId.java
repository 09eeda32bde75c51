package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipMessage;

/**
 * What identifies a dialog (RFC 3261 12): Call-ID, local tag and remote tag, as seen from this side. A missing tag
 * (an RFC 2543 peer) is the empty string.
 */
public record DialogId(String callId, String localTag, String remoteTag) {

    public DialogId {
        if (callId == null) {
            throw new IllegalArgumentException("dialog without Call-ID");
        }
        localTag = localTag == null ? "" : localTag;
        remoteTag = remoteTag == null ? "" : remoteTag;
    }

    /** The dialog a received request belongs to: our tag is in To, theirs in From (12.2.2). */
    static DialogId ofReceivedRequest(SipMessage request) {
        return new DialogId(request.callId(), request.to().tag(), request.from().tag());
    }

    /** The dialog a received response belongs to: our tag is in From, theirs in To. */
    static DialogId ofReceivedResponse(SipMessage response) {
        return new DialogId(response.callId(), response.from().tag(), response.to().tag());
    }
}
