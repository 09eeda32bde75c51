package dev.dialtone.sip;

import dev.dialtone.sip.dialog.Dialog;
import dev.dialtone.sip.dialog.DialogLayer;
import dev.dialtone.sip.dialog.DialogSet;
import dev.dialtone.sip.dialog.IncomingRequest;
import dev.dialtone.sip.dialog.InviteFailure;
import dev.dialtone.sip.dialog.InviteListener;
import dev.dialtone.sip.dialog.Termination;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transaction.TimerConfig;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Transport;
import dev.dialtone.sip.transport.TlsConfig;
import dev.dialtone.sip.transport.TransportConfig;
import dev.dialtone.sip.message.SipRequest;
import org.junit.jupiter.api.io.TempDir;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two whole stacks on 127.0.0.1 call each other through the facade. */
class SipStackTest {
    private static final TimerConfig FAST = new TimerConfig(20, 160, 200);

    @ParameterizedTest
    @EnumSource(Transport.class)
    void callSetUpAndTornDown_leavesNothingBehind(Transport transport) throws Exception {
        CompletableFuture<Termination> calleeEnded = new CompletableFuture<>();
        CompletableFuture<SipRequest> received = new CompletableFuture<>();
        byte[] answerSdp = "v=0\r\n".getBytes(StandardCharsets.US_ASCII);
        DialogLayer.Listener callee = new DialogLayer.Listener() {
            @Override
            public void onInvite(IncomingRequest invite) {
                received.complete(invite.request());
                invite.setListener((dialog, reason) -> calleeEnded.complete(reason));
                invite.provisional(180, null);
                invite.accept(answerSdp);
            }

            @Override
            public void onTerminated(Dialog dialog, Termination reason) {
                calleeEnded.complete(reason);
            }
        };
        DialogLayer.Listener caller = new DialogLayer.Listener() {
            @Override
            public void onInvite(IncomingRequest invite) {
                invite.reject(486);
            }

            @Override
            public void onTerminated(Dialog dialog, Termination reason) {
            }
        };
        try (SipStack b = stack(callee); SipStack a = stack(caller)) {
            CompletableFuture<Dialog> answered = new CompletableFuture<>();
            CompletableFuture<Integer> ringing = new CompletableFuture<>();
            SipUri target = SipUri.of("bob", "127.0.0.1", b.transport().port(transport));
            var invite = a.dialogs().createInvite(target, Address.of(SipUri.of("alice", "127.0.0.1", -1)),
                    Address.of(target), "application/sdp", "v=0\r\n".getBytes(StandardCharsets.US_ASCII));
            a.dialogs().invite(invite, Destination.of(transport,
                    new InetSocketAddress("127.0.0.1", b.transport().port(transport))), new InviteListener() {
                @Override
                public void onProvisional(DialogSet set, Dialog early, SipResponse response) {
                    if (response.status() == 180) {
                        ringing.complete(180);
                    }
                }

                @Override
                public void onAnswered(DialogSet set, Dialog dialog, SipResponse response) {
                    answered.complete(dialog);
                }

                @Override
                public void onFailed(DialogSet set, InviteFailure failure) {
                    answered.completeExceptionally(new AssertionError(failure.toString()));
                }

                @Override
                public void onTerminated(Dialog dialog, Termination reason) {
                }
            });
            assertEquals(180, ringing.get(5, TimeUnit.SECONDS));
            Dialog dialog = answered.get(5, TimeUnit.SECONDS);
            assertEquals(Dialog.State.CONFIRMED, dialog.state());
            // RFC 3261 8.1.1.8: the Contact names the transport the INVITE went on (sips: for TLS).
            SipUri contact = (SipUri) received.get().contacts().get(0).uri();
            assertEquals(transport == Transport.TLS, contact.secure(), contact.toString());
            assertEquals(transport == Transport.TCP ? "tcp" : null, contact.transport(), contact.toString());
            a.dialogs().bye(dialog);
            calleeEnded.get(5, TimeUnit.SECONDS);

            // Every dialog, transaction and timer goes once the (shortened) timers have run out.
            awaitTrue(() -> a.dialogs().activeDialogs() == 0 && b.dialogs().activeDialogs() == 0);
            awaitTrue(() -> a.transactions().activeTransactions() == 0 && b.transactions().activeTransactions() == 0);
            awaitTrue(() -> a.transactions().armedTimers() == 0 && b.transactions().armedTimers() == 0
                    && a.dialogs().armedTimers() == 0 && b.dialogs().armedTimers() == 0);
        }
    }

    @TempDir
    static Path tlsDir;

    private static SipStack stack(DialogLayer.Listener listener) throws Exception {
        return SipStack.builder()
                .transport(TransportConfig.builder().bindHost("127.0.0.1").advertisedHost("127.0.0.1").port(0)
                        .tlsPort(0).tls(TlsConfig.selfSigned(tlsDir).insecureAcceptAnyServerCertificate()).build())
                .timers(FAST)
                .threads(2)
                .listener(listener)
                .start();
    }

    private static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
            Thread.sleep(20);
        }
    }
}
