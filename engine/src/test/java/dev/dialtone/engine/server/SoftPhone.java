package dev.dialtone.engine.server;

import dev.dialtone.sip.SipStack;
import dev.dialtone.sip.auth.AuthorizationHeader;
import dev.dialtone.sip.auth.ChallengeAnswer;
import dev.dialtone.sip.auth.DigestClient;
import dev.dialtone.sip.dialog.Dialog;
import dev.dialtone.sip.dialog.DialogLayer;
import dev.dialtone.sip.dialog.DialogListener;
import dev.dialtone.sip.dialog.DialogSet;
import dev.dialtone.sip.dialog.IncomingRequest;
import dev.dialtone.sip.dialog.InviteFailure;
import dev.dialtone.sip.dialog.InviteListener;
import dev.dialtone.sip.dialog.Termination;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transaction.ClientTransaction;
import dev.dialtone.sip.transaction.TimerConfig;
import dev.dialtone.sip.transaction.TransactionFailure;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Transport;
import dev.dialtone.sip.transport.TransportConfig;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A softphone on the real SIP stack, as a user runs one against the server: it registers its own Contact over
 * UDP or TCP with digest credentials, places calls answering the server's 407 challenge, and answers calls (180
 * then 200). It records the INVITEs it receives, with how they arrived.
 */
final class SoftPhone implements DialogLayer.Listener, AutoCloseable {
    static final TimerConfig FAST = new TimerConfig(20, 160, 200, 200);
    static final String OFFER = "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio 30000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
            + "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\n";
    /** The answer: the offer's first codec (PCMU or PCMA) and telephone-event. */
    private static String answer(byte[] offer) {
        String sdp = new String(offer, StandardCharsets.US_ASCII);
        boolean pcma = sdp.lines().anyMatch(l -> l.startsWith("m=audio ") && l.split(" ")[3].equals("8"));
        String pt = pcma ? "8" : "0";
        return "v=0\r\no=callee 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio 30002 RTP/AVP " + pt + " 101\r\na=rtpmap:" + pt + (pcma ? " PCMA" : " PCMU") + "/8000\r\n"
                + "a=rtpmap:101 telephone-event/8000\r\n";
    }

    final String user;
    final Transport transport;
    final SipStack stack;
    private final InetSocketAddress server;
    private final DigestClient digest;
    /** Calls answer the server's 407 with their own client: those credentials go in Proxy-Authorization. */
    private final DigestClient callDigest;
    private final String registerCallId = Long.toHexString(ThreadLocalRandom.current().nextLong()) + "@softphone";
    private long registerCseq;
    /** INVITEs that reached this phone, with how they arrived. */
    final BlockingQueue<IncomingRequest> invites = new LinkedBlockingQueue<>();
    /** "ended REASON" when a call this phone answered ends. */
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    /** When set, incoming calls get this final status instead of an answer. */
    volatile int rejectWith;
    /** When set, incoming calls ring and are never answered. */
    volatile boolean ringOnly;

    SoftPhone(String user, String password, Transport transport, int serverPort) throws Exception {
        this.user = user;
        this.transport = transport;
        this.server = new InetSocketAddress("127.0.0.1", serverPort);
        this.digest = new DigestClient(user, password);
        this.callDigest = new DigestClient(user, password);
        this.stack = SipStack.builder()
                .transport(TransportConfig.builder().bindHost("127.0.0.1").advertisedHost("127.0.0.1").port(0)
                        .tlsPort(0).build())
                .timers(FAST).threads(1).contactUser(user).listener(this).start();
    }

    /** The phone's own SIP port for its transport (where it listens). */
    int port() {
        return stack.transport().port(transport);
    }

    private String serverUri() {
        return "sip:127.0.0.1:" + server.getPort() + (transport == Transport.TCP ? ";transport=tcp" : "");
    }

    /** REGISTERs its Contact for {@code expires} seconds, answering 401 challenges; the last response. */
    SipResponse register(int expires) throws Exception {
        SipResponse response = sendRegister(expires, digest.authorize("REGISTER", serverUri(), new byte[0]));
        while (response.status() == 401) {
            ChallengeAnswer a = digest.onChallenge(401, response.headers(HeaderName.WWW_AUTHENTICATE), "REGISTER",
                    serverUri(), new byte[0]);
            if (!(a instanceof ChallengeAnswer.Retry retry)) {
                return response;
            }
            response = sendRegister(expires, retry.headers());
        }
        return response;
    }

