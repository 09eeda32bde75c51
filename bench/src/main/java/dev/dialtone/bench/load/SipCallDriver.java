package dev.dialtone.bench.load;

import dev.dialtone.sip.dialog.DialogConfig;
import dev.dialtone.sip.dialog.DialogLayer;
import dev.dialtone.sip.dialog.IncomingRequest;
import dev.dialtone.sip.dialog.Locator;
import dev.dialtone.sip.dialog.ViaFactory;
import dev.dialtone.sip.message.Address;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.transaction.LoopTimer;
import dev.dialtone.sip.transaction.TimerConfig;
import dev.dialtone.sip.transaction.TransactionLayer;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Inbound;
import dev.dialtone.sip.transport.SipTransportLayer;
import dev.dialtone.sip.transport.TlsConfig;
import dev.dialtone.sip.transport.Transport;
import dev.dialtone.sip.transport.TransportConfig;
import io.netty.channel.IoEventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Places calls over Dialtone's own SIP stack: transport, transaction and dialog layers on one event-loop group,
 * assembled here rather than through {@code SipStack} so that responses to BYE can be seen as they arrive (the
 * dialog layer ends a dialog when its BYE leaves, and the BYE-to-200 time is one of the figures we report).
 * Session timers and 100rel are not offered: a load test measures call setup, not extensions.
 */
public final class SipCallDriver implements CallDriver {
    private static final Logger log = LoggerFactory.getLogger(SipCallDriver.class);

    /**
     * SO_RCVBUF and SO_SNDBUF of our UDP socket: what arrives while the loop is paused (a young collection, a
     * method compiled again) waits there. The kernel counts a loopback datagram of a few hundred bytes as about
     * 1.5 KB, and caps the size asked at net.core.rmem_max before it doubles it: the stack's 1 MiB held about 40 ms
     * of a 12,000 calls/s run's answers, and a 180 and 200 dropped there have the INVITE sent again, which SIPp's
     * UAS (having answered it) takes for an unexpected message and aborts the call.
     */
    static final int SOCKET_BUFFER = 8 << 20;
    /** An upper bound of what a retired transaction costs in its lane's columns and text ring (about 110 bytes). */
    private static final int RETIRED_BYTES = 256;

    private final LoadConfig config;
    private final IoEventLoopGroup group;
    private final LoopTimer wheel;
    private final LoopTimer starts;
    private final SipTransportLayer transport;
    private final TransactionLayer transactions;
    private final Path tlsDir;
    // Sized for tens of thousands of calls in flight (a target's stall at 20,000 calls/s): a map that grows during
    // such a spike rehashes on the loop, through a branch of ConcurrentHashMap's resize that C2 compiled as a trap.
    private final Map<String, UacCall> calls = new ConcurrentHashMap<>(1 << 16);
    private final AtomicInteger rtpPorts = new AtomicInteger();
    private final AtomicLong callNumbers = new AtomicLong();
    // "-<this driver>@<our host>" after each call's number: unique over space and time (RFC 3261 8.1.1.4).
    private final String callIdSuffix;
    private DialogLayer dialogs;
    private Address from;
    private Aim aim;
    private volatile boolean closed;

    /** Where a call goes: the next hop, the Request-URI and the To of its INVITE. */
    record Aim(Destination destination, SipUri requestUri, Address to) {
    }

    private SipCallDriver(LoadConfig config, IoEventLoopGroup group, LoopTimer wheel,
                          SipTransportLayer transport, TransactionLayer transactions, Path tlsDir) {
        this.config = config;
        this.group = group;
        this.wheel = wheel;
        this.starts = new LoopTimer(group, 1, TimeUnit.MILLISECONDS);
        this.transport = transport;
        this.transactions = transactions;
        this.tlsDir = tlsDir;
        this.callIdSuffix = "-" + Integer.toHexString(new SecureRandom().nextInt()) + "@" + bare(config.localHost());
    }

    /**
     * The Call-ID of the next call: its number, then a random token of this driver, as SIPp numbers its calls
     * ({@code 1-4711@host}, 4711 its process). A call is easy to find in the target's logs by its number, and a
     * target that keeps its calls in a tree ordered by Call-ID (SIPp's is a std::map) finds calls that came close
     * together close together. With random Call-IDs, SIPp's UAS used about 70 % of its core at 12,000 calls/s
     * under {@code load}, against about 50 % with numbered ones or under SIPp's own UAC (bench/RESULTS.md).
     */
    String nextCallId() {
        return callNumbers.incrementAndGet() + callIdSuffix;
    }

    @Override
    public long retransmittedRequests() {
        return transactions.retransmittedRequests();
    }

    @Override
    public long retransmittedInvites() {
        return transactions.retransmittedInvites();
    }

    @Override
    public long receiveDrops() {
        return config.transport() == Transport.UDP ? UdpDrops.of(transport.port(Transport.UDP)) : -1;
    }

