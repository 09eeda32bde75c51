package dev.dialtone.bench.load;

import dev.dialtone.sip.auth.DigestServer;
import dev.dialtone.sip.auth.DigestVerdict;
import dev.dialtone.sip.auth.Ha1Lookup;
import dev.dialtone.sip.dialog.Dialog;
import dev.dialtone.sip.dialog.DialogConfig;
import dev.dialtone.sip.dialog.DialogLayer;
import dev.dialtone.sip.dialog.IncomingRequest;
import dev.dialtone.sip.dialog.Locator;
import dev.dialtone.sip.dialog.Termination;
import dev.dialtone.sip.dialog.ViaFactory;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.transaction.ServerTransaction;
import dev.dialtone.sip.transaction.TimerConfig;
import dev.dialtone.sip.transaction.TransactionLayer;
import dev.dialtone.sip.transport.Inbound;
import dev.dialtone.sip.transport.SipTransportLayer;
import dev.dialtone.sip.transport.TlsConfig;
import dev.dialtone.sip.transport.Transport;
import dev.dialtone.sip.transport.TransportConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.IoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.HashedWheelTimer;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal UAS on Dialtone's stack for the load tool's smoke tests: 180, then 200 with SDP after
 * {@code answerDelayMillis} (or a fixed rejection), an optional digest challenge, an optional BYE of its own after
 * {@code hangupAfterMillis}, and an RTP echo port. Binds 127.0.0.1 on free ports.
 */
final class TestUas implements AutoCloseable {
    /**
     * @param overloadAbove when positive, INVITEs beyond this many in the last second get 503
     */
    record Behaviour(long answerDelayMillis, int rejectWith, long hangupAfterMillis, String authUser,
                     String authPassword, int overloadAbove) {
        Behaviour(long answerDelayMillis, int rejectWith, long hangupAfterMillis, String authUser,
                  String authPassword) {
            this(answerDelayMillis, rejectWith, hangupAfterMillis, authUser, authPassword, 0);
        }

        static Behaviour answering(long delay) {
            return new Behaviour(delay, 0, -1, null, null);
        }
    }

    private final java.util.ArrayDeque<Long> recent = new java.util.ArrayDeque<>();

    private synchronized boolean overloaded() {
        long now = System.nanoTime();
        recent.add(now);
        while (recent.peekFirst() <= now - 1_000_000_000L) {
            recent.pollFirst();
        }
        return behaviour.overloadAbove() > 0 && recent.size() > behaviour.overloadAbove();
    }

    final AtomicInteger invites = new AtomicInteger();
    /** The Contact of every INVITE: one per socket a caller places calls from. */
    final Set<String> inviteContacts = ConcurrentHashMap.newKeySet();
    final List<String> inviteCallIds = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
    final AtomicInteger challenged = new AtomicInteger();
    /** INVITEs taken and not yet answered, and the most there were at once. */
    final AtomicInteger unanswered = new AtomicInteger();
    final AtomicInteger mostUnanswered = new AtomicInteger();
    final AtomicInteger byes = new AtomicInteger();
    final AtomicInteger cancels = new AtomicInteger();
    final AtomicInteger rtpEchoed = new AtomicInteger();
    private final Behaviour behaviour;
    private final IoEventLoopGroup group;
    private final HashedWheelTimer wheel;
    private final SipTransportLayer transport;
    private final TransactionLayer transactions;
    private final DialogLayer dialogs;
    private final DigestServer digest;
    private final Channel echo;

