package dev.dialtone.bench.uas;

import dev.dialtone.sip.SipStack;
import dev.dialtone.sip.dialog.Dialog;
import dev.dialtone.sip.dialog.DialogLayer;
import dev.dialtone.sip.dialog.DialogSet;
import dev.dialtone.sip.dialog.IncomingRequest;
import dev.dialtone.sip.dialog.InviteFailure;
import dev.dialtone.sip.dialog.InviteListener;
import dev.dialtone.sip.dialog.Termination;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transaction.TimerConfig;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Transport;
import dev.dialtone.sip.transport.TransportConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The UAS called by a phone on the Dialtone stack: media echo, callee hang-up, an offer it cannot answer. */
class UasTest {
    private static final TimerConfig FAST = new TimerConfig(20, 160, 200, 200);
    private SipStack caller;
    private Uas uas;
    private DatagramSocket media;

    @BeforeAll
    static void quiet() {
        UasCommand.setLogLevel(ch.qos.logback.classic.Level.WARN);
    }

    @BeforeEach
    void phone() throws Exception {
        media = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0));
        caller = SipStack.builder()
                .transport(TransportConfig.builder().bindHost("127.0.0.1").port(0).tlsPort(0).build())
                .timers(FAST).threads(1)
                .listener(new DialogLayer.Listener() {
                    @Override
                    public void onInvite(IncomingRequest invite) {
                        invite.reject(486);
                    }

                    @Override
                    public void onTerminated(Dialog dialog, Termination reason) {
                    }
                })
                .start();
    }

    @AfterEach
    void stop() {
        caller.close();
        if (uas != null) {
            uas.close();
        }
        media.close();
    }

    private final class Call implements InviteListener {
        final CompletableFuture<SipResponse> answered = new CompletableFuture<>();
        final CompletableFuture<Termination> ended = new CompletableFuture<>();
        final CompletableFuture<Integer> ringing = new CompletableFuture<>();
        Dialog dialog;

        @Override
        public void onProvisional(DialogSet set, Dialog early, SipResponse response) {
            if (response.status() == 180) {
                ringing.complete(180);
            }
        }

        @Override
        public void onAnswered(DialogSet set, Dialog d, SipResponse response) {
            dialog = d;
            answered.complete(response);
        }

        @Override
        public void onFailed(DialogSet set, InviteFailure failure) {
            answered.complete(failure.response());
        }

        @Override
        public void onTerminated(Dialog d, Termination reason) {
            ended.complete(reason);
        }
    }

    private Call call(String codecs) {
        String offer = "v=0\r\no=phone 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio " + media.getLocalPort() + " RTP/AVP " + codecs + "\r\n";
        SipUri target = SipUri.of("bob", "127.0.0.1", uas.port());
        var invite = caller.dialogs().createInvite(target, Address.of(SipUri.of("alice", "127.0.0.1", -1)),
                Address.of(target), "application/sdp", offer.getBytes(StandardCharsets.US_ASCII));
        Call c = new Call();
        caller.dialogs().invite(invite, Destination.of(Transport.UDP, new InetSocketAddress("127.0.0.1", uas.port())), c);
        return c;
    }

    @Test
    @Timeout(20)
    void rtpEcho_returnsEachPacketFromTheAnsweredPort_andFreesThePortAfterBye() throws Exception {
        int low = 40000 + 2 * java.util.concurrent.ThreadLocalRandom.current().nextInt(5000);
        uas = Uas.start(UasConfig.builder().port(0).rtpEcho(true).ringMillis(0).mediaPorts(low, low + 40).threads(1)
                .build());
        int free = uas.freeMediaPorts();
        Call c = call("0 8");
        SipResponse ok = c.answered.get(5, TimeUnit.SECONDS);
        assertEquals(200, ok.status(), ok.startLine());
        assertEquals(180, c.ringing.get(1, TimeUnit.SECONDS));
        String sdp = new String(ok.body(), StandardCharsets.US_ASCII);
        Matcher m = Pattern.compile("m=audio (\\d+) RTP/AVP 0\r\n").matcher(sdp);
        assertTrue(m.find(), sdp);
        int port = Integer.parseInt(m.group(1));
        assertTrue(port >= low && port <= low + 40 && port % 2 == 0, "media port " + port);

        byte[] rtp = new byte[172];
        rtp[0] = (byte) 0x80;
        rtp[12] = 42;
        media.setSoTimeout(5000);
        media.send(new DatagramPacket(rtp, rtp.length, new InetSocketAddress("127.0.0.1", port)));
        DatagramPacket back = new DatagramPacket(new byte[2048], 2048);
        media.receive(back);
        assertEquals(port, back.getPort());
        assertArrayEquals(rtp, java.util.Arrays.copyOf(back.getData(), back.getLength()));
        assertEquals(1, uas.rtpPacketsEchoed());
        assertEquals(free - 1, uas.freeMediaPorts());

        caller.dialogs().bye(c.dialog);
        assertEquals(Termination.LOCAL_BYE, c.ended.get(5, TimeUnit.SECONDS));
        awaitTrue(() -> uas.freeMediaPorts() == free && uas.activeCalls() == 0);
        assertEquals(1, uas.counters().snapshot().get("completed"));
    }

    @Test
    @Timeout(20)
    void withoutEcho_moreCallsThanTheMediaRangeHolds_areAllAnswered_onOnePort() throws Exception {
        int low = 40000 + 2 * java.util.concurrent.ThreadLocalRandom.current().nextInt(5000);
        // Two ports in the range, five calls held open at once: nothing is bound without the echo.
        uas = Uas.start(UasConfig.builder().port(0).ringMillis(0).mediaPorts(low, low + 2).threads(1).build());
        List<Call> calls = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            calls.add(call("0"));
        }
        java.util.Set<String> ports = new java.util.HashSet<>();
        for (Call c : calls) {
            SipResponse ok = c.answered.get(5, TimeUnit.SECONDS);
            assertEquals(200, ok.status(), ok.startLine());
            Matcher m = Pattern.compile("m=audio (\\d+) ").matcher(new String(ok.body(), StandardCharsets.US_ASCII));
            assertTrue(m.find());
            ports.add(m.group(1));
        }
        assertEquals(java.util.Set.of(Integer.toString(low)), ports);
        assertEquals(2, uas.freeMediaPorts(), "the range is left to the echo");
        for (Call c : calls) {
            caller.dialogs().bye(c.dialog);
            assertEquals(Termination.LOCAL_BYE, c.ended.get(5, TimeUnit.SECONDS));
        }
        awaitTrue(() -> uas.activeCalls() == 0);
        assertEquals(5, uas.counters().snapshot().get("completed"));
        assertEquals(2, uas.freeMediaPorts());
    }

    @Test
    @Timeout(30)
    void warmUp_callsItselfThroughItsSocket_answeringItsOwnChallenge_andTheCountersStartAfterIt() throws Exception {
        uas = Uas.start(UasConfig.builder().port(0).ringMillis(0).auth("alice", "s3cret").threads(1).build());
        Uas.WarmupReport r = uas.warmUp(100, 0.5);
        assertEquals(0, r.formCalls(), "the other callers' forms carry no credentials: " + r);
        dev.dialtone.bench.load.CalleeWarmup.Outcome w = r.caller();
        assertTrue(w.calls() > 0, w.toString());
        assertEquals(w.calls(), w.answered(), "every warm-up call got through the digest challenge: " + w);
        assertTrue(uas.counters().snapshot().values().stream().allMatch(v -> v == 0),
                uas.counters().snapshot().toString());

        SipResponse challenge = call("0").answered.get(5, TimeUnit.SECONDS);
        assertEquals(401, challenge.status(), challenge.startLine());
        awaitTrue(() -> uas.counters().snapshot().get("challenged") == 1);
        assertEquals(1, uas.counters().snapshot().get("invites"));
        assertEquals(0, uas.counters().snapshot().get("answered"));
    }

    @Test
    @Timeout(30)
    void warmUpOfNoTime_placesExactlyItsCalls_afterTheOtherForms_andLeavesNoCallOpen() throws Exception {
        uas = Uas.start(UasConfig.builder().port(0).ringMillis(0).threads(1).build());
        Uas.WarmupReport r = uas.warmUp(50, 0);
        assertEquals(Uas.SHAPE_CALLS, r.formCalls(), r.toString());
        assertEquals(Uas.SHAPE_CALLS, r.formsCompleted(), r.toString());
        dev.dialtone.bench.load.CalleeWarmup.Outcome w = r.caller();
        assertEquals(50, w.calls(), w.toString());
        assertEquals(50, w.answered(), w.toString());
        assertNull(w.jitQuiet(), "a fixed number of calls does not wait for the JIT: " + w);
        assertEquals(0, uas.activeCalls());
        assertTrue(uas.counters().snapshot().values().stream().allMatch(v -> v == 0),
                uas.counters().snapshot().toString());
    }

    @Test
    @Timeout(20)
    void hangupAfter_makesTheCalleeSendBye() throws Exception {
        uas = Uas.start(UasConfig.builder().port(0).hangupAfterMillis(100).threads(1).build());
        Call c = call("8");
        assertEquals(200, c.answered.get(5, TimeUnit.SECONDS).status());
        assertTrue(new String(c.answered.get().body(), StandardCharsets.US_ASCII).contains("a=rtpmap:8 PCMA/8000"));
        assertEquals(Termination.REMOTE_BYE, c.ended.get(5, TimeUnit.SECONDS));
        awaitTrue(() -> uas.counters().snapshot().get("hungUp") == 1 && uas.activeCalls() == 0);
    }

    @Test
    @Timeout(20)
    void sessionTimers_areInThe200_unlessTurnedOff() throws Exception {
        uas = Uas.start(UasConfig.builder().port(0).threads(1).build());
        Call on = call("0");
        SipResponse withTimers = on.answered.get(5, TimeUnit.SECONDS);
        assertEquals(200, withTimers.status());
        assertNotNull(withTimers.header(HeaderName.SESSION_EXPIRES), withTimers.startLine());
        caller.dialogs().bye(on.dialog);
        awaitTrue(() -> uas.activeCalls() == 0);
        uas.close();

        uas = Uas.start(UasConfig.builder().port(0).threads(1).sessionTimers(false).build());
        Call off = call("0");
        SipResponse plain = off.answered.get(5, TimeUnit.SECONDS);
        assertEquals(200, plain.status());
        assertNull(plain.header(HeaderName.SESSION_EXPIRES), "no Session-Expires, as SIPp's UAS answers");
        assertNull(plain.header(HeaderName.SUPPORTED));
        caller.dialogs().bye(off.dialog);
        awaitTrue(() -> uas.activeCalls() == 0);
    }

    @Test
    @Timeout(20)
    void offerWithoutG711_isRejected488() throws Exception {
        uas = Uas.start(UasConfig.builder().port(0).threads(1).build());
        Call c = call("18");
        assertEquals(488, c.answered.get(5, TimeUnit.SECONDS).status());
        assertEquals(1, uas.counters().snapshot().get("notAcceptable"));
    }

    @Test
    @Timeout(20)
    void answerDelay_holdsThe200() throws Exception {
        uas = Uas.start(UasConfig.builder().port(0).answerDelayMillis(300).threads(1).build());
        long start = System.nanoTime();
        Call c = call("0");
        assertEquals(200, c.answered.get(5, TimeUnit.SECONDS).status());
        assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300), "answered before the delay");
        caller.dialogs().bye(c.dialog);
        awaitTrue(() -> uas.counters().snapshot().get("completed") == 1);
    }

    /** Waits up to 5 s for {@code condition} (the uas counts a call's end on its own loop, after the caller's). */
    static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 5 s");
            Thread.sleep(20);
        }
    }
}