    @Override
    public void expectRate(double callsPerSecond) {
        // Each call has one INVITE and one BYE transaction (a CANCEL for some): one of each kind per call. The
        // INVITEs' lane keeps each for 64*T1, in at most RETIRED_BYTES an entry with its arrays rounded up to a
        // power of two: sized ahead only up to a quarter of the heap, so that a rate asked of a target that cannot
        // take it does not fill a small heap before the first call; past that the rings grow as they are needed.
        double perCallPerSecond = RETIRED_BYTES * 64.0 * config.t1Millis() / 1000.0;
        double affordable = Runtime.getRuntime().maxMemory() / 4.0 / perCallPerSecond;
        transactions.expectRate(Math.min(callsPerSecond, affordable));
    }

    /** Binds the SIP listeners on {@code config.localHost()} and gets ready to call the target. */
    public static SipCallDriver open(LoadConfig config) throws IOException {
        InetSocketAddress target = new InetSocketAddress(bare(config.targetHost()), config.targetPort());
        if (target.isUnresolved()) {
            throw new IOException("cannot resolve " + config.targetHost());
        }
        Path tlsDir = null;
        TlsConfig tls = null;
        if (config.transport() == Transport.TLS) {
            // Our own certificate only matters if the target asks for one; a throwaway self-signed one will do.
            tlsDir = Files.createTempDirectory("dialtone-bench-tls");
            tls = TlsConfig.selfSigned(tlsDir);
            if (config.tlsInsecure()) {
                tls = tls.insecureAcceptAnyServerCertificate();
            } else if (config.tlsTrust() != null) {
                tls = tls.trustingCertificate(config.tlsTrust());
            }
        }
        TransportConfig tc = TransportConfig.builder().bindHost(config.localHost()).advertisedHost(config.localHost())
                .port(config.localPort()).tlsPort(0).tls(tls).udpSocketBuffer(SOCKET_BUFFER).build();
        IoEventLoopGroup group = SipTransportLayer.newEventLoopGroup(config.threads());
        // Timers on the event loops; once stopped, those of calls given up at the end are dropped quietly.
        LoopTimer wheel = new LoopTimer(group);
        SipTransportLayer transport = null;
        try {
            transport = new SipTransportLayer(tc, group);
            // As the stack's own wheel does: a due retransmission (Timer A) or timeout waits while answers that
            // have already reached the loop are unread, so that after a pause of the loop or a burst from a target
            // that stalled, an INVITE whose 180 is in the backlog is not sent again (SIPp's UAS aborts the call).
            // The starts wheel stays as it is: a call starts on time whatever waits to be read.
            wheel.holdWhile(transport::inputPending);
            long t1 = config.t1Millis();
            TransactionLayer transactions = new TransactionLayer(
                    new TimerConfig(t1, Math.max(t1, 4000), 5000).withRequestTimeout(config.transactionTimeoutMillis()),
                    transport, wheel, transport.executors());
            SipCallDriver driver = new SipCallDriver(config, group, wheel, transport, transactions, tlsDir);
            transport.start(driver::receive);
            if (config.transport() == Transport.UDP) {
                String advice = bufferAdvice(UdpDrops.receiveBufferMax());
                if (advice != null) {
                    log.warn(advice);
                }
            }
            driver.wire(target);
            // -Ddialtone.load.connectUdp=false sends from the listening socket, to compare (bench/RESULTS.md).
            if (config.transport() == Transport.UDP && Boolean.parseBoolean(
                    System.getProperty("dialtone.load.connectUdp", "true"))) {
                try {
                    transport.connectUdp(target);
                } catch (IOException e) {
                    log.warn("sending to {} from the listening socket: {}", target, e.getMessage());
                }
            }
            return driver;
        } catch (IOException | RuntimeException e) {
            if (transport != null) {
                transport.close();
            }
            wheel.stop();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            deleteTree(tlsDir);
            throw e;
        }
    }

    /**
     * What to tell the user when the kernel's net.core.rmem_max ({@code rmemMax} bytes, -1 unknown) gives our UDP
     * socket less receive buffer than {@link #SOCKET_BUFFER}, or null. Linux caps the size asked at rmem_max and
     * doubles it; its default of 208 KiB holds about 300 datagrams, a few milliseconds of a busy target's answers.
     */
    static String bufferAdvice(long rmemMax) {
        if (rmemMax < 0 || 2 * rmemMax >= SOCKET_BUFFER) {
            return null;
        }
        return "net.core.rmem_max is " + rmemMax / 1024 + " KiB: our UDP socket gets " + 2 * rmemMax / 1024
                + " KiB of receive buffer instead of " + SOCKET_BUFFER / 1024 + " KiB, and what arrives in a burst"
                + " beyond it is dropped (the summary's 'dropped on arrival'); raise it with"
                + " sysctl -w net.core.rmem_max=" + SOCKET_BUFFER / 2;
    }

