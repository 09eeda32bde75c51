package dev.dialtone.sip.transaction;

import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.Via;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Inbound;
import dev.dialtone.sip.transport.MessageSender;
import io.netty.util.concurrent.EventExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The transaction layer of RFC 3261 17: matches what arrives to the transaction it belongs to, creates server
 * transactions for new requests, and runs client transactions for the transaction user.
 *
 * <p>Every transaction of a call lives on one event executor, chosen by Call-ID, and its tables are touched only
 * there, so nothing here takes a lock. One timer wheel serves the whole stack; a firing timer hops back onto the
 * transaction's executor.
 */
public final class TransactionLayer {
    private static final Logger log = LoggerFactory.getLogger(TransactionLayer.class);

    /** The transaction user: the dialog layer, or whatever sits above the transactions. */
    public interface User {
        /** A new request arrived, with the server transaction that will carry its responses. */
        void onRequest(ServerTransaction transaction);

        /**
         * RFC 3261 9.2: a CANCEL matched this INVITE server transaction. The layer has already answered the CANCEL
         * with 200; the user should answer the INVITE with 487 unless it has sent a final response.
         */
        void onCancel(ServerTransaction invite, SipRequest cancel);

        /** An ACK that belongs to no transaction: the ACK of a 2xx, which the dialog layer owns (13.3.1.4). */
        void onAck(Inbound ack);

        /** A response no client transaction is waiting for, such as a 2xx retransmitted after Timer M. */
        void onStrayResponse(Inbound response);
    }

    private final TimerConfig timers;
    private final MessageSender sender;
    private final io.netty.util.Timer wheel;
    private final EventExecutor[] executors;
    private final Shard[] shards;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger armedTimers = new AtomicInteger();
    private final LongAdder retransmittedRequests = new LongAdder();
    private final LongAdder retransmittedInvites = new LongAdder();
    private volatile User user;

