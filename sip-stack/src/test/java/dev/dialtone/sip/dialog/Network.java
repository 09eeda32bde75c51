package dev.dialtone.sip.dialog;

import dev.dialtone.sip.codec.SipParser;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.transaction.TimerConfig;
import dev.dialtone.sip.transaction.TransactionLayer;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Inbound;
import dev.dialtone.sip.transport.MessageSender;
import dev.dialtone.sip.transport.Transport;
import io.netty.util.HashedWheelTimer;
import io.netty.util.concurrent.DefaultEventExecutor;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Parties on 127.0.0.1 joined by an in-memory "network": what one sends is serialized, parsed again and handed to
 * the other's {@link TransactionLayer#receive} as a UDP datagram. Every message is logged; tests can drop, hold or
 * add messages on the way.
 */
final class Network implements AutoCloseable {
    /** T1 = 20 ms, so every transaction timer (64*T1) runs out in 1.28 s; Timer D follows it. */
    static final TimerConfig TIMERS = new TimerConfig(20, 80, 100, 0);

    record Sent(Party from, SipMessage message) {
        boolean isRequest(String method) {
            return message instanceof SipRequest r && r.method().name().equals(method);
        }

        boolean isResponse(int status, String method) {
            return message instanceof SipResponse r && r.status() == status
                    && r.cseq().method().name().equals(method);
        }
    }

    final HashedWheelTimer wheel = new HashedWheelTimer(r -> {
        Thread t = new Thread(r, "test-wheel");
        t.setDaemon(true);
        return t;
    }, 5, TimeUnit.MILLISECONDS);
    final List<Sent> wire = new CopyOnWriteArrayList<>();
    private final Map<Integer, Party> parties = new ConcurrentHashMap<>();
    private final List<Party> all = new ArrayList<>();
    private final List<Runnable> held = new ArrayList<>();
    private volatile boolean holding;
    volatile Predicate<Sent> drop = s -> false;
    /** Extra messages to deliver after one: a message-to-list function (for example a second fork's 2xx). */
    volatile Function<Sent, List<SipMessage>> inject = s -> List.of();

    final class Party {
        final String name;
        final InetSocketAddress address;
        final DefaultEventExecutor executor = new DefaultEventExecutor();
        final TransactionLayer transactions;
        final Address contact;
        DialogLayer dialogs;
        App app;

        Party(String name, int port) {
            this.name = name;
            this.address = new InetSocketAddress("127.0.0.1", port);
            this.contact = Address.parse("<sip:" + name + "@127.0.0.1:" + port + ">");
            MessageSender sender = (message, destination) -> deliver(this, message, destination);
            this.transactions = new TransactionLayer(TIMERS, sender, wheel, List.of(executor));
        }

        Party withDialogs(DialogConfig config) {
            app = new App();
            dialogs = new DialogLayer(transactions, wheel, config, ViaFactory.of("127.0.0.1", address.getPort()),
                    Locator.numeric(), app);
            return this;
        }

        DialogConfig defaults() {
            return DialogConfig.defaults(contact);
        }

        Destination destination() {
            return Destination.of(Transport.UDP, address);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    Party party(String name, int port) {
        Party p = new Party(name, port);
        parties.put(port, p);
        all.add(p);
        return p;
    }

    private CompletionStage<Void> deliver(Party from, SipMessage message, Destination destination) {
        Party to = parties.get(destination.address().getPort());
        SipMessage copy = SipParser.parse(message.toBytes());
        Sent sent = new Sent(from, copy);
        wire.add(sent);
        if (to == null || drop.test(sent)) {
            return CompletableFuture.completedFuture(null);
        }
        List<SipMessage> extra = inject.apply(sent);
        Runnable r = () -> {
            to.transactions.receive(new Inbound(copy, Transport.UDP, from.address, to.address, null));
            for (SipMessage m : extra) {
                wire.add(new Sent(from, m));
                to.transactions.receive(new Inbound(m, Transport.UDP, from.address, to.address, null));
            }
        };
        synchronized (held) {
            if (holding) {
                held.add(r);
                return CompletableFuture.completedFuture(null);
            }
        }
        r.run();
        return CompletableFuture.completedFuture(null);
    }

    /** Hold every message until {@link #release()}, so that two requests cross on the wire. */
    void hold() {
        synchronized (held) {
            holding = true;
        }
    }

    /** Stop holding and deliver what was held. */
    void release() {
        deliverHeld(false);
    }

    /** Deliver what is held so far but go on holding what is sent from now on (the answers, say). */
    void deliverHeld() {
        deliverHeld(true);
    }

    private void deliverHeld(boolean keepHolding) {
        List<Runnable> now;
        synchronized (held) {
            holding = keepHolding;
            now = new ArrayList<>(held);
            held.clear();
        }
        now.forEach(Runnable::run);
    }

    long count(Predicate<Sent> p) {
        return wire.stream().filter(p).count();
    }

    /** Messages matching {@code p}, retransmissions counted once (same sender, start line, CSeq and top Via). */
    long distinct(Predicate<Sent> p) {
        return wire.stream().filter(p)
                .map(s -> s.from() + " " + s.message().startLine() + " " + s.message().cseq() + " " + s.message().topVia())
                .distinct().count();
    }

    List<Sent> matching(Predicate<Sent> p) {
        return wire.stream().filter(p).toList();
    }

    /** Polls {@code condition} until it holds, failing after {@code limit} with what went over the wire. */
    void await(BooleanSupplier condition, Duration limit, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for " + what + "; wire:\n" + transcript());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    void await(BooleanSupplier condition, String what) {
        await(condition, Duration.ofSeconds(10), what);
    }

    /** One line per message: sender, start line, CSeq, tags. */
    String transcript() {
        StringBuilder sb = new StringBuilder();
        for (Sent s : wire) {
            SipMessage m = s.message();
            sb.append(s.from()).append(": ").append(m.startLine()).append(" | ").append(m.cseq())
                    .append(" | from-tag ").append(m.from().tag()).append(" to-tag ").append(m.to().tag()).append('\n');
        }
        return sb.toString();
    }

    /** Every dialog, pending INVITE, transaction and timer of every party is gone once the small timers ran out. */
    void awaitQuiet() {
        for (Party p : all) {
            if (p.dialogs != null) {
                await(() -> p.dialogs.activeDialogs() == 0, p + " dialogs ended");
                await(() -> p.dialogs.pendingInvites() == 0, p + " INVITEs answered");
                await(() -> p.dialogs.armedTimers() == 0, p + " dialog timers released");
            }
            await(() -> p.transactions.activeTransactions() == 0, p + " transactions ended");
            await(() -> p.transactions.armedTimers() == 0, p + " transaction timers released");
        }
    }

    @Override
    public void close() {
        for (Party p : all) {
            p.executor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
        wheel.stop();
    }
}
