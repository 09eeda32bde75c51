package dev.dialtone.engine.registrar;

import dev.dialtone.engine.store.Binding;
import dev.dialtone.engine.store.BindingStore;
import dev.dialtone.engine.store.SipEndpoint;
import dev.dialtone.engine.store.SipEndpointStore;
import dev.dialtone.sip.auth.DigestVerdict;
import dev.dialtone.sip.message.HeaderName;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.message.Uri;
import dev.dialtone.sip.transport.Inbound;
import dev.dialtone.sip.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * The registrar of RFC 3261 10.3 for Dialtone's SIP endpoints, transport-neutral: it takes a REGISTER with how it
 * arrived and answers with a response, and tells the engine where an endpoint is reachable.
 *
 * <p>Processing follows 10.3's steps: syntax (400, 416 for a non-SIP Request-URI, 400 for a non-SIP To as in
 * RFC 4475 3.3.4), {@code Require} (420), Digest authentication against the endpoint's stored HA1 (401 with a
 * SHA-256 and an MD5 challenge; {@code stale=true} for a right answer to an expired nonce; 403 for wrong
 * credentials, see {@link CallAuthenticator#authenticate}; 400 for malformed ones), authorization (an endpoint
 * may only register its own address-of-record: 403, or 404 for a user that does not exist), expiry (423 with
 * {@code Min-Expires} below the minimum, longer ones shortened to the maximum), Call-ID/CSeq ordering (500 for a
 * REGISTER not newer than the one that last changed a binding) and then the update, answered with 200 listing
 * every live binding with its remaining {@code expires} and a {@code Date}.
 *
 * <p>Each endpoint has one address-of-record, {@code sip:username@domain}, whatever host its To names (phones
 * often write the server's IP address); the domain defaults to the realm. Each binding records where the
 * REGISTER really came from (source address and transport, and the connection id over TCP/TLS), which is where
 * requests for it go ({@link Reachable#destination}).
 *
 * <p>Bindings live in the store, so they survive a restart; expired ones are skipped on read and deleted by a
 * periodic sweep. The store is only touched on the store executor (never on the caller's thread, which may be an
 * event loop); when its queue is full, requests get 503 with Retry-After. REGISTERs for one address-of-record are
 * applied one at a time on this node.
 */
public final class Registrar implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Registrar.class);
    private static final int LOCK_STRIPES = 64;

    private final SipEndpointStore endpoints;
    private final BindingStore bindings;
    private final RegistrarConfig config;
    private final Clock clock;
    private final String domain;
    private final Executor storeExecutor;
    private final ExecutorService ownedExecutor;
    private final ScheduledExecutorService ownedScheduler;
    private final ScheduledFuture<?> sweeping;
    private final EndpointDigest digest;
    private final CallAuthenticator calls;
    private final Object[] locks = new Object[LOCK_STRIPES];
    private final AtomicBoolean sweepRunning = new AtomicBoolean();

    private Registrar(Builder b) {
        this.endpoints = b.endpoints;
        this.bindings = b.bindings;
        this.config = b.config;
        this.clock = b.clock;
        this.domain = b.domain != null ? b.domain : endpoints.realm();
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new Object();
        }
        if (b.storeExecutor != null) {
            this.storeExecutor = b.storeExecutor;
            this.ownedExecutor = null;
        } else {
            ThreadPoolExecutor pool = new ThreadPoolExecutor(config.storeThreads(), config.storeThreads(),
                    30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(config.storeQueue()), daemons("registrar-store"));
            pool.allowCoreThreadTimeOut(true);
            this.storeExecutor = pool;
            this.ownedExecutor = pool;
        }
        this.digest = new EndpointDigest(endpoints, storeExecutor, clock, config.nonceLifetime(), b.nonceSecret);
        this.calls = new CallAuthenticator(digest, endpoints, storeExecutor);
        long every = config.sweepInterval().toMillis();
        if (every > 0) {
            ScheduledExecutorService scheduler = b.scheduler;
            this.ownedScheduler = scheduler == null
                    ? Executors.newSingleThreadScheduledExecutor(daemons("registrar-sweep")) : null;
            this.sweeping = (scheduler != null ? scheduler : ownedScheduler).scheduleWithFixedDelay(
                    this::periodicSweep, every, every, TimeUnit.MILLISECONDS);
        } else {
            this.ownedScheduler = null;
            this.sweeping = null;
        }
    }

    /** A registrar over these stores; the realm of its challenges is {@code endpoints.realm()}. */
    public static Builder builder(SipEndpointStore endpoints, BindingStore bindings) {
        return new Builder(endpoints, bindings);
    }

    /** The digest realm (the store's: its HA1 values are computed for it). */
    public String realm() {
        return digest.realm();
    }

    /** The address-of-record of an endpoint: {@code sip:username@domain}. */
    public String addressOfRecord(String username) {
        return SipUri.of(username, domain, -1).toString();
    }

    /** The authenticator for calls from endpoints, sharing this registrar's realm, nonces and store executor. */
    public CallAuthenticator callAuthenticator() {
        return calls;
    }

    /**
     * Answers a REGISTER. Never completes exceptionally: a store failure is a 500, a saturated store executor a
     * 503. Completes on a store thread or, for answers that need no store, on the caller's.
     *
     * @param inbound how the request arrived: its source address, transport and flow are recorded with the
     *                bindings
     * @throws IllegalArgumentException if {@code register} is not a REGISTER (the caller routes by method)
     */
    public CompletionStage<SipResponse> handle(SipRequest register, Inbound inbound) {
        if (!SipMethod.REGISTER.equals(register.method())) {
            throw new IllegalArgumentException("not a REGISTER: " + register.method());
        }
        Objects.requireNonNull(inbound, "inbound");
        RegisterRequest.Result read = RegisterRequest.read(register, config.defaultExpires());
        if (read instanceof RegisterRequest.Refused refused) {
            return CompletableFuture.completedFuture(refused.response());
        }
        RegisterRequest request = ((RegisterRequest.Parsed) read).request();
        CompletionStage<DigestVerdict> verdict;
        try {
            verdict = digest.verify(register, HeaderName.AUTHORIZATION);
        } catch (SipParseException e) {
            return CompletableFuture.completedFuture(Responses.of(register, 400, e.reason()));
        }
        return verdict.thenCompose(v -> {
            if (v instanceof DigestVerdict.Ok ok) {
                return StoreCalls.async(storeExecutor, () -> update(register, request, ok.username(), inbound));
            }
            return CompletableFuture.completedFuture(refuse(register, v));
        }).exceptionally(t -> {
            if (Responses.overload(t)) {
                log.debug("REGISTER {} refused: store executor saturated", register.callId());
            } else {
                log.warn("REGISTER {} failed: {}", register.callId(), Responses.cause(t).toString());
            }
            return Responses.failure(register, t);
        });
    }

    /** {@link #handle(SipRequest, Inbound)} for callers that answer through a callback (for example a server transaction). */
    public void handle(SipRequest register, Inbound inbound, Consumer<SipResponse> respond) {
        handle(register, inbound).thenAccept(respond);
    }

    /**
     * The live registrations of {@code username}, highest q first (none counts as 1), then the latest expiry
     * first; empty for an unknown user. Fails only when the store does, or with
     * {@link java.util.concurrent.RejectedExecutionException} when the store executor is saturated.
     */
    public CompletionStage<List<Reachable>> lookup(String username) {
        return StoreCalls.async(storeExecutor, () -> {
            Optional<SipEndpoint> endpoint = endpoints.findByUsername(username);
            if (endpoint.isEmpty()) {
                return List.of();
            }
            List<Reachable> out = new ArrayList<>();
            for (Binding b : bindings.listByEndpoint(endpoint.get().id(), clock.instant())) {
                Reachable r = reachable(username, b);
                if (r != null) {
                    out.add(r);
                }
            }
            out.sort(Comparator.comparing((Reachable r) -> r.q() == null ? BigDecimal.ONE : r.q()).reversed()
                    .thenComparing(Reachable::expiresAt, Comparator.reverseOrder()));
            return List.copyOf(out);
        });
    }

    /**
     * The endpoint named {@code username}, read on the store executor; fails like {@link #lookup} when the store
     * does or is saturated.
     */
    public CompletionStage<Optional<SipEndpoint>> findEndpoint(String username) {
        return StoreCalls.async(storeExecutor, () -> endpoints.findByUsername(username));
    }

    /** Deletes the bindings expired by now; completes with how many. The periodic sweep calls this. */
    public CompletionStage<Integer> sweep() {
        return StoreCalls.async(storeExecutor, () -> {
            int n = bindings.expire(clock.instant());
            if (n > 0) {
                log.debug("swept {} expired bindings", n);
            }
            return n;
        });
    }

    /** One sweep at a time: a slow store must not collect a queue of them. */
    private void periodicSweep() {
        if (!sweepRunning.compareAndSet(false, true)) {
            return;
        }
        sweep().whenComplete((n, t) -> {
            sweepRunning.set(false);
            if (t != null && !Responses.overload(t)) {
                log.warn("binding sweep failed: {}", Responses.cause(t).toString());
            }
        });
    }

    /** Stops the sweep and the executors this registrar created; given ones are left to their owner. */
    @Override
    public void close() {
        if (sweeping != null) {
            sweeping.cancel(false);
        }
        if (ownedScheduler != null) {
            ownedScheduler.shutdownNow();
        }
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
            try {
                if (!ownedExecutor.awaitTermination(5, TimeUnit.SECONDS)) {
                    ownedExecutor.shutdownNow();
                }
            } catch (InterruptedException e) {
                ownedExecutor.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
    }

    private SipResponse refuse(SipRequest register, DigestVerdict v) {
        if (v instanceof DigestVerdict.Missing) {
            return Responses.challenge(register, 401, digest.challenges(false));
        }
        if (v instanceof DigestVerdict.Stale || v instanceof DigestVerdict.Replayed) {
            return Responses.challenge(register, 401, digest.challenges(true));
        }
        if (v instanceof DigestVerdict.Malformed m) {
            return Responses.of(register, 400, "Bad Authorization: " + m.reason());
        }
        // Wrong password, unknown user, or an algorithm or qop we did not offer: the client answered a challenge
        // and failed; another 401 would only invite guessing (RFC 3261 21.4.4: authorization will not help).
        log.debug("REGISTER {} refused: {}", register.callId(), v);
        return Responses.of(register, 403);
    }

    /** RFC 3261 10.3 steps 4 to 8; runs on a store thread. */
    private SipResponse update(SipRequest register, RegisterRequest request, String authenticated, Inbound inbound) {
        String user = request.username();
        // Step 4: credentials of one endpoint do not let it change another's bindings.
        if (user == null || !user.equals(authenticated)) {
            boolean exists = user != null && endpoints.findByUsername(user).isPresent();
            return exists ? Responses.of(register, 403, "Not Your Address-Of-Record") : Responses.of(register, 404);
        }
        // Step 5: the address-of-record must belong to an endpoint.
        Optional<SipEndpoint> endpoint = endpoints.findByUsername(user);
        if (endpoint.isEmpty()) {
            return Responses.of(register, 404);
        }
        String aor = addressOfRecord(user);
        Instant now = Instant.ofEpochMilli(clock.millis());
        synchronized (locks[Math.floorMod(aor.hashCode(), LOCK_STRIPES)]) {
            SipResponse refused = request.wildcard()
                    ? removeAll(register, request, aor, now)
                    : bind(register, request, aor, endpoint.get(), inbound, now);
            if (refused != null) {
                return refused;
            }
            return ok(register, bindings.list(aor, now), now);
        }
    }

    /** Step 6: {@code Contact: *}. Returns the refusal, or null when done. */
    private SipResponse removeAll(SipRequest register, RegisterRequest request, String aor, Instant now) {
        for (Binding b : bindings.list(aor, now)) {
            if (outOfOrder(b, request)) {
                return outOfOrder(register, b);
            }
        }
        int removed = bindings.removeAll(aor);
        log.info("Unregistered {}: all {} bindings removed", aor, removed);
        return null;
    }

    /** Steps 6 and 7 for a list of Contacts: checks every one first, so a refusal changes nothing. */
    private SipResponse bind(SipRequest register, RegisterRequest request, String aor, SipEndpoint endpoint,
                             Inbound inbound, Instant now) {
        for (RegisterRequest.RequestedContact c : request.contacts()) {
            // RFC 3261 10.3 step 7: too brief, but 0 (removal) is always allowed.
            if (c.expires() > 0 && c.expires() < config.minExpires()) {
                return Responses.builder(register, 423, null)
                        .header(HeaderName.MIN_EXPIRES, Long.toString(config.minExpires())).build();
            }
        }
        Map<String, Binding> live = new HashMap<>();
        for (Binding b : bindings.list(aor, now)) {
            live.put(b.contactUri(), b);
        }
        int after = live.size();
        for (RegisterRequest.RequestedContact c : request.contacts()) {
            Binding existing = live.get(c.uri());
            if (existing != null && outOfOrder(existing, request)) {
                return outOfOrder(register, existing);
            }
            if (existing == null && c.expires() > 0) {
                after++;
            } else if (existing != null && c.expires() == 0) {
                after--;
            }
        }
        if (after > config.maxContacts() && after > live.size()) {
            return Responses.of(register, 403, "Too Many Contacts");
        }
        Transport transport = inbound.transport();
        String source = Addresses.format(inbound.remote());
        // RFC 5626 5.3: over a stream the connection itself is the way back to the phone.
        String flowId = transport.reliable() && inbound.flow() != null ? inbound.flow().id() : null;
        for (RegisterRequest.RequestedContact c : request.contacts()) {
            if (c.expires() == 0) {
                if (bindings.remove(aor, c.uri())) {
                    log.info("Unregistered {} at {}", aor, c.uri());
                }
                continue;
            }
            long granted = Math.min(c.expires(), config.maxExpires());
            Binding b = new Binding(aor, c.uri(), endpoint.id(), source, transport.name().toLowerCase(Locale.ROOT),
                    flowId, now.plusSeconds(granted), request.callId(), request.cseq(), qValue(c.q()));
            if (bindings.refresh(b)) {
                log.debug("Refreshed {} at {} from {} {} for {}s", aor, c.uri(), transport, source, granted);
            } else if (bindings.insert(b)) {
                log.info("Registered {} at {} from {} {} for {}s", aor, c.uri(), transport, source, granted);
            } else {
                bindings.refresh(b);
            }
        }
        return null;
    }

    /**
     * RFC 3261 10.3 steps 6 and 7: with the same Call-ID, a binding only changes for a higher CSeq, so a delayed
     * or retransmitted REGISTER cannot undo a newer one.
     */
    private static boolean outOfOrder(Binding existing, RegisterRequest request) {
        return existing.callId().equals(request.callId()) && request.cseq() <= existing.cseq();
    }

    private static SipResponse outOfOrder(SipRequest register, Binding existing) {
        log.debug("REGISTER {} CSeq {} is not newer than {} for {}", register.callId(), register.cseq(),
                existing.cseq(), existing.contactUri());
        return Responses.of(register, 500, "Out Of Order REGISTER");
    }

    /** Step 8: every live binding with its remaining time, rounded up so none is reported as 0 while it lives. */
    private static SipResponse ok(SipRequest register, List<Binding> live, Instant now) {
        SipResponse.Builder b = Responses.builder(register, 200, null);
        for (Binding binding : live) {
            long millis = binding.expiresAt().toEpochMilli() - now.toEpochMilli();
            long seconds = (millis + 999) / 1000;
            StringBuilder contact = new StringBuilder(binding.contactUri().length() + 24)
                    .append('<').append(binding.contactUri()).append(">;expires=").append(seconds);
            if (binding.q() != null) {
                contact.append(";q=").append(binding.q().stripTrailingZeros().toPlainString());
            }
            b.header(HeaderName.CONTACT, contact.toString());
        }
        return b.header(HeaderName.DATE, Responses.date(now)).build();
    }

    private static BigDecimal qValue(String q) {
        if (q == null) {
            return null;
        }
        try {
            BigDecimal v = new BigDecimal(q);
            return v.signum() < 0 || v.compareTo(BigDecimal.ONE) > 0 || v.scale() > 3 ? null : v;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Reachable reachable(String username, Binding b) {
        Transport transport = Transport.fromName(b.transport());
        InetSocketAddress source = Addresses.parse(b.received());
        Uri contact;
        try {
            contact = Uri.parse(b.contactUri());
        } catch (SipParseException e) {
            contact = null;
        }
        if (transport == null || source == null || contact == null) {
            log.warn("skipping unreadable binding {} of {}", b.contactUri(), b.aor());
            return null;
        }
        return new Reachable(username, contact, transport, source, b.flowId(), b.expiresAt(), b.q());
    }

    private static ThreadFactory daemons(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Configuration of a {@link Registrar}. */
    public static final class Builder {
        private final SipEndpointStore endpoints;
        private final BindingStore bindings;
        private RegistrarConfig config = RegistrarConfig.defaults();
        private Clock clock = Clock.systemUTC();
        private String domain;
        private Executor storeExecutor;
        private ScheduledExecutorService scheduler;
        private byte[] nonceSecret;

        private Builder(SipEndpointStore endpoints, BindingStore bindings) {
            this.endpoints = Objects.requireNonNull(endpoints, "endpoints");
            this.bindings = Objects.requireNonNull(bindings, "bindings");
        }

        public Builder config(RegistrarConfig config) {
            this.config = Objects.requireNonNull(config);
            return this;
        }

        /** Decides expiry and nonce age; tests pass a manual clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** The host of every address-of-record; default the realm. */
        public Builder domain(String domain) {
            this.domain = domain;
            return this;
        }

        /**
         * Where store calls run; it should be bounded and reject when full (those requests get 503). By default
         * the registrar makes its own ({@link RegistrarConfig#storeThreads()}, {@link RegistrarConfig#storeQueue()}).
         */
        public Builder storeExecutor(Executor storeExecutor) {
            this.storeExecutor = storeExecutor;
            return this;
        }

        /** Where the periodic sweep is scheduled; by default a daemon thread of the registrar's own. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = scheduler;
            return this;
        }

        /** The nonce key; share it across nodes behind one address (and across restarts). Random by default. */
        public Builder nonceSecret(byte[] nonceSecret) {
            this.nonceSecret = nonceSecret.clone();
            return this;
        }

        public Registrar build() {
            return new Registrar(this);
        }
    }
}
