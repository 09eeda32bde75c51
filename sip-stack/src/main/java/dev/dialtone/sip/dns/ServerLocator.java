package dev.dialtone.sip.dns;

import dev.dialtone.sip.transport.Transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DnsRawRecord;
import io.netty.handler.codec.dns.DnsRecord;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.resolver.dns.DnsErrorCauseException;
import io.netty.resolver.dns.DnsNameResolver;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.DnsServerAddressStreamProvider;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SequentialDnsServerAddressStreamProvider;
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RFC 3263 server location: turns a {@link NextHop} into an ordered {@link TargetList} through NAPTR, SRV and
 * A/AAAA lookups on netty's asynchronous resolver. Nothing blocks; stages complete on the resolver's event loop.
 *
 * <p>Resolutions are cached for the smallest TTL among the records used. The cache keeps the SRV structure, not
 * a fixed order, so each {@link #locate} call draws its own weighted order (RFC 2782) and load spreads across
 * equal-priority servers. Failed lookups are not cached. Thread-safe.
 */
public final class ServerLocator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ServerLocator.class);
    /** RFC 3263 4.1: when no transport is given, try these SRV services, most preferred first. */
    private static final List<Transport> SRV_PREFERENCE = List.of(Transport.TLS, Transport.TCP, Transport.UDP);

    /** Cache size past which inserting first sweeps expired entries, so the cache tracks live destinations. */
    private static final int PURGE_THRESHOLD = 4096;

    private final DnsNameResolver resolver;
    private final Clock clock;
    private final Random random;
    private final Set<Transport> transports;
    private final boolean preferIpv6;
    private final Map<NextHop, Cached> cache = new ConcurrentHashMap<>();
    private final Map<NextHop, CompletableFuture<Resolution>> inflight = new ConcurrentHashMap<>();

    private ServerLocator(Builder b) {
        DnsServerAddressStreamProvider servers = b.nameServers == null
                ? DnsServerAddressStreamProviders.platformDefault()
                : new SequentialDnsServerAddressStreamProvider(b.nameServers.toArray(new InetSocketAddress[0]));
        // Our own TTL cache replaces netty's, so a cached answer is never used past the TTL we computed.
        this.resolver = new DnsNameResolverBuilder(b.eventLoop)
                .datagramChannelType(b.channelType)
                // RFC 1035 4.2.1 / RFC 7766: a truncated UDP answer (large NAPTR/SRV sets) is retried over TCP.
                .socketChannelType(b.socketChannelType)
                .nameServerProvider(servers)
                .resolveCache(NoopDnsCache.INSTANCE)
                .cnameCache(NoopDnsCnameCache.INSTANCE)
                .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
                .searchDomains(List.of())
                .queryTimeoutMillis(b.queryTimeout.toMillis())
                .recursionDesired(true)
                .build();
        this.clock = b.clock;
        this.random = b.random;
        this.transports = EnumSet.copyOf(b.transports);
        this.preferIpv6 = b.preferIpv6;
    }

    public static Builder builder(EventLoop eventLoop) {
        return new Builder(eventLoop);
    }

    /**
     * Finds the targets for {@code destination} (RFC 3263 4.1 transport, 4.2 port and address). Fails with a
     * {@link ServerLocationException} saying why when there is none.
     */
    public CompletionStage<TargetList> locate(NextHop destination) {
        String host = stripBrackets(destination.host());
        if (host.isEmpty()) {
            return failed(ServerLocationException.Reason.INVALID_DESTINATION, "empty host");
        }
        Optional<Transport> requested = destination.transport();
        if (destination.secure() && requested.isPresent() && requested.get() == Transport.UDP) {
            return failed(ServerLocationException.Reason.INVALID_DESTINATION, "sips: cannot use transport=udp");
        }
        // RFC 3261 26.2: sips over TCP means TLS.
        Optional<Transport> transport = requested.map(t -> destination.secure() ? Transport.TLS : t);
        if (transport.isPresent() && !transports.contains(transport.get())) {
            return failed(ServerLocationException.Reason.INVALID_DESTINATION,
                    "transport " + transport.get() + " not supported");
        }
        byte[] numeric = NetUtil.createByteArrayFromIpAddressString(host);
        if (numeric != null) {
            // RFC 3263 4.1 and 4.2: a numeric host needs no DNS; the transport and port default.
            Transport t = transport.orElseGet(() -> fallbackTransport(destination.secure()));
            int port = destination.port().orElse(t.defaultPort());
            try {
                InetAddress address = InetAddress.getByAddress(numeric);
                return CompletableFuture.completedFuture(new TargetList(List.of(
                        new Target(t, new InetSocketAddress(address, port)))));
            } catch (UnknownHostException e) {
                return failed(ServerLocationException.Reason.INVALID_DESTINATION, "bad IP literal " + host);
            }
        }
        NextHop key = new NextHop(host.toLowerCase(Locale.ROOT), destination.port(), transport,
                destination.secure());
        long now = clock.millis();
        Cached cached = cache.get(key);
        if (cached != null && now < cached.expiresAtMillis) {
            return CompletableFuture.completedFuture(order(cached.hops));
        }
        // Concurrent requests for one destination share a resolution: a burst of calls to one carrier costs one
        // set of queries.
        CompletableFuture<Resolution> mine = new CompletableFuture<>();
        CompletableFuture<Resolution> shared = inflight.putIfAbsent(key, mine);
        if (shared == null) {
            shared = mine;
            resolve(key).whenComplete((r, e) -> {
                inflight.remove(key, mine);
                if (e != null) {
                    mine.completeExceptionally(e);
                } else {
                    mine.complete(r);
                }
            });
        }
        return shared.thenApply(r -> {
            if (r.hops.isEmpty()) {
                throw new java.util.concurrent.CompletionException(
                        new ServerLocationException(r.failure.reason(), r.failure.getMessage()));
            }
            long ttl = r.hops.stream().mapToLong(Hop::ttl).min().orElse(0);
            if (ttl > 0) {
                if (cache.size() >= PURGE_THRESHOLD) {
                    purgeExpired();
                }
                cache.put(key, new Cached(r.hops, clock.millis() + ttl * 1000));
            } else {
                cache.remove(key);
            }
            return order(r.hops);
        });
    }

    /** Drops expired cache entries; call now and then (e.g. from a housekeeping timer) to bound memory. */
    public void purgeExpired() {
        long now = clock.millis();
        cache.values().removeIf(c -> now >= c.expiresAtMillis);
    }

    @Override
    public void close() {
        resolver.close();
    }

    private record Cached(List<Hop> hops, long expiresAtMillis) {
    }

    /** One server to try: an SRV record (or the host itself) with its addresses. */
    record Hop(int rank, int priority, int weight, Transport transport, int port, List<InetAddress> addresses,
               long ttl) implements SrvOrder.Weighted {
    }

    private record Resolution(List<Hop> hops, ServerLocationException failure) {
    }

    private CompletableFuture<Resolution> resolve(NextHop d) {
        String host = d.host();
        if (d.transport().isPresent()) {
            Transport t = d.transport().get();
            if (d.port().isPresent()) {
                return hostHops(host, d.port().getAsInt(), t);
            }
            return srvHops(Services.srvPrefix(t) + "." + host, t, 0, Long.MAX_VALUE).thenCompose(hops -> hops.isEmpty()
                    ? hostHops(host, t.defaultPort(), t)
                    : done(hops));
        }
        if (d.port().isPresent()) {
            // RFC 3263 4.1: a port but no transport means UDP for sip, TLS (over TCP) for sips.
            return hostHops(host, d.port().getAsInt(), fallbackTransport(d.secure()));
        }
        return query(host, DnsRecordType.NAPTR, (r, ttl) -> Rdata.naptr(r.content(), ttl)).thenCompose(naptr -> {
            List<Rdata.Naptr> usable = usableNaptr(naptr.records, d.secure());
            List<CompletableFuture<List<Hop>>> lookups = new ArrayList<>();
            for (int i = 0; i < usable.size(); i++) {
                Rdata.Naptr n = usable.get(i);
                Transport t = Services.fromNaptrService(n.service()).orElseThrow();
                lookups.add(srvHops(n.replacement(), t, i, n.ttl()));
            }
            return all(lookups);
        }).thenCompose(fromNaptr -> {
            if (!fromNaptr.isEmpty()) {
                return CompletableFuture.completedFuture(fromNaptr);
            }
            // RFC 3263 4.1: no usable NAPTR, so query SRV for each transport we support.
            List<CompletableFuture<List<Hop>>> lookups = new ArrayList<>();
            int rank = 0;
            for (Transport t : SRV_PREFERENCE) {
                if (transports.contains(t) && (!d.secure() || t == Transport.TLS)) {
                    lookups.add(srvHops(Services.srvPrefix(t) + "." + host, t, rank++, Long.MAX_VALUE));
                }
            }
            return all(lookups);
        }).thenCompose(fromSrv -> fromSrv.isEmpty()
                ? hostHops(host, fallbackTransport(d.secure()).defaultPort(), fallbackTransport(d.secure()))
                : done(fromSrv));
    }

    /**
     * RFC 3263 4.1: keep NAPTR records with flag "s" and a SIP service we run (only SIPS services for a sips URI),
     * by order then preference.
     */
    private List<Rdata.Naptr> usableNaptr(List<Rdata.Naptr> records, boolean secure) {
        List<Rdata.Naptr> out = new ArrayList<>();
        for (Rdata.Naptr n : records) {
            Optional<Transport> t = Services.fromNaptrService(n.service());
            if (!n.flags().equalsIgnoreCase("s") || t.isEmpty() || !transports.contains(t.get())
                    || (secure && t.get() != Transport.TLS) || n.replacement().isEmpty()) {
                continue;
            }
            out.add(n);
        }
        out.sort(Comparator.comparingInt(Rdata.Naptr::order).thenComparingInt(Rdata.Naptr::preference));
        return out;
    }

    private CompletableFuture<List<Hop>> srvHops(String name, Transport t, int rank, long parentTtl) {
        return query(name, DnsRecordType.SRV, (r, ttl) -> Rdata.srv(r.content(), ttl)).thenCompose(srv -> {
            List<CompletableFuture<List<Hop>>> lookups = new ArrayList<>();
            for (Rdata.Srv s : srv.records) {
                // RFC 2782: a target of "." means the service is decidedly not available at this domain.
                if (s.target().isEmpty()) {
                    continue;
                }
                lookups.add(addresses(s.target()).thenApply(a -> a.records.isEmpty() ? List.of()
                        : List.of(new Hop(rank, s.priority(), s.weight(), t, s.port(), a.records,
                        Math.min(parentTtl, Math.min(s.ttl(), a.minTtl))))));
            }
            return all(lookups);
        });
    }

    private CompletableFuture<Resolution> hostHops(String host, int port, Transport t) {
        return addresses(host).thenApply(a -> {
            if (a.records.isEmpty()) {
                return new Resolution(List.of(), a.failure("no A/AAAA records for " + host));
            }
            return new Resolution(List.of(new Hop(0, 0, 0, t, port, a.records, a.minTtl)), null);
        });
    }

    private CompletableFuture<Lookup<InetAddress>> addresses(String name) {
        BiFunction<DnsRawRecord, Long, InetAddress> parse = (r, ttl) -> {
            ByteBuf c = r.content();
            byte[] bytes = new byte[c.readableBytes()];
            c.getBytes(c.readerIndex(), bytes);
            try {
                return bytes.length == 4 || bytes.length == 16 ? InetAddress.getByAddress(name, bytes) : null;
            } catch (UnknownHostException e) {
                return null;
            }
        };
        CompletableFuture<Lookup<InetAddress>> v4 = query(name, DnsRecordType.A, parse);
        CompletableFuture<Lookup<InetAddress>> v6 = query(name, DnsRecordType.AAAA, parse);
        return v4.thenCombine(v6, (a, b) -> {
            List<InetAddress> all = new ArrayList<>(a.records.size() + b.records.size());
            Lookup<InetAddress> first = preferIpv6 ? b : a;
            Lookup<InetAddress> second = preferIpv6 ? a : b;
            all.addAll(first.records);
            all.addAll(second.records);
            if (!all.isEmpty()) {
                return new Lookup<>(all, Math.min(a.minTtl, b.minTtl), Status.OK, null);
            }
            // The more telling failure wins: NXDOMAIN says the name is wrong, a timeout that DNS is unwell.
            Lookup<InetAddress> why = a.status.ordinal() >= b.status.ordinal() ? a : b;
            return new Lookup<>(List.of(), Long.MAX_VALUE, why.status, why.detail);
        });
    }

    /** In increasing order of how much they say about the failure. */
    enum Status { OK, NO_DATA, DNS_ERROR, TIMEOUT, NXDOMAIN }

    record Lookup<T>(List<T> records, long minTtl, Status status, String detail) {
        ServerLocationException failure(String what) {
            return switch (status) {
                case NXDOMAIN -> new ServerLocationException(ServerLocationException.Reason.NXDOMAIN,
                        what + ": NXDOMAIN");
                case TIMEOUT -> new ServerLocationException(ServerLocationException.Reason.TIMEOUT,
                        what + ": DNS timeout");
                case DNS_ERROR -> new ServerLocationException(ServerLocationException.Reason.DNS_ERROR,
                        what + ": " + detail);
                case OK, NO_DATA -> new ServerLocationException(ServerLocationException.Reason.NO_RECORDS, what);
            };
        }
    }

    private <T> CompletableFuture<Lookup<T>> query(String name, DnsRecordType type,
                                                   BiFunction<DnsRawRecord, Long, T> parse) {
        CompletableFuture<Lookup<T>> result = new CompletableFuture<>();
        // The trailing dot makes the name absolute: no search domains are ever appended.
        String fqdn = name.endsWith(".") ? name : name + ".";
        resolver.resolveAll(new DefaultDnsQuestion(fqdn, type)).addListener(f -> {
            if (!f.isSuccess()) {
                result.complete(failure(name, type, f.cause()));
                return;
            }
            @SuppressWarnings("unchecked")
            List<DnsRecord> records = (List<DnsRecord>) f.getNow();
            List<T> out = new ArrayList<>(records.size());
            long minTtl = Long.MAX_VALUE;
            try {
                for (DnsRecord r : records) {
                    if (r.type() != type || !(r instanceof DnsRawRecord raw)) {
                        continue;
                    }
                    T parsed = parse.apply(raw, r.timeToLive());
                    if (parsed == null) {
                        log.debug("skipping malformed {} record for {}", type, name);
                        continue;
                    }
                    out.add(parsed);
                    minTtl = Math.min(minTtl, r.timeToLive());
                }
            } finally {
                for (DnsRecord r : records) {
                    ReferenceCountUtil.release(r);
                }
            }
            result.complete(new Lookup<>(out, minTtl, out.isEmpty() ? Status.NO_DATA : Status.OK, null));
        });
        return result;
    }

    private static <T> Lookup<T> failure(String name, DnsRecordType type, Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof DnsNameResolverTimeoutException) {
                return new Lookup<>(List.of(), Long.MAX_VALUE, Status.TIMEOUT, null);
            }
            if (t instanceof DnsErrorCauseException e) {
                if (e.getCode() == DnsResponseCode.NXDOMAIN) {
                    return new Lookup<>(List.of(), Long.MAX_VALUE, Status.NXDOMAIN, null);
                }
                return new Lookup<>(List.of(), Long.MAX_VALUE, Status.DNS_ERROR, e.getCode().toString());
            }
        }
        if (cause instanceof UnknownHostException) {
            // netty's way of saying NOERROR without records of this type (NODATA): normal, e.g. no AAAA.
            return new Lookup<>(List.of(), Long.MAX_VALUE, Status.NO_DATA, null);
        }
        log.debug("{} {} lookup failed: {}", type, name, cause.toString());
        return new Lookup<>(List.of(), Long.MAX_VALUE, Status.DNS_ERROR, cause.toString());
    }

    /** Per RFC 2782 each call draws a fresh weighted order; ranks (NAPTR order, SRV preference) come first. */
    private TargetList order(List<Hop> hops) {
        List<Hop> byRank = new ArrayList<>(hops);
        byRank.sort(Comparator.comparingInt(Hop::rank));
        LinkedHashSet<Target> targets = new LinkedHashSet<>();
        int i = 0;
        while (i < byRank.size()) {
            int j = i;
            while (j < byRank.size() && byRank.get(j).rank() == byRank.get(i).rank()) {
                j++;
            }
            for (Hop h : SrvOrder.order(byRank.subList(i, j), random)) {
                for (InetAddress a : h.addresses()) {
                    targets.add(new Target(h.transport(), new InetSocketAddress(a, h.port())));
                }
            }
            i = j;
        }
        return new TargetList(new ArrayList<>(targets));
    }

    private Transport fallbackTransport(boolean secure) {
        if (secure) {
            return Transport.TLS;
        }
        return transports.contains(Transport.UDP) || !transports.contains(Transport.TCP) ? Transport.UDP
                : Transport.TCP;
    }

    private static CompletableFuture<List<Hop>> all(List<CompletableFuture<List<Hop>>> lookups) {
        return CompletableFuture.allOf(lookups.toArray(new CompletableFuture[0])).thenApply(v -> {
            List<Hop> out = new ArrayList<>();
            for (CompletableFuture<List<Hop>> f : lookups) {
                out.addAll(f.join());
            }
            return out;
        });
    }

    private static CompletableFuture<Resolution> done(List<Hop> hops) {
        return CompletableFuture.completedFuture(new Resolution(hops, null));
    }

    private static CompletionStage<TargetList> failed(ServerLocationException.Reason reason, String message) {
        return CompletableFuture.failedFuture(new ServerLocationException(reason, message));
    }

    private static String stripBrackets(String host) {
        return host.length() > 1 && host.charAt(0) == '[' && host.charAt(host.length() - 1) == ']'
                ? host.substring(1, host.length() - 1) : host;
    }

    /** Configuration of a {@link ServerLocator}. */
    public static final class Builder {
        private final EventLoop eventLoop;
        private Class<? extends DatagramChannel> channelType = NioDatagramChannel.class;
        private Class<? extends SocketChannel> socketChannelType = NioSocketChannel.class;
        private List<InetSocketAddress> nameServers;
        private Clock clock = Clock.systemUTC();
        private Random random = new SecureRandom();
        private Set<Transport> transports = EnumSet.allOf(Transport.class);
        private boolean preferIpv6;
        private Duration queryTimeout = Duration.ofSeconds(2);

        private Builder(EventLoop eventLoop) {
            this.eventLoop = Objects.requireNonNull(eventLoop, "eventLoop");
        }

        /** The datagram channel class matching the event loop's transport (default NIO). */
        public Builder datagramChannelType(Class<? extends DatagramChannel> channelType) {
            this.channelType = channelType;
            return this;
        }

        /** The stream channel class for retrying truncated answers over TCP (default NIO). */
        public Builder socketChannelType(Class<? extends SocketChannel> socketChannelType) {
            this.socketChannelType = socketChannelType;
            return this;
        }

        /** Name servers to ask, in order (default: the platform's, from /etc/resolv.conf). */
        public Builder nameServers(List<InetSocketAddress> nameServers) {
            if (nameServers.isEmpty()) {
                throw new IllegalArgumentException("at least one name server");
            }
            this.nameServers = List.copyOf(nameServers);
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock);
            return this;
        }

        /** The source for RFC 2782 weighted ordering. */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random);
            return this;
        }

        /** Transports we can send on (default all); others are never selected. */
        public Builder transports(Set<Transport> transports) {
            if (transports.isEmpty()) {
                throw new IllegalArgumentException("at least one transport");
            }
            this.transports = EnumSet.copyOf(transports);
            return this;
        }

        /** List AAAA addresses before A ones for each server (default false). */
        public Builder preferIpv6(boolean preferIpv6) {
            this.preferIpv6 = preferIpv6;
            return this;
        }

        public Builder queryTimeout(Duration queryTimeout) {
            this.queryTimeout = queryTimeout;
            return this;
        }

        public ServerLocator build() {
            return new ServerLocator(this);
        }
    }
}
