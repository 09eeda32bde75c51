package dev.dialtone.engine.call;

import dev.dialtone.sip.SipStack;
import dev.dialtone.sip.auth.DigestServer;
import dev.dialtone.sip.auth.DigestVerdict;
import dev.dialtone.sip.auth.Ha1Lookup;
import dev.dialtone.sip.dialog.Dialog;
import dev.dialtone.sip.dialog.DialogLayer;
import dev.dialtone.sip.dialog.DialogSet;
import dev.dialtone.sip.dialog.IncomingRequest;
import dev.dialtone.sip.dialog.InviteFailure;
import dev.dialtone.sip.dialog.InviteListener;
import dev.dialtone.sip.dialog.Termination;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.Header;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transaction.TimerConfig;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Transport;
import dev.dialtone.sip.transport.TransportConfig;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A SIP phone for engine tests, on a real stack bound to 127.0.0.1: it places calls (the caller) and answers
 * them by the user part of the Request-URI (the callees): {@code bob} rings and answers, {@code busy} answers 486,
 * {@code ring} rings forever, {@code secure} challenges with digest (user {@code alice}, password {@code s3cret})
 * then answers.
 */
public final class Phone implements DialogLayer.Listener, AutoCloseable {
    public static final TimerConfig FAST = new TimerConfig(20, 160, 200, 200);
    static final String OFFER = "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 30000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n";

    final SipStack stack;
    public final BlockingQueue<SipRequest> invites = new LinkedBlockingQueue<>();
    public final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final CompletableFuture<IncomingRequest> ringing = new CompletableFuture<>();
    private final DigestServer digest = DigestServer.builder().realm("test")
            .ha1Lookup(Ha1Lookup.ofPasswords((user, realm) -> user.equals("alice") ? Optional.of("s3cret")
                    : Optional.empty()))
            .build();

    public Phone() throws Exception {
        stack = SipStack.builder()
                .transport(TransportConfig.builder().bindHost("127.0.0.1").advertisedHost("127.0.0.1").port(0)
                        .tlsPort(0).build())
                .timers(FAST).threads(1).listener(this).start();
    }

    public int port() {
        return stack.transport().port(Transport.UDP);
    }

    public String uri(String user) {
        return "sip:" + user + "@127.0.0.1:" + port() + ";transport=udp";
    }

    @Override
    public void onInvite(IncomingRequest invite) {
        SipRequest request = invite.request();
        invites.add(request);
        String user = ((SipUri) request.requestUri()).user();
        invite.setListener(new CalleeDialog(user));
        switch (user) {
            case "busy" -> invite.reject(486);
            case "ring" -> {
                invite.provisional(180, null);
                ringing.complete(invite);
            }
            case "secure" -> digest.verify(request.headers("Authorization"), "INVITE", request.requestUriText(),
                    request.body()).thenAccept(v -> {
                        if (v instanceof DigestVerdict.Ok) {
                            invite.accept(answer());
                        } else {
                            invite.respond(401, "Unauthorized", digest.challenges(false).stream()
                                    .map(c -> new Header("WWW-Authenticate", c)).toList());
                        }
                    });
            default -> {
                invite.provisional(180, null);
                invite.accept(answer());
            }
        }
    }

    @Override
    public void onCancel(IncomingRequest invite) {
        events.add("cancel " + ((SipUri) invite.request().requestUri()).user());
    }

    @Override
    public void onTerminated(Dialog dialog, Termination reason) {
    }

    static byte[] answer() {
        return ("v=0\r\no=callee 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 30002 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Places a call to the engine; the future completes with the answer or the final failure status. */
    public Call call(int enginePort) {
        SipUri target = SipUri.of("app", "127.0.0.1", enginePort);
        SipRequest invite = stack.dialogs().createInvite(target, Address.of(SipUri.of("alice", "127.0.0.1", port())),
                Address.of(target), "application/sdp", OFFER.getBytes(StandardCharsets.US_ASCII));
        Call c = new Call(invite);
        c.set = stack.dialogs().invite(invite, Destination.of(Transport.UDP,
                new InetSocketAddress("127.0.0.1", enginePort)), c);
        return c;
    }

    public final class Call implements InviteListener {
        final SipRequest invite;
        public final CompletableFuture<SipResponse> answered = new CompletableFuture<>();
        public final CompletableFuture<Integer> failed = new CompletableFuture<>();
        final CompletableFuture<Integer> ringingSeen = new CompletableFuture<>();
        public final CompletableFuture<Termination> ended = new CompletableFuture<>();
        DialogSet set;
        Dialog dialog;

        Call(SipRequest invite) {
            this.invite = invite;
        }

        @Override
        public void onProvisional(DialogSet s, Dialog early, SipResponse response) {
            if (response.status() == 180 || response.status() == 183) {
                ringingSeen.complete(response.status());
            }
        }

        @Override
        public void onAnswered(DialogSet s, Dialog d, SipResponse response) {
            dialog = d;
            answered.complete(response);
        }

        @Override
        public void onFailed(DialogSet s, InviteFailure failure) {
            failed.complete(failure.status());
            answered.completeExceptionally(new AssertionError("call failed: " + failure));
        }

        @Override
        public void onTerminated(Dialog d, Termination reason) {
            ended.complete(reason);
        }

        public void hangUp() {
            if (dialog != null) {
                stack.dialogs().bye(dialog);
            } else {
                set.cancel();
            }
        }
    }

    private final class CalleeDialog implements dev.dialtone.sip.dialog.DialogListener {
        private final String user;

        CalleeDialog(String user) {
            this.user = user;
        }

        @Override
        public void onTerminated(Dialog dialog, Termination reason) {
            events.add("ended " + user + " " + reason);
        }
    }

    public int activity() {
        return stack.dialogs().activeDialogs() + stack.transactions().activeTransactions();
    }

    @Override
    public void close() {
        stack.close();
    }

    static List<String> lines(String s) {
        return List.of(s.split("\r\n"));
    }
}
