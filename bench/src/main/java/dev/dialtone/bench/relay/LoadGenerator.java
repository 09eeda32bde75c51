package dev.dialtone.bench.relay;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;

/**
 * The phones of the relay benchmark: {@code sessions} calls of two RTP streams each (A to B and B
 * to A), every stream one 20 ms PCMU packet per ptime, sent to the relay and received back from
 * it.
 *
 * <p>A relay latches each leg to the source of the first packet it receives there, so a phone is
 * just a socket address: the phones of several sessions share one socket, both sides of a
 * session the same one, and the relay still sees a socket pair per session and one latched far
 * end per leg. Sharing lets one thread send with {@code sendmmsg} and receive with
 * {@code recvmmsg} in batches, so that the load generator is not the bottleneck. The sockets'
 * send times are spread over the ptime in 1 ms slots, as independent calls would be.
 *
 * <p>Each packet carries its send time ({@link System#nanoTime()}) in the first 8 bytes of its
 * payload; the one-way delay through the relay is the receive time minus that. A packet counts
 * in the measured window by its send time, so loss is exact: packets sent in the window that did
 * not come back.
 *
 * <p>The sockets are dealt out over {@code threads} event loops (shards); each socket's streams,
 * their state and the counters of their shard are touched only by that shard's loop, so they
 * need no synchronization. One thread is enough up to some 100,000 packets/s each way.
 */
final class LoadGenerator implements AutoCloseable {

    static final int HEADER = 12;
    /** 20 ms of PCMU at 8 kHz. */
    static final int PAYLOAD = 160;
    static final int PACKET = HEADER + PAYLOAD;
    /** RFC 3551 table 4: PCMU is static payload type 0. */
    private static final int PCMU = 0;
    private static final int SSRC_BASE = 0x5EB00000;
    private static final long SLOT_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final int RECEIVE_BATCH = 32;
    private static final int MAX_DATAGRAM = 2048;
    private static final int SOCKET_BUFFER = 4 * 1024 * 1024;
    private static final long WAIT_SECONDS = 30;
    private static final long HIGHEST_DELAY_NANOS = TimeUnit.SECONDS.toNanos(60);
    private static final byte[] SILENCE = new byte[PAYLOAD];

    static {
        // G.711 mu-law silence
        Arrays.fill(SILENCE, (byte) 0xFF);
    }

    /** {@code skipped}: about how many packets the generator, behind schedule, did not send. */
    record Window(long sent, long skipped, long received, long foreign, long errors, Histogram delayNanos) {
    }

    private final int sessions;
    private final int sessionsPerSocket;
    private final int slots;
    private final MultiThreadIoEventLoopGroup group;
    private final Shard[] shards;
    private final Channel[] sockets;
    private final int[] sequence;
    private final int[] timestamp;
    private final boolean[] heard;
    /** Set once, before any packet is sent; the shards' loops see it through their task queues. */
    private InetSocketAddress[] targets;