    TestUas(Behaviour behaviour, Transport contactTransport, Path tlsDir) throws Exception {
        this.behaviour = behaviour;
        group = SipTransportLayer.newEventLoopGroup(2);
        wheel = new HashedWheelTimer(10, TimeUnit.MILLISECONDS);
        TransportConfig.Builder tc = TransportConfig.builder().bindHost("127.0.0.1").port(0);
        if (tlsDir != null) {
            tc.tls(TlsConfig.selfSigned(tlsDir)).tlsPort(0);
        }
        transport = new SipTransportLayer(tc.build(), group);
        transactions = new TransactionLayer(TimerConfig.DEFAULT, transport, wheel, transport.executors());
        transport.start(transactions::receive);
        digest = behaviour.authUser() == null ? null : DigestServer.builder().realm("bench.test")
                .ha1Lookup(Ha1Lookup.ofPasswords((u, r) -> u.equals(behaviour.authUser())
                        ? Optional.of(behaviour.authPassword()) : Optional.empty()))
                .build();
        echo = new Bootstrap().group(group).channel(transport.datagramChannelType())
                .handler(new SimpleChannelInboundHandler<DatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                        rtpEchoed.incrementAndGet();
                        ctx.writeAndFlush(new DatagramPacket(p.content().retain(), p.sender()));
                    }
                }).bind("127.0.0.1", 0).sync().channel();
        dialogs = new DialogLayer(transactions, wheel,
                new DialogConfig(Address.of(transport.contactUri(contactTransport, "uas")), false, 1800, 90, false),
                tp -> transport.via(tp, ViaFactory.newBranch()), Locator.numeric(), new Listener());
        if (digest != null) {
            transactions.setUser(new Challenger());
        }
    }

    int port(Transport t) {
        return transport.port(t);
    }

    int activeDialogs() {
        return dialogs.activeDialogs() + dialogs.pendingInvites();
    }

    @Override
    public void close() {
        echo.close();
        transport.close();
        wheel.stop();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private byte[] answer() {
        int port = ((InetSocketAddress) echo.localAddress()).getPort();
        return ("v=0\r\no=uas 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + port + " RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=sendrecv\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private final class Listener implements DialogLayer.Listener {
        @Override
        public void onInvite(IncomingRequest invite) {
            invites.incrementAndGet();
            inviteContacts.add(invite.request().header(HeaderName.CONTACT));
            inviteCallIds.add(invite.request().callId());
            if (behaviour.rejectWith() > 0) {
                invite.reject(behaviour.rejectWith());
                return;
            }
            if (overloaded()) {
                invite.reject(503);
                return;
            }
            invite.provisional(180, null);
            mostUnanswered.accumulateAndGet(unanswered.incrementAndGet(), Math::max);
            var ex = transactions.executorFor(invite.request().callId());
            ex.schedule(() -> {
                unanswered.decrementAndGet();
                invite.accept(answer());
                Dialog d = invite.dialog();
                if (behaviour.hangupAfterMillis() >= 0 && d != null) {
                    ex.schedule(() -> dialogs.bye(d), behaviour.hangupAfterMillis(), TimeUnit.MILLISECONDS);
                }
            }, behaviour.answerDelayMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void onCancel(IncomingRequest invite) {
            cancels.incrementAndGet();
        }

        @Override
        public void onTerminated(Dialog dialog, Termination reason) {
            if (reason == Termination.REMOTE_BYE) {
                byes.incrementAndGet();
            }
        }
    }

    /** Sits in front of the dialog layer and answers INVITEs without good credentials with 401. */
    private final class Challenger implements TransactionLayer.User {
        @Override
        public void onRequest(ServerTransaction txn) {
            SipRequest r = txn.request();
            if (r.method() != SipMethod.INVITE || r.to().tag() != null) {
                dialogs.onRequest(txn);
                return;
            }
            List<String> creds = r.headers(HeaderName.AUTHORIZATION);
            digest.verify(creds, "INVITE", r.requestUriText(), r.body()).thenAccept(v -> {
                if (v instanceof DigestVerdict.Ok) {
                    txn.executor().execute(() -> dialogs.onRequest(txn));
                } else {
                    challenged.incrementAndGet();
                    var b = r.responseBuilder(401, "Unauthorized").toTag(Long.toHexString(System.nanoTime()));
                    for (String c : digest.challenges(v instanceof DigestVerdict.Stale)) {
                        b.header(HeaderName.WWW_AUTHENTICATE, c);
                    }
                    txn.respond(b.build());
                }
            });
        }

        @Override
        public void onCancel(ServerTransaction invite, SipRequest cancel) {
            dialogs.onCancel(invite, cancel);
        }

        @Override
        public void onAck(Inbound ack) {
            dialogs.onAck(ack);
        }

        @Override
        public void onStrayResponse(Inbound response) {
            dialogs.onStrayResponse(response);
        }
    }
}
