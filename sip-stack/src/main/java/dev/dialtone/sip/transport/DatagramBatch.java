package dev.dialtone.sip.transport;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;

/**
 * Flushes a UDP socket once per pass of its event loop rather than once per datagram. What one pass sends (the ACKs
 * and BYEs answering a read of responses, the INVITEs of the calls due on one timer tick) then leaves in one
 * {@code sendmmsg} call instead of a {@code sendto} each: one system call, and one wake-up of a peer that was
 * waiting, for the lot. The flush runs as a task queued behind the pass, so nothing waits for a later pass.
 * Confined to the socket's event loop; writes from other threads go through {@link Channel#writeAndFlush}.
 */
final class DatagramBatch implements Runnable {
    private final Channel channel;
    private boolean flushQueued;

    DatagramBatch(Channel channel) {
        this.channel = channel;
    }

    /** Writes {@code packet}; the caller is on the socket's event loop. */
    ChannelFuture write(Object packet) {
        return write(packet, channel.newPromise());
    }

    /** Writes {@code packet}, completing {@code promise}; the caller is on the socket's event loop. */
    ChannelFuture write(Object packet, ChannelPromise promise) {
        ChannelFuture f = channel.write(packet, promise);
        if (!flushQueued) {
            flushQueued = true;
            channel.eventLoop().execute(this);
        }
        return f;
    }

    @Override
    public void run() {
        flushQueued = false;
        channel.flush();
    }
}