    /** The dialog layer needs our Contact, whose port is known only once the listeners are bound. */
    private void wire(InetSocketAddress target) {
        Transport t = config.transport();
        Address contact = Address.of(transport.contactUri(t, config.fromUser()));
        DialogConfig dc = new DialogConfig(contact, false, 1800, 90, false);
        dialogs = new DialogLayer(transactions, wheel, dc, tp -> transport.via(tp, ViaFactory.newBranch()),
                Locator.numeric(), new DialogLayer.Listener() {
                    @Override
                    public void onInvite(IncomingRequest invite) {
                        // A load generator takes no calls.
                        invite.reject(603);
                    }

                    @Override
                    public void onTerminated(dev.dialtone.sip.dialog.Dialog dialog,
                                             dev.dialtone.sip.dialog.Termination reason) {
                    }
                });
        aim = aim(config.targetHost(), target);
        from = Address.of(SipUri.of(config.fromUser(), uriHost(config.localHost()), -1));
    }

    private Aim aim(String host, InetSocketAddress address) {
        Transport t = config.transport();
        SipUri.Builder ru = SipUri.builder(host).user(config.toUser()).port(address.getPort());
        if (t == Transport.TLS) {
            ru.secure(true);
        } else if (t == Transport.TCP) {
            ru.param("transport", "tcp");
        }
        return new Aim(Destination.of(t, address), ru.build(),
                Address.of(SipUri.of(config.toUser(), host, address.getPort())));
    }

    @Override
    public boolean startsAtIntendedTime() {
        return true;
    }

    /**
     * The same stack (sockets, event loops, compiled code) calling another UDP target: the warm-up's in-process
     * callee. Closing the view leaves this driver open.
     */
    @Override
    public CallDriver toward(String host, int port) {
        if (config.transport() != Transport.UDP) {
            return null;
        }
        Aim other = aim(uriHost(host), new InetSocketAddress(bare(host), port));
        return new CallDriver() {
            @Override
            public void place(CallAttempt attempt) {
                SipCallDriver.this.place(attempt, other);
            }

            @Override
            public boolean startsAtIntendedTime() {
                return true;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void place(CallAttempt attempt) {
        place(attempt, aim);
    }

    private void place(CallAttempt attempt, Aim to) {
        if (closed) {
            attempt.failed("driver-closed");
            return;
        }
        if (!config.rtp()) {
            new UacCall(this, to, attempt, null).start();
            return;
        }
        String host = config.localHost();
        RtpProbe.open(group, transport.datagramChannelFactory(host), host, attempt).whenComplete((probe, err) -> {
            if (err != null) {
                log.debug("no RTP port: {}", err.toString());
                attempt.failed("rtp-port");
            } else {
                rtpPorts.incrementAndGet();
                probe.closeFuture().addListener(f -> rtpPorts.decrementAndGet());
                new UacCall(this, to, attempt, probe).start();
            }
        });
    }

    /** Everything the transport decoded: BYE responses are noted here, then all goes to the transactions. */
    private void receive(Inbound in) {
        if (in.message() instanceof SipResponse r) {
            try {
                if (r.cseq().method() == SipMethod.BYE && r.isFinal()) {
                    UacCall call = calls.get(r.callId());
                    if (call != null && call.executor().inEventLoop()) {
                        call.onByeResponse(r.status());
                    } else if (call != null) {
                        call.executor().execute(() -> call.onByeResponse(r.status()));
                    }
                }
            } catch (SipParseException e) {
                log.debug("response with a bad CSeq: {}", e.reason());
            }
        }
        transactions.receive(in);
    }

    LoadConfig config() {
        return config;
    }

    DialogLayer dialogs() {
        return dialogs;
    }

    /** What the driver's transport has received and dropped: for tests. */
    dev.dialtone.sip.transport.TransportStats transportStats() {
        return transport.stats();
    }

    Address from() {
        return from;
    }

    LoopTimer wheel() {
        return wheel;
    }

    /** Runs {@code start} on {@code executor} at {@code deadline}, with the other calls due on the same grid point. */
    void startAt(EventExecutor executor, long deadline, Runnable start) {
        starts.newTimeoutAt(executor, t -> start.run(), deadline);
    }

    EventExecutor executorFor(String callId) {
        return transactions.executorFor(callId);
    }

    /** How long a transaction waits for its final response (Timers B and F). */
    long transactionTimeoutMillis() {
        return config.transactionTimeoutMillis();
    }

    /** How long echoed RTP may still be in flight when a call ends. */
    long rtpGraceMillis() {
        return 100;
    }

    void register(UacCall call) {
        calls.put(call.callId(), call);
    }

    void unregister(UacCall call) {
        calls.remove(call.callId(), call);
    }

    /** Calls placed and not yet ended. */
    int activeCalls() {
        return calls.size();
    }

    /** RTP ports open for calls. */
    int openRtpPorts() {
        return rtpPorts.get();
    }

    /** The port our SIP listener bound, for the transport in use. */
    int localPort() {
        return transport.port(config.transport());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        // Calls given up at the end of the drain still run transactions: their timers go quietly with the wheel.
        wheel.stop();
        starts.stop();
        transport.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        deleteTree(tlsDir);
    }

    /** A host as a URI writes it: an IPv6 address in brackets. */
    private static String uriHost(String host) {
        return host.indexOf(':') >= 0 ? "[" + bare(host) + "]" : host;
    }

    /** A host without the brackets a URI puts around an IPv6 reference. */
    static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            log.debug("could not delete {}: {}", dir, e.toString());
        }
    }
}