    /**
     * Binds the phones' sockets on {@code address}, port 0.
     *
     * @param ptimeMillis packet interval of every stream, in whole ms (20 for 50 packets/s)
     * @param threads event loops sending and receiving
     */
    LoadGenerator(InetAddress address, int sessions, int sessionsPerSocket, int ptimeMillis, int threads)
            throws Exception {
        if (sessions < 1 || sessionsPerSocket < 1 || ptimeMillis < 1 || threads < 1) {
            throw new IllegalArgumentException("sessions, sessions per socket, ptime and threads must be positive");
        }
        this.sessions = sessions;
        this.sessionsPerSocket = sessionsPerSocket;
        this.slots = ptimeMillis;
        boolean epoll = Epoll.isAvailable();
        group = new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("relay-load", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        sockets = new Channel[(sessions + sessionsPerSocket - 1) / sessionsPerSocket];
        shards = new Shard[threads];
        int i = 0;
        for (EventExecutor loop : group) {
            shards[i] = new Shard((EventLoop) loop, (sockets.length - i + threads - 1) / threads);
            i++;
        }
        try {
            for (int k = 0; k < sockets.length; k++) {
                Shard shard = shards[k % threads];
                Bootstrap bootstrap = new Bootstrap()
                        .group(shard.loop)
                        .channelFactory(epoll ? EpollDatagramChannel::new : NioDatagramChannel::new)
                        .option(ChannelOption.SO_RCVBUF, SOCKET_BUFFER)
                        .option(ChannelOption.SO_SNDBUF, SOCKET_BUFFER)
                        .option(ChannelOption.RCVBUF_ALLOCATOR,
                                new FixedRecvByteBufAllocator(RECEIVE_BATCH * MAX_DATAGRAM))
                        .handler(shard.receiver);
                if (epoll) {
                    // a buffer of several datagrams and a datagram size make epoll read with recvmmsg
                    bootstrap.option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, MAX_DATAGRAM);
                }
                sockets[k] = bootstrap.bind(new InetSocketAddress(address, 0)).sync().channel();
                shard.sockets[k / threads] = k;
            }
        } catch (Exception e) {
            close();
            throw e;
        }
        int streams = 2 * sessions;
        sequence = new int[streams];
        timestamp = new int[streams];
        heard = new boolean[streams];
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int s = 0; s < streams; s++) {
            // RFC 3550 5.1: the initial sequence number and timestamp SHOULD be random
            sequence[s] = random.nextInt(0x10000);
            timestamp[s] = random.nextInt();
        }
    }

    int streams() {
        return 2 * sessions;
    }

    /** Where the relay should send each session's media (the same for both sides of a session). */
    List<InetSocketAddress> endpoints() {
        List<InetSocketAddress> endpoints = new ArrayList<>(sessions);
        for (int j = 0; j < sessions; j++) {
            endpoints.add((InetSocketAddress) sockets[j / sessionsPerSocket].localAddress());
        }
        return endpoints;
    }

    /** Where each session's streams go: side A's to the relay's leg A, side B's to its leg B. */
    void targets(List<LegPair> pairs) {
        if (pairs.size() < sessions) {
            throw new IllegalArgumentException("the relay has " + pairs.size() + " sessions, " + sessions + " needed");
        }
        InetSocketAddress[] t = new InetSocketAddress[2 * sessions];
        for (int j = 0; j < sessions; j++) {
            t[2 * j] = pairs.get(j).legA();
            t[2 * j + 1] = pairs.get(j).legB();
        }
        targets = t;
    }

    /** Sends one packet on every stream, so that the relay latches every leg. */
    void prime() {
        for (Shard shard : shards) {
            shard.call(() -> {
                for (int k : shard.sockets) {
                    shard.sendSocket(k, 0);
                }
                return null;
            });
        }
    }

    /** Streams none of whose packets has come back through the relay yet. */
    int streamsNotHeard() {
        int count = 0;
        for (Shard shard : shards) {
            count += shard.call(() -> {
                int n = 0;
                for (int k : shard.sockets) {
                    for (int s = 2 * k * sessionsPerSocket; s < Math.min(2 * sessions, 2 * (k + 1) * sessionsPerSocket); s++) {
                        n += heard[s] ? 0 : 1;
                    }
                }
                return n;
            });
        }
        return count;
    }

    /**
     * Starts sending on every stream; packets sent from {@code warmupNanos} on for
     * {@code measureNanos} are measured.
     *
     * @return the window's start and end, in {@link System#nanoTime()}
     */
    long[] start(long warmupNanos, long measureNanos) {
        long now = System.nanoTime();
        long windowStart = now + warmupNanos;
        long windowEnd = windowStart + measureNanos;
        for (Shard shard : shards) {
            shard.call(() -> {
                shard.start(now, windowStart, windowEnd);
                return null;
            });
        }
        return new long[] {windowStart, windowEnd};
    }

    void stopSending() {
        for (Shard shard : shards) {
            shard.call(() -> shard.sending = false);
        }
    }

    /** Waits up to {@code maxWaitNanos} for the window's last packets, then returns what it saw. */
    Window drain(long maxWaitNanos) throws InterruptedException {
        long deadline = System.nanoTime() + maxWaitNanos;
        while (System.nanoTime() < deadline && !allReceived()) {
            TimeUnit.MILLISECONDS.sleep(10);
        }
        Histogram delay = new Histogram(HIGHEST_DELAY_NANOS, 3);
        long sent = 0;
        long skipped = 0;
        long received = 0;
        long foreign = 0;
        long errors = 0;
        for (Shard shard : shards) {
            Window w = shard.call(shard::window);
            sent += w.sent();
            skipped += w.skipped();
            received += w.received();
            foreign += w.foreign();
            errors += w.errors();
            delay.add(w.delayNanos());
        }
        return new Window(sent, skipped, received, foreign, errors, delay);
    }

    private boolean allReceived() {
        for (Shard shard : shards) {
            if (shard.call(() -> shard.receivedInWindow < shard.sentInWindow)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        for (Channel socket : sockets) {
            if (socket != null) {
                socket.close();
            }
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    /** One event loop's sockets, the streams of their sessions, and what it counted. */
    private final class Shard {
        final EventLoop loop;
        /** Indexes into {@link LoadGenerator#sockets}; the n-th sends in slot n mod slots. */
        final int[] sockets;
        final Receiver receiver = new Receiver();
        final Histogram delay = new Histogram(HIGHEST_DELAY_NANOS, 3);
        boolean sending;
        long nextSlotAt;
        int nextSlot;
        /** Empty until {@link #start}: no send time falls in [0, 0). */
        long windowStart;
        long windowEnd;
        long sentInWindow;
        long skippedInWindow;
        long receivedInWindow;
        long foreign;
        long errors;

        Shard(EventLoop loop, int socketCount) {
            this.loop = loop;
            this.sockets = new int[socketCount];
        }

        void start(long now, long windowStart, long windowEnd) {
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
            sentInWindow = 0;
            skippedInWindow = 0;
            receivedInWindow = 0;
            foreign = 0;
            errors = 0;
            delay.reset();
            sending = true;
            nextSlotAt = now;
            nextSlot = 0;
            tick();
        }

        Window window() {
            return new Window(sentInWindow, skippedInWindow, receivedInWindow, foreign, errors, delay.copy());
        }

        private boolean inWindow(long time) {
            return time - windowStart >= 0 && time - windowEnd < 0;
        }

        private void tick() {
            if (!sending) {
                return;
            }
            long now = System.nanoTime();
            long behind = now - nextSlotAt;
            if (behind > slots * SLOT_NANOS) {
                // more than a ptime behind: this generator cannot keep up, and a burst of everything
                // missed would only queue up; skip it, and count it so the report says so
                long skip = behind / SLOT_NANOS;
                if (inWindow(now)) {
                    skippedInWindow += skip * streamsOf(sockets.length) / slots;
                }
                nextSlot = (int) ((nextSlot + skip) % slots);
                nextSlotAt += skip * SLOT_NANOS;
            }
            // a little behind schedule: send the missed slots now, so the offered load stays as asked
            while (nextSlotAt - now <= 0) {
                for (int n = nextSlot; n < sockets.length; n += slots) {
                    sendSocket(sockets[n], System.nanoTime());
                }
                nextSlot = (nextSlot + 1) % slots;
                nextSlotAt += SLOT_NANOS;
            }
            loop.schedule(this::tick, nextSlotAt - now, TimeUnit.NANOSECONDS);
        }

        private long streamsOf(int socketCount) {
            return Math.min(2L * sessions, 2L * socketCount * sessionsPerSocket);
        }

        /** One packet on each stream of socket {@code k}'s sessions, flushed as one sendmmsg batch. */
        void sendSocket(int k, long sendTime) {
            Channel socket = LoadGenerator.this.sockets[k];
            int last = Math.min(sessions, (k + 1) * sessionsPerSocket);
            for (int j = k * sessionsPerSocket; j < last; j++) {
                send(socket, 2 * j, sendTime);
                send(socket, 2 * j + 1, sendTime);
            }
            socket.flush();
        }

        private void send(Channel socket, int stream, long sendTime) {
            ByteBuf packet = socket.alloc().directBuffer(PACKET);
            // RFC 3550 5.1: V=2, no padding, extension or CSRC, marker clear
            packet.writeByte(0x80)
                    .writeByte(PCMU)
                    .writeShort(sequence[stream])
                    .writeInt(timestamp[stream])
                    .writeInt(SSRC_BASE + stream)
                    .writeLong(sendTime)
                    .writeBytes(SILENCE, 0, PAYLOAD - Long.BYTES);
            sequence[stream] = (sequence[stream] + 1) & 0xFFFF;
            timestamp[stream] += PAYLOAD;
            socket.write(new DatagramPacket(packet, targets[stream]), socket.voidPromise());
            if (inWindow(sendTime)) {
                sentInWindow++;
            }
        }

        private void received(ByteBuf packet, long now) {
            int stream = packet.readableBytes() == PACKET ? packet.getInt(packet.readerIndex() + 8) - SSRC_BASE : -1;
            if (stream < 0 || stream >= heard.length) {
                foreign++;
                return;
            }
            heard[stream] = true;
            long sentAt = packet.getLong(packet.readerIndex() + HEADER);
            if (inWindow(sentAt)) {
                receivedInWindow++;
                delay.recordValue(Math.max(0, now - sentAt));
            }
        }

        <T> T call(Callable<T> task) {
            try {
                return loop.submit(task).get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } catch (ExecutionException | TimeoutException e) {
                throw new IllegalStateException("load generator loop did not answer", e);
            }
        }

        @Sharable
        private final class Receiver extends ChannelInboundHandlerAdapter {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (msg instanceof DatagramPacket packet) {
                        received(packet.content(), System.nanoTime());
                    }
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                // a failed send (full buffer, unreachable port) costs one packet, not the run
                errors++;
            }
        }
    }
}
