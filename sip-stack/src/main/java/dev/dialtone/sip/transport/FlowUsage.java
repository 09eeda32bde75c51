package dev.dialtone.sip.transport;

import dev.dialtone.sip.codec.SipFrame;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.Via;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps an idle connection open while it is in use: a request went out on it (or came in) and its final response
 * has not yet come back (or gone out), as with an INVITE ringing for minutes with no bytes on a TCP connection.
 * Without this, the idle close would force the final response onto a new connection (RFC 3261 18.2.2), which
 * fails behind NAT. An exchange counts as finished after {@code maxHold} even without its final response, so a
 * peer that never answers cannot pin a connection forever. One instance per channel, touched only on its loop.
 */
final class FlowUsage extends ChannelDuplexHandler {

    private final long maxHoldNanos;
    private final LongAdder held;
    // branch + CSeq method -> when the request passed
    private final Map<String, Long> pending = new HashMap<>();

    FlowUsage(long maxHoldMillis, LongAdder held) {
        this.maxHoldNanos = maxHoldMillis * 1_000_000L;
        this.held = held;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof SipFrame.Message m) {
            track(m.message());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof SipMessage m) {
            track(m);
        }
        ctx.write(msg, promise);
    }

    private void track(SipMessage m) {
        try {
            if (m instanceof SipRequest r) {
                if (r.method() != SipMethod.ACK) {
                    String key = key(r.topVia(), r.method());
                    if (key != null) {
                        pending.put(key, System.nanoTime());
                    }
                }
            } else if (((SipResponse) m).isFinal()) {
                String key = key(m.topVia(), m.cseq().method());
                if (key != null) {
                    pending.remove(key);
                }
            }
        } catch (RuntimeException malformed) {
            // A header that does not parse: the exchange is not tracked, and the idle timer decides alone.
        }
    }

    private static String key(Via via, SipMethod method) {
        String branch = via == null ? null : via.branch();
        return branch == null ? null : branch + ' ' + method.name();
    }

    boolean inUse() {
        long now = System.nanoTime();
        for (Iterator<Long> it = pending.values().iterator(); it.hasNext(); ) {
            if (now - it.next() > maxHoldNanos) {
                it.remove();
            }
        }
        return !pending.isEmpty();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent idle && idle.state() == IdleState.ALL_IDLE && inUse()) {
            held.increment();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }
}
