package dev.dialtone.media.rtp;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The anchored media of one call: two {@link MediaLeg}s relaying into each other. Its four
 * sockets live on one event loop, so its state needs no locks. Close it when the call ends: that
 * closes the sockets and returns both port pairs.
 */
public final class MediaSession implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MediaSession.class);
    private static final long WAIT_SECONDS = 5;

    private final RtpRelay relay;
    private final long id;
    private final EventLoop loop;
    private final MediaSessionListener listener;
    private final MediaLeg legA;
    private final MediaLeg legB;
    private final AtomicBoolean closing = new AtomicBoolean();
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private ScheduledFuture<?> timeoutCheck;
    private ScheduledFuture<?> nextReport;
    private long reporterSsrcA;
    private long reporterSsrcB;
    private byte[] cname;

    MediaSession(RtpRelay relay, long id, EventLoop loop, MediaSessionListener listener, int portA, int portB) {
        this.relay = relay;
        this.id = id;
        this.loop = loop;
        this.listener = listener;
        long holdoff = relay.config().latchHoldoff().toNanos();
        this.legA = new MediaLeg(this, MediaLeg.Side.A, portA, relay.newStats(), holdoff);
        this.legB = new MediaLeg(this, MediaLeg.Side.B, portB, relay.newStats(), holdoff);
        legA.peer = legB;
        legB.peer = legA;
    }

    public long id() {
        return id;
    }

    /** The caller's side, by convention. */
    public MediaLeg legA() {
        return legA;
    }

    /** The callee's side, by convention. */
    public MediaLeg legB() {
        return legB;
    }

    public boolean isOpen() {
        return !closing.get();
    }

    /**
     * Starts watching both legs for silence (call it when the call is answered: before that an
     * endpoint may rightly send nothing). A leg silent for the configured media timeout is
     * reported once to {@link MediaSessionListener#onMediaTimeout}, and again only after its
     * media resumed and stopped anew.
     */
    public void startMediaTimeout() {
        Duration timeout = relay.config().mediaTimeout();
        if (timeout.isZero()) {
            return;
        }
        long timeoutNanos = timeout.toNanos();
        long periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(20), Math.min(timeoutNanos / 4,
                TimeUnit.SECONDS.toNanos(1)));
        onLoop(() -> {
            if (closing.get() || timeoutCheck != null) {
                return;
            }
            long now = relay.nanoTime();
            for (MediaLeg leg : new MediaLeg[] {legA, legB}) {
                leg.timeoutArmed = true;
                leg.lastRtpNanos = Math.max(leg.lastRtpNanos, now);
            }
            timeoutCheck = loop.scheduleAtFixedRate(() -> {
                long t = relay.nanoTime();
                legA.checkTimeout(t, timeoutNanos);
                legB.checkTimeout(t, timeoutNanos);
            }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        });
    }

    /**
     * Closes the four sockets and returns both port pairs to the allocator. Idempotent. From any
     * thread but an event loop it waits until the ports are back; on an event loop (for instance
     * inside a listener callback) it starts the close and returns.
     */
    @Override
    public void close() {
        if (closing.compareAndSet(false, true)) {
            onLoop(this::closeOnLoop);
        }
        if (!loop.inEventLoop()) {
            try {
                closed.get(WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                log.warn("session {} did not close in time", id, e);
            }
        }
    }

    /**
     * Starts closing without waiting, from any thread (a SIP event loop, say); the future completes when the
     * ports are back in the allocator.
     */
    public CompletableFuture<Void> closeAsync() {
        if (closing.compareAndSet(false, true)) {
            onLoop(this::closeOnLoop);
        }
        return closed;
    }

    /** Completes when the session's ports are back in the allocator. */
    public CompletableFuture<Void> closeFuture() {
        return closed;
    }

    /** Starts the relay's own RTCP receiver reports to both endpoints, if configured. */
    void startReports() {
        if (relay.config().rtcpReportInterval().isZero()) {
            return;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        reporterSsrcA = random.nextInt() & 0xFFFFFFFFL;
        reporterSsrcB = random.nextInt() & 0xFFFFFFFFL;
        // RFC 7022: a random CNAME per session, so reports do not link calls together
        cname = String.format("%016x@dialtone", random.nextLong()).getBytes(StandardCharsets.US_ASCII);
        scheduleReport();
    }

    private void scheduleReport() {
        if (closing.get()) {
            return;
        }
        // RFC 3550 6.3.1: randomize each interval over [0.5, 1.5] of its mean
        long mean = relay.config().rtcpReportInterval().toNanos();
        long delay = (long) (mean * (0.5 + ThreadLocalRandom.current().nextDouble()));
        nextReport = loop.schedule(() -> {
            long now = relay.nanoTime();
            legA.sendReceiverReport(now, reporterSsrcA, cname);
            legB.sendReceiverReport(now, reporterSsrcB, cname);
            scheduleReport();
        }, delay, TimeUnit.NANOSECONDS);
    }

    private void closeOnLoop() {
        if (timeoutCheck != null) {
            timeoutCheck.cancel(false);
        }
        if (nextReport != null) {
            nextReport.cancel(false);
        }
        Channel[] channels = {legA.rtpChannel, legA.rtcpChannel, legB.rtpChannel, legB.rtcpChannel};
        int[] remaining = {channels.length};
        for (Channel channel : channels) {
            channel.close().addListener((ChannelFuture f) -> {
                if (--remaining[0] == 0) {
                    relay.sessionClosed(this);
                    closed.complete(null);
                }
            });
        }
        log.debug("session {} closing, ports {} and {}", id, legA.localRtpPort(), legB.localRtpPort());
    }

    RtpRelay relay() {
        return relay;
    }

    EventLoop loop() {
        return loop;
    }

    void onLoop(Runnable task) {
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    <T> T callOnLoop(Supplier<T> task) {
        if (loop.inEventLoop() || loop.isShuttingDown()) {
            return task.get();
        }
        try {
            return loop.submit(task::get).get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for session " + id, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("session " + id + " event loop did not answer", e);
        }
    }

    void notifyTimeout(MediaLeg leg, Duration silence) {
        log.debug("session {} leg {} media timeout after {}", id, leg.side(), silence);
        try {
            listener.onMediaTimeout(leg, silence);
        } catch (RuntimeException e) {
            log.warn("media timeout listener failed for session {}", id, e);
        }
    }

    void notifyDtmf(MediaLeg leg, int event) {
        try {
            listener.onDtmf(leg, event);
        } catch (RuntimeException e) {
            log.warn("DTMF listener failed for session {}", id, e);
        }
    }

    void notifyLatched(MediaLeg leg, InetSocketAddress source) {
        try {
            listener.onLatched(leg, source);
        } catch (RuntimeException e) {
            log.warn("latch listener failed for session {}", id, e);
        }
    }

    @Override
    public String toString() {
        return "MediaSession[" + id + " A:" + legA.localRtpPort() + " B:" + legB.localRtpPort() + "]";
    }
}