    private SipResponse sendRegister(int expires, List<AuthorizationHeader> credentials) throws Exception {
        registerCseq++;
        SipRequest.Builder b = SipRequest.builder(SipMethod.REGISTER, SipUri.parse(serverUri()))
                .withTopVia(stack.transport().via(transport, "z9hG4bK" + Long.toHexString(
                        ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE)))
                .header(HeaderName.MAX_FORWARDS, "70")
                .header(HeaderName.FROM, "<sip:" + user + "@127.0.0.1>;tag=reg" + Math.abs(registerCallId.hashCode()))
                .header(HeaderName.TO, "<sip:" + user + "@127.0.0.1>")
                .header(HeaderName.CALL_ID, registerCallId)
                .header(HeaderName.CSEQ, registerCseq + " REGISTER")
                .header(HeaderName.CONTACT, "<" + stack.transport().contactUri(transport, user) + ">")
                .header(HeaderName.EXPIRES, Integer.toString(expires));
        for (AuthorizationHeader h : credentials) {
            b.header(h.name(), h.value());
        }
        CompletableFuture<SipResponse> done = new CompletableFuture<>();
        stack.transactions().request(b.build(), Destination.of(transport, server), new ClientTransaction.Listener() {
            @Override
            public void onResponse(SipResponse response) {
                if (response.status() >= 200) {
                    done.complete(response);
                }
            }

            @Override
            public void onFailure(TransactionFailure failure, String reason) {
                done.completeExceptionally(new AssertionError("REGISTER failed: " + failure + " " + reason));
            }
        });
        return done.get(10, TimeUnit.SECONDS);
    }

    /** Calls {@code sip:callee@server} through the server as this endpoint, answering its 407 with credentials. */
    Call call(String callee) {
        SipUri target = SipUri.parse("sip:" + callee + "@127.0.0.1:" + server.getPort()
                + (transport == Transport.TCP ? ";transport=tcp" : ""));
        SipRequest invite = stack.dialogs().createInvite(target,
                Address.of(SipUri.of(user, "127.0.0.1", -1)), Address.of(SipUri.of(callee, "127.0.0.1", -1)),
                "application/sdp", OFFER.getBytes(StandardCharsets.US_ASCII));
        // After the first challenge, later calls carry credentials from the start, as phones do.
        List<AuthorizationHeader> preemptive = callDigest.authorize("INVITE", target.toString(), invite.body());
        if (!preemptive.isEmpty()) {
            SipRequest.Builder b = invite.toBuilder();
            preemptive.forEach(h -> b.header(h.name(), h.value()));
            invite = b.build();
        }
        Call c = new Call();
        c.invite = invite;
        c.set = stack.dialogs().invite(invite, Destination.of(transport, server), c);
        return c;
    }

    final class Call implements InviteListener {
        final CompletableFuture<SipResponse> answered = new CompletableFuture<>();
        final CompletableFuture<Integer> failed = new CompletableFuture<>();
        final CompletableFuture<Integer> ringing = new CompletableFuture<>();
        final CompletableFuture<Termination> ended = new CompletableFuture<>();
        /** Statuses of the challenges this call answered (407s). */
        final List<Integer> challenges = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile SipRequest invite;
        volatile DialogSet set;
        volatile Dialog dialog;

        @Override
        public void onProvisional(DialogSet s, Dialog early, SipResponse response) {
            if (response.status() == 180 || response.status() == 183) {
                ringing.complete(response.status());
            }
        }

        @Override
        public void onAnswered(DialogSet s, Dialog d, SipResponse response) {
            dialog = d;
            answered.complete(response);
        }

        @Override
        public void onFailed(DialogSet s, InviteFailure failure) {
            if (failure.status() == 407 && failure.response() != null && challenges.isEmpty()) {
                challenges.add(407);
                ChallengeAnswer a = callDigest.onChallenge(407, failure.response().headers(HeaderName.PROXY_AUTHENTICATE),
                        "INVITE", invite.requestUriText(), invite.body());
                if (a instanceof ChallengeAnswer.Retry retry) {
                    // RFC 3261 22.2: the same INVITE again with credentials, a new CSeq and a new branch.
                    SipRequest sent = s.request();
                    SipRequest.Builder b = sent.toBuilder().withoutTopVia()
                            .setHeader(HeaderName.CSEQ, (sent.cseq().seq() + 1) + " INVITE");
                    for (AuthorizationHeader h : retry.headers()) {
                        b.header(h.name(), h.value());
                    }
                    invite = b.build();
                    set = stack.dialogs().invite(invite, s.destination(), this);
                    return;
                }
            }
            failed.complete(failure.status());
            answered.completeExceptionally(new AssertionError("call failed: " + failure));
        }

        @Override
        public void onTerminated(Dialog d, Termination reason) {
            ended.complete(reason);
        }

        void hangUp() {
            if (dialog != null) {
                stack.dialogs().bye(dialog);
            } else {
                set.cancel();
            }
        }
    }

    @Override
    public void onInvite(IncomingRequest invite) {
        invites.add(invite);
        invite.setListener(new DialogListener() {
            @Override
            public void onTerminated(Dialog dialog, Termination reason) {
                events.add("ended " + reason);
            }
        });
        int reject = rejectWith;
        if (reject > 0) {
            invite.reject(reject);
            return;
        }
        invite.provisional(180, null);
        if (ringOnly) {
            return;
        }
        invite.accept(answer(invite.request().body()).getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void onCancel(IncomingRequest invite) {
        events.add("cancel");
    }

    @Override
    public void onTerminated(Dialog dialog, Termination reason) {
    }

    int activity() {
        return stack.dialogs().activeDialogs() + stack.transactions().activeTransactions();
    }

    @Override
    public void close() {
        stack.close();
    }
}
