package dev.dialtone.sip.dns;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.handler.codec.dns.DatagramDnsQuery;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponse;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DefaultDnsQuestion;
import io.netty.handler.codec.dns.DefaultDnsRawRecord;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.DnsRecordType;
import io.netty.handler.codec.dns.DnsResponseCode;
import io.netty.handler.codec.dns.DnsSection;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A UDP DNS responder on 127.0.0.1 answering from a table the test fills: NAPTR and SRV record data encoded here,
 * A and AAAA from addresses. A name absent from the table is NXDOMAIN; a present name without the asked type is
 * NOERROR with no answers. Counts queries per type and name.
 */
final class TestDnsServer implements AutoCloseable {
    private record Answer(long ttl, byte[] rdata) {
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Map<String, List<Answer>> table = new ConcurrentHashMap<>();
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicInteger> queries = new ConcurrentHashMap<>();
    private final Map<String, DnsResponseCode> errors = new ConcurrentHashMap<>();
    private final Set<String> silent = ConcurrentHashMap.newKeySet();
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private final List<Runnable> heldReplies = new CopyOnWriteArrayList<>();
    private final Channel channel;

    TestDnsServer() throws InterruptedException {
        channel = new Bootstrap().group(group).channel(NioDatagramChannel.class)
                .handler(new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel ch) {
                        ch.pipeline().addLast(new DatagramDnsQueryDecoder(), new DatagramDnsResponseEncoder(),
                                new Responder());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
    }

    InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    int queries(DnsRecordType type, String name) {
        AtomicInteger n = queries.get(key(type, name));
        return n == null ? 0 : n.get();
    }

    int totalQueries() {
        return queries.values().stream().mapToInt(AtomicInteger::get).sum();
    }

    TestDnsServer naptr(String name, long ttl, int order, int preference, String flags, String service,
                        String replacement) {
        ByteBuf b = Unpooled.buffer();
        b.writeShort(order).writeShort(preference);
        characterString(b, flags);
        characterString(b, service);
        characterString(b, "");
        name(b, replacement);
        return add(DnsRecordType.NAPTR, name, ttl, b);
    }

    TestDnsServer srv(String name, long ttl, int priority, int weight, int port, String target) {
        ByteBuf b = Unpooled.buffer();
        b.writeShort(priority).writeShort(weight).writeShort(port);
        name(b, target);
        return add(DnsRecordType.SRV, name, ttl, b);
    }

    TestDnsServer a(String name, long ttl, String address) throws Exception {
        return add(DnsRecordType.A, name, ttl, Unpooled.wrappedBuffer(InetAddress.getByName(address).getAddress()));
    }

    TestDnsServer aaaa(String name, long ttl, String address) throws Exception {
        return add(DnsRecordType.AAAA, name, ttl, Unpooled.wrappedBuffer(InetAddress.getByName(address).getAddress()));
    }

    /** Answers every query for {@code name} with {@code code} (e.g. SERVFAIL). */
    TestDnsServer error(String name, DnsResponseCode code) {
        errors.put(normalize(name), code);
        return this;
    }

    /** Never answers queries for {@code name}. */
    TestDnsServer silent(String name) {
        silent.add(normalize(name));
        return this;
    }

    /** Holds answers for {@code name} until {@link #release}. */
    TestDnsServer hold(String name) {
        held.add(normalize(name));
        return this;
    }

    void release() {
        held.clear();
        channel.eventLoop().execute(() -> {
            heldReplies.forEach(Runnable::run);
            heldReplies.clear();
        });
    }

    /** Makes {@code name} exist (NOERROR, no data) without records. */
    TestDnsServer exists(String name) {
        names.add(normalize(name));
        return this;
    }

    private TestDnsServer add(DnsRecordType type, String name, long ttl, ByteBuf rdata) {
        byte[] bytes = new byte[rdata.readableBytes()];
        rdata.readBytes(bytes);
        names.add(normalize(name));
        table.computeIfAbsent(key(type, name), k -> new CopyOnWriteArrayList<>()).add(new Answer(ttl, bytes));
        return this;
    }

    private static void characterString(ByteBuf b, String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        b.writeByte(bytes.length).writeBytes(bytes);
    }

    private static void name(ByteBuf b, String name) {
        for (String label : normalize(name).split("\\.")) {
            if (label.isEmpty()) {
                continue;
            }
            byte[] bytes = label.getBytes(StandardCharsets.US_ASCII);
            b.writeByte(bytes.length).writeBytes(bytes);
        }
        b.writeByte(0);
    }

    private static String normalize(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }

    private static String key(DnsRecordType type, String name) {
        return type.name() + " " + normalize(name);
    }

    private final class Responder extends SimpleChannelInboundHandler<DatagramDnsQuery> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramDnsQuery query) {
            DnsQuestion q = query.recordAt(DnsSection.QUESTION);
            String key = key(q.type(), q.name());
            queries.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
            if (silent.contains(normalize(q.name()))) {
                return;
            }
            boolean exists = names.contains(normalize(q.name()));
            DatagramDnsResponse response = new DatagramDnsResponse(query.recipient(), query.sender(), query.id());
            response.setRecursionAvailable(true).setAuthoritativeAnswer(true)
                    .setCode(errors.getOrDefault(normalize(q.name()),
                            exists ? DnsResponseCode.NOERROR : DnsResponseCode.NXDOMAIN));
            response.addRecord(DnsSection.QUESTION, new DefaultDnsQuestion(q.name(), q.type()));
            for (Answer a : table.getOrDefault(key, List.of())) {
                response.addRecord(DnsSection.ANSWER,
                        new DefaultDnsRawRecord(q.name(), q.type(), a.ttl(), Unpooled.wrappedBuffer(a.rdata())));
            }
            if (held.contains(normalize(q.name()))) {
                heldReplies.add(() -> ctx.writeAndFlush(response));
                return;
            }
            ctx.writeAndFlush(response);
        }
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