    public TransactionLayer(TimerConfig timers, MessageSender sender, io.netty.util.Timer wheel,
                            List<EventExecutor> executors) {
        if (executors.isEmpty()) {
            throw new IllegalArgumentException("need at least one executor");
        }
        this.timers = timers;
        this.sender = sender;
        this.wheel = wheel;
        this.executors = executors.toArray(new EventExecutor[0]);
        this.shards = new Shard[this.executors.length];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = new Shard(this, this.executors[i]);
        }
    }

    public void setUser(User user) {
        this.user = user;
    }

    public TimerConfig timers() {
        return timers;
    }

    /** Transactions not yet terminated; zero once every call has ended and its timers have run out. */
    public int activeTransactions() {
        return active.get();
    }

    /**
     * Requests our client transactions have sent again on their retransmission timers since the layer started:
     * Timer A for an INVITE, Timer E for any other request (RFC 3261 17.1.1.2, 17.1.2.2). A peer that answers late
     * or loses datagrams shows here.
     */
    public long retransmittedRequests() {
        return retransmittedRequests.sum();
    }

    /** The INVITEs among {@link #retransmittedRequests()} (Timer A). */
    public long retransmittedInvites() {
        return retransmittedInvites.sum();
    }

    void countRetransmission(boolean invite) {
        retransmittedRequests.increment();
        if (invite) {
            retransmittedInvites.increment();
        }
    }

    /** Timers armed and not yet fired or cancelled, across every transaction. */
    public int armedTimers() {
        return armedTimers.get();
    }

    /**
     * Sizes, ahead of time, what each shard keeps of ended transactions for {@code perSecond} new transactions of
     * one kind (INVITE, or BYE, ...) a second across the layer. Otherwise what is kept grows as the rate rises,
     * made off the loop but moved in on it (2-20 ms at half a million to a million entries, see FifoLane), so a load
     * generator that knows its highest rate sizes it before its run. What exists is sized at once, on its loop; a
     * kind first kept later, while the calls come, is sized off its loop (FifoLane.reserveAhead). Never shrinks.
     * Any thread.
     */
    public void expectRate(double perSecond) {
        if (!(perSecond > 0)) {
            return;
        }
        double share = perSecond / shards.length;
        for (int i = 0; i < shards.length; i++) {
            Shard shard = shards[i];
            runOn(executors[i], () -> shard.expect(share));
        }
    }

    /** For tests: the entries the retired server lanes of the first shard hold without growing. On its loop. */
    int retiredServerCapacity() {
        return shards[0].retiredServerCapacity();
    }

    /** For tests: the bytes of pages the retired server lanes of the first shard have made. On its loop. */
    long retiredServerPageBytes() {
        return shards[0].retiredServerPageBytes();
    }

    /** The executor that owns every transaction and dialog of this Call-ID. */
    public EventExecutor executorFor(String callId) {
        return executors[index(callId)];
    }

    private int index(String callId) {
        return callId == null ? 0 : (callId.hashCode() & 0x7fffffff) % executors.length;
    }

    /** Entry point for everything the transport decoded. Any thread. */
    public void receive(Inbound in) {
        String callId = in.message().callId();
        int i = index(callId);
        EventExecutor ex = executors[i];
        if (ex.inEventLoop()) {
            dispatch(shards[i], ex, in);
        } else {
            ex.execute(() -> dispatch(shards[i], ex, in));
        }
    }

    /**
     * Starts a client transaction: sends the request to the destination, retransmitting on unreliable transports.
     * The request's top Via must carry an RFC 3261 branch. Any thread; the listener is called on the call's executor.
     */
    public ClientTransaction request(SipRequest request, Destination destination, ClientTransaction.Listener listener) {
        int i = index(request.callId());
        ClientTransaction txn = new ClientTransaction(this, executors[i], shards[i], request, destination, listener);
        runOn(executors[i], txn::start);
        return txn;
    }

    /** Sends a request that has no transaction: the ACK of a 2xx (RFC 3261 13.2.2.4). */
    public void sendAck(SipRequest ack, Destination destination) {
        sender.send(ack, destination, err -> log.debug("ACK for Call-ID {} not sent: {}", ack.callId(), err.toString()));
    }

    /** Sends a response outside any transaction: a 2xx retransmitted by the dialog layer after Timer L. */
    public void sendStateless(SipResponse response, Destination destination) {
        sender.send(response, destination);
    }

    private void dispatch(Shard shard, EventExecutor ex, Inbound in) {
        if (in.message() instanceof SipResponse response) {
            String key = clientKey(response);
            ClientTransaction txn = shard.client.get(key);
            if (txn != null && txn.method() == response.cseq().method()) {
                txn.onResponse(response);
            } else if (txn != null || !shard.absorb(key, response)) {
                User u = user;
                if (u != null) {
                    u.onStrayResponse(in);
                }
            }
            return;
        }
        SipRequest request = (SipRequest) in.message();
        SipMethod method = request.method();
        String key = serverKey(request, method == SipMethod.ACK ? SipMethod.INVITE : method);
        ServerTransaction.Machine existing = shard.server.get(key);
        if (existing != null) {
            existing.onRequest(request);
            return;
        }
        if (shard.absorb(key, in)) {
            return;
        }
        User u = user;
        if (method == SipMethod.ACK) {
            // No transaction: the ACK of a 2xx, which the dialog layer handles (RFC 3261 17.2.3, 13.3.1.4).
            if (u != null) {
                u.onAck(in);
            }
            return;
        }
        ServerTransaction txn = new ServerTransaction(this, ex, shard, key, in);
        shard.server.put(key, txn.machine());
        active.incrementAndGet();
        if (method == SipMethod.CANCEL) {
            // RFC 3261 9.2: the CANCEL is answered by its own transaction; the INVITE it names gets the news.
            String inviteKey = serverKey(request, SipMethod.INVITE);
            ServerTransaction.Machine invite = shard.server.get(inviteKey);
            if (invite == null || !invite.isInvite()) {
                // An INVITE transaction past its final response still exists, with nothing left to cancel.
                txn.respond(shard.hasRetired(inviteKey) ? request.createResponse(200)
                        : request.createResponse(481, "Call/Transaction Does Not Exist"));
                return;
            }
            txn.respond(request.createResponse(200));
            // After the INVITE's final response there is nothing left to cancel: the handle is gone with it.
            ServerTransaction handle = invite.handle();
            if (u != null && handle != null) {
                u.onCancel(handle, request);
            }
            return;
        }
        try {
            if (u != null) {
                u.onRequest(txn);
            } else {
                txn.respond(request.createResponse(503, "Service Unavailable"));
            }
        } finally {
            // RFC 3261 17.2.1: 100 Trying is owed unless the TU answers within 200 ms. A TU that answered while
            // handling the request has done so; one that went off to work (a webhook, a dial) gets the 100 now.
            txn.machine().start();
        }
    }

    /**
     * RFC 3261 17.1.3: a response matches a client transaction by its top Via branch and its CSeq method. The
     * branches we make are one per transaction but for a CANCEL's, which is its INVITE's (9.1): so the key is the
     * branch alone (the String the Via already holds, none made per message), with the method only for a CANCEL,
     * and the method of the others is compared on the transaction found.
     */
    static String clientKey(SipResponse response) {
        Via via = response.topVia();
        String branch = via == null ? null : via.branch();
        return clientKey(branch == null ? "" : branch, response.cseq().method());
    }

    static String clientKey(SipRequest request) {
        return clientKey(request.topVia().branch(), request.method());
    }

    private static String clientKey(String branch, SipMethod method) {
        return method == SipMethod.CANCEL ? branch + "|CANCEL" : branch;
    }

    /**
     * RFC 3261 17.2.3: branch, sent-by and method, the method of an ACK being INVITE. A branch without the magic
     * cookie is an RFC 2543 peer: match on Request-URI, From tag, Call-ID, CSeq number and top Via instead.
     */
    static String serverKey(SipRequest request, SipMethod method) {
        Via via = request.topVia();
        String sentBy = via == null ? "" : via.host().toLowerCase(Locale.ROOT) + ':' + via.portOrDefault();
        if (via != null && via.hasRfc3261Branch()) {
            return via.branch() + '|' + sentBy + '|' + method;
        }
        String fromTag = request.from() == null ? "" : request.from().tag();
        return "2543|" + request.requestUriText() + '|' + fromTag + '|' + request.callId() + '|'
                + request.cseq().seq() + '|' + sentBy + '|' + method;
    }

    void send(dev.dialtone.sip.message.SipMessage message, Destination destination, EventExecutor ex,
              java.util.function.Consumer<String> onError) {
        send(message, destination, err -> transportError(ex, err, onError));
    }

    /**
     * Sends for a transaction, whose context is itself {@code onFailure} (one object for all its sends, where a
     * callback per message was made before).
     */
    void send(dev.dialtone.sip.message.SipMessage message, Destination destination,
              java.util.function.Consumer<Throwable> onFailure) {
        sender.send(message, destination, onFailure);
    }

    /** A send's transport error as its sender hears it: {@code onError} gets its reason, on {@code ex}. */
    static void transportError(EventExecutor ex, Throwable err, java.util.function.Consumer<String> onError) {
        String reason = err.getMessage() == null ? err.getClass().getSimpleName() : err.getMessage();
        runOn(ex, () -> onError.accept(reason));
    }

    /** Arms {@code task}, which calls {@link #fired()} when it runs uncancelled. */
    io.netty.util.Timeout arm(long delayMillis, io.netty.util.TimerTask task) {
        armedTimers.incrementAndGet();
        return wheel.newTimeout(task, Math.max(delayMillis, 0), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    void fired() {
        armedTimers.decrementAndGet();
    }

    /** A closing timer took a place in a {@link LingerLane} or a {@link Retired} lane instead of the wheel. */
    void lingered() {
        armedTimers.incrementAndGet();
    }

    io.netty.util.Timer wheel() {
        return wheel;
    }

    void disarm(io.netty.util.Timeout timeout) {
        if (timeout.cancel()) {
            armedTimers.decrementAndGet();
        }
    }

    void ended() {
        active.decrementAndGet();
    }

    void started() {
        active.incrementAndGet();
    }

    static void runOn(EventExecutor ex, Runnable task) {
        if (ex.inEventLoop()) {
            task.run();
        } else {
            ex.execute(task);
        }
    }

    User user() {
        return user;
    }

    /** One executor's tables, touched only from that executor. */
    static final class Shard {
        final Map<String, ServerTransaction.Machine> server = new HashMap<>();
        final Map<String, ClientTransaction> client = new HashMap<>();
        final EventExecutor executor;
        private final TransactionLayer layer;
        // One lane per closing-timer duration; a stack uses a handful (64*T1, T4, Timer D, zero on reliable ones).
        private LingerLane[] lanes = new LingerLane[0];
        // Likewise for transactions left only to deal with retransmissions (Timers I, J, L and K, M; see Retired).
        private Retired[] retiredClients = new Retired[0];
        private Retired[] retiredServers = new Retired[0];

        // New transactions of one kind a second this shard is sized for (expectRate); 0 when not said.
        private double expected;

        Shard(TransactionLayer layer, EventExecutor executor) {
            this.layer = layer;
            this.executor = executor;
        }

        void expect(double perSecond) {
            expected = Math.max(expected, perSecond);
            for (FifoLane lane : lanes) {
                sizeFor(lane);
            }
            for (FifoLane lane : retiredClients) {
                sizeFor(lane);
            }
            for (FifoLane lane : retiredServers) {
                sizeFor(lane);
            }
        }

        int retiredServerCapacity() {
            int n = 0;
            for (Retired r : retiredServers) {
                n += r.capacity();
            }
            return n;
        }

        long retiredServerPageBytes() {
            long n = 0;
            for (Retired r : retiredServers) {
                n += r.pageBytes();
            }
            return n;
        }

        /** A lane holds what came in its delay: sized for that at the expected rate, at most 2^22 entries. */
        private <L extends FifoLane> L sizeFor(L lane) {
            if (expected > 0) {
                lane.reserve(entriesFor(lane));
            }
            return lane;
        }

        // A lane made while the calls come is sized off the loop (FifoLane.reserveAhead).
        private <L extends FifoLane> L sizeNew(L lane) {
            if (expected > 0) {
                lane.reserveAhead(entriesFor(lane));
            }
            return lane;
        }

        private int entriesFor(FifoLane lane) {
            return (int) Math.min(FifoLane.MAX_AHEAD, Math.ceil(expected * lane.delayMillis() / 1000.0));
        }

        /** Queues a closing timer; returns its deadline, which identifies this arming. */
        long linger(TimerSlots owner, Timer timer, long delayMillis) {
            long delay = Math.max(0, delayMillis);
            LingerLane lane = find(lanes, delay);
            if (lane == null) {
                lane = sizeNew(new LingerLane(layer, this, delay));
                lanes = with(lanes, lane);
            }
            layer.lingered();
            return lane.add(owner, timer);
        }

        /**
         * Keeps only the key of a client transaction that has retransmissions left to absorb and nothing else to
         * do, for {@code delayMillis}; it still counts as active, with its closing timer armed, until then.
         */
        void retire(String key, ClientTransaction.Listener listener, long delayMillis) {
            retiredLane(false, delayMillis).add(key, listener);
        }

        /** The same, with what its further 2xx go to (see {@link ClientTransaction#relisten}). */
        void retire(String key, ClientTransaction.Retransmissions retransmissions, Destination destination, int mark,
                    long delayMillis) {
            retiredLane(false, delayMillis).add(key, retransmissions, destination, mark);
        }

        /** See {@link ClientTransaction#relisten}. */
        void relisten(String key, ClientTransaction.Retransmissions retransmissions, Destination destination,
                      int mark) {
            for (Retired r : retiredClients) {
                if (r.relisten(key, retransmissions, destination, mark)) {
                    return;
                }
            }
        }

        /** The same for a server transaction, with the final response a retransmitted request gets, if any. */
        void retire(String key, byte[] finalResponse, long delayMillis) {
            retiredLane(true, delayMillis).addServer(key, finalResponse);
        }

        private Retired retiredLane(boolean server, long delayMillis) {
            Retired lane = find(server ? retiredServers : retiredClients, delayMillis);
            if (lane == null) {
                lane = sizeNew(new Retired(layer, this, delayMillis, server));
                if (server) {
                    retiredServers = with(retiredServers, lane);
                } else {
                    retiredClients = with(retiredClients, lane);
                }
            }
            layer.lingered();
            return lane;
        }

        private static <L extends FifoLane> L find(L[] lanes, long delayMillis) {
            for (L l : lanes) {
                if (l.delayMillis() == delayMillis) {
                    return l;
                }
            }
            return null;
        }

        private static <L> L[] with(L[] lanes, L lane) {
            L[] out = Arrays.copyOf(lanes, lanes.length + 1);
            out[lanes.length] = lane;
            return out;
        }

        /** A response for a retired client transaction: false if none has {@code key}. */
        boolean absorb(String key, SipResponse response) {
            for (Retired r : retiredClients) {
                if (r.absorb(key, response)) {
                    return true;
                }
            }
            return false;
        }

        /** A request for a retired server transaction: false if none has {@code key}. */
        boolean absorb(String key, Inbound in) {
            for (Retired r : retiredServers) {
                if (r.absorb(key, in)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether a retired server transaction has {@code key}. */
        boolean hasRetired(String key) {
            for (Retired r : retiredServers) {
                if (r.contains(key)) {
                    return true;
                }
            }
            return false;
        }
    }
}
