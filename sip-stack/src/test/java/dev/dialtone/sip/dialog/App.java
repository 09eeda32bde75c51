package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipResponse;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A test application: records what the dialog layer tells it, as short strings, and answers INVITEs as told. */
final class App implements DialogLayer.Listener, InviteListener {
    static final byte[] SDP = Msgs.SDP.getBytes(StandardCharsets.UTF_8);

    final List<String> events = new CopyOnWriteArrayList<>();
    volatile Consumer<IncomingRequest> onInvite = in -> in.accept(SDP);
    volatile Dialog dialog;
    volatile Dialog early;
    volatile IncomingRequest invite;
    volatile InviteFailure failure;

    @Override
    public void onInvite(IncomingRequest in) {
        invite = in;
        events.add("invite");
        onInvite.accept(in);
        if (in.dialog() != null) {
            dialog = in.dialog();
        }
    }

    @Override
    public void onCancel(IncomingRequest in) {
        events.add("cancel");
    }

    @Override
    public void onProvisional(DialogSet set, Dialog early, SipResponse response) {
        if (early != null) {
            this.early = early;
        }
        events.add("provisional:" + response.status() + (early == null ? "" : ":early"));
    }

    @Override
    public void onAnswered(DialogSet set, Dialog d, SipResponse response) {
        dialog = d;
        events.add("answered:" + d.id().remoteTag());
    }

    @Override
    public void onFailed(DialogSet set, InviteFailure f) {
        failure = f;
        events.add("failed:" + f.kind() + ":" + f.status());
    }

    @Override
    public void onRequest(Dialog d, IncomingRequest request) {
        events.add("request:" + request.request().method());
        DialogLayer.Listener.super.onRequest(d, request);
    }

    @Override
    public void onAck(Dialog d, dev.dialtone.sip.message.SipRequest ack) {
        events.add("ack:" + (ack.bodyLength() > 0 ? "sdp" : "empty"));
    }

    @Override
    public void onTerminated(Dialog d, Termination reason) {
        events.add("terminated:" + reason);
    }

    boolean saw(String event) {
        return events.contains(event);
    }

    long count(String event) {
        return events.stream().filter(event::equals).count();
    }
}
