package dev.dialtone.sip.transport;

import dev.dialtone.sip.codec.SipFrame;
import dev.dialtone.sip.message.SipMethod;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.message.SipRequest;
import dev.dialtone.sip.message.SipResponse;
import dev.dialtone.sip.message.Via;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.FastThreadLocal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The last handler of every SIP pipeline (UDP, TCP, TLS): turns decoded frames into {@link Inbound}s, applies the
 * server transport rules of RFC 3261 18.2.1 and RFC 3581 4 to requests and the client ones of 18.1.2 to responses,
 * answers what is malformed but answerable with a stateless 400, and handles keep-alives and idle connections.
 * Nothing it does throws into the pipeline.
 */
@Sharable
final class InboundHandler extends SimpleChannelInboundHandler<SipFrame> {
    private static final Logger log = LoggerFactory.getLogger(InboundHandler.class);
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CRLF_CRLF = {'\r', '\n', '\r', '\n'};
    private static final AttributeKey<Boolean> UNREAD = AttributeKey.valueOf("dialtone.sip.udp.unread");
    // Per event loop: [0] datagrams of the read pass under way, [1] this loop's UDP sockets whose last pass ended
    // on the read budget, not on an empty socket (see inputPending).
    private static final FastThreadLocal<int[]> UDP_READS = new FastThreadLocal<>() {
        @Override
        protected int[] initialValue() {
            return new int[2];
        }
    };

    private final SipTransportLayer layer;
    private volatile Consumer<Inbound> receiver;

    InboundHandler(SipTransportLayer layer) {
        super(SipFrame.class);
        this.layer = layer;
    }

    void receiver(Consumer<Inbound> receiver) {
        this.receiver = receiver;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, SipFrame frame) {
        Connection c = ctx.channel().attr(SipTransportLayer.CONNECTION).get();
        Transport transport;
        InetSocketAddress remote;
        InetSocketAddress local;
        if (c == null) {
            UDP_READS.get()[0]++;
            transport = Transport.UDP;
            remote = frame.sender();
            local = frame.recipient() != null ? frame.recipient() : layer.udpLocalAddress();
        } else {
            transport = c.transport;
            remote = c.remote;
            local = c.local();
        }
        if (frame instanceof SipFrame.Message m) {
            if (m.message() instanceof SipRequest request) {
                onRequest(ctx, request, transport, remote, local, c);
            } else {
                onResponse((SipResponse) m.message(), transport, remote, local, c);
            }
        } else if (frame instanceof SipFrame.Invalid invalid) {
            onInvalid(ctx, invalid, transport, remote, local, c);
        } else if (frame instanceof SipFrame.Ping) {
            layer.pings.increment();
            // RFC 5626 4.4.1: a double-CRLF ping on a stream is answered with a single CRLF pong. Over UDP the
            // keep-alive is STUN, so a stray CRLF datagram is just ignored.
            if (c != null) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(CRLF));
            }
        }
    }

    private void onRequest(ChannelHandlerContext ctx, SipRequest request, Transport transport,
                           InetSocketAddress remote, InetSocketAddress local, Connection c) {
        SipRequest stamped;
        try {
            stamped = stampVia(request, remote);
        } catch (SipParseException e) {
            onInvalid(ctx, new SipFrame.Invalid(e, request, false, remote, local), transport, remote, local, c);
            return;
        }
        layer.received.increment();
        deliver(new Inbound(stamped, transport, remote, local, c));
    }

    /**
     * RFC 3261 18.2.1: {@code received} when the sent-by host is a name or an address other than the source; RFC
     * 3581 4: a bare {@code rport} gets the source port, and then {@code received} is added even if it equals the
     * sent-by. The message is rebuilt only when something changes.
     */
    static SipRequest stampVia(SipRequest request, InetSocketAddress remote) {
        Via via = request.topVia();
        if (via == null) {
            throw new SipParseException(0, "Missing Via");
        }
        boolean fillRport = via.hasRport() && via.params().get("rport") == null;
        InetAddress source = remote.getAddress();
        if (!fillRport && sameAddress(via.host(), source)) {
            return request;
        }
        Via stamped = via.withReceived(NetUtil.toAddressString(source, false));
        if (fillRport) {
            stamped = stamped.withRport(remote.getPort());
        }
        try {
            return request.withTopVia(stamped);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new SipParseException(0, "Bad Via");
        }
    }

    private static boolean sameAddress(String host, InetAddress source) {
        if (NetUtil.isValidIpV4Address(host)) {
            byte[] a = source.getAddress();
            return a.length == 4 && host.equals(source.getHostAddress());
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (NetUtil.isValidIpV6Address(bare)) {
            return Arrays.equals(NetUtil.createByteArrayFromIpAddressString(bare), source.getAddress());
        }
        return false;
    }

    private void onResponse(SipResponse response, Transport transport, InetSocketAddress remote,
                            InetSocketAddress local, Connection c) {
        Via via;
        try {
            via = response.topVia();
        } catch (SipParseException e) {
            drop("response with a bad Via", remote, e.reason());
            return;
        }
        // RFC 3261 18.1.2: a response whose top Via is not what we would have written was misrouted: discard.
        if (via == null || !layer.isOurSentBy(via)) {
            drop("response not for us", remote, via == null ? "no Via" : via.host() + ":" + via.portOrDefault());
            return;
        }
        layer.received.increment();
        deliver(new Inbound(response, transport, remote, local, c));
    }

    private void deliver(Inbound in) {
        if (log.isTraceEnabled()) {
            log.trace("received over {} from {}:\n{}", in.transport(), in.remote(), in.message());
        }
        Consumer<Inbound> r = receiver;
        if (r == null) {
            drop("message before start", in.remote(), in.message().startLine());
            return;
        }
        try {
            r.accept(in);
        } catch (RuntimeException e) {
            log.warn("receiver failed on {} from {}", in.message().startLine(), in.remote(), e);
        }
    }

    private void onInvalid(ChannelHandlerContext ctx, SipFrame.Invalid invalid, Transport transport,
                           InetSocketAddress remote, InetSocketAddress local, Connection c) {
        SipResponse answer = isAck(invalid) ? null : invalid.badRequest().map(InboundHandler::withToTag).orElse(null);
        Destination to = null;
        if (answer != null) {
            try {
                // RFC 3261 18.2.2 routing, from the copied Via, as for any response to the request.
                to = new Inbound(answer, transport, remote, local, c).responseDestination();
            } catch (SipParseException e) {
                answer = null;
            }
        }
        if (answer == null) {
            drop("malformed message", remote, invalid.reason());
        } else {
            layer.badRequestsAnswered.increment();
            log.debug("answering malformed request from {} {} with 400: {}", transport, remote, invalid.reason());
        }
        if (c != null && invalid.framingLost()) {
            // The stream cannot be resynchronised: answer on it if we can, then close it.
            if (answer != null) {
                ctx.writeAndFlush(answer).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.close();
            }
            return;
        }
        if (answer != null) {
            Destination d = to;
            layer.send(answer, d).whenComplete((ok, err) -> {
                if (err != null) {
                    log.debug("400 to {} not sent: {}", d.address(), err.toString());
                }
            });
        }
    }

    // RFC 3261 17: an ACK is never answered, malformed or not.
    private static boolean isAck(SipFrame.Invalid invalid) {
        if (invalid.message() instanceof SipRequest r) {
            return r.method() == SipMethod.ACK;
        }
        String line = invalid.error().startLine();
        return line != null && line.startsWith("ACK ");
    }

    // RFC 3261 8.2.6.2: a response without a To tag gets one; left as is when the To cannot be read.
    private static SipResponse withToTag(SipResponse response) {
        try {
            if (response.to() != null && response.to().tag() == null) {
                return response.toBuilder().toTag(Long.toHexString(ThreadLocalRandom.current().nextLong())).build();
            }
        } catch (RuntimeException e) {
            log.trace("400 sent without To tag: {}", e.toString());
        }
        return response;
    }

    private void drop(String what, InetSocketAddress from, String detail) {
        layer.dropped.increment();
        log.debug("dropped {} from {}: {}", what, from, detail);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent idle) {
            Connection c = ctx.channel().attr(SipTransportLayer.CONNECTION).get();
            if (idle.state() == IdleState.ALL_IDLE) {
                log.debug("{} idle, closing", c);
                ctx.close();
            } else if (idle.state() == IdleState.WRITER_IDLE) {
                ByteBuf ping = Unpooled.wrappedBuffer(CRLF_CRLF);
                ctx.writeAndFlush(ping);
            } else if (idle.state() == IdleState.READER_IDLE) {
                log.debug("{} sent no pong, flow failed, closing", c);
                ctx.close();
            }
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    /**
     * Whether, on the calling event loop, a UDP socket's last read pass stopped at the budget of
     * {@link SipTransportLayer#DATAGRAMS_PER_READ} datagrams: datagrams that have arrived are still unread.
     */
    static boolean inputPending() {
        return UDP_READS.get()[1] > 0;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        int[] reads = UDP_READS.get();
        if (ctx.channel() instanceof DatagramChannel) {
            unread(ctx, reads, reads[0] >= SipTransportLayer.DATAGRAMS_PER_READ);
        }
        // Whatever the channel: a pass of any other leaves nothing counted for the next UDP one.
        reads[0] = 0;
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (ctx.channel() instanceof DatagramChannel) {
            unread(ctx, UDP_READS.get(), false);
        }
        ctx.fireChannelInactive();
    }

    private static void unread(ChannelHandlerContext ctx, int[] reads, boolean unread) {
        Attribute<Boolean> flag = ctx.channel().attr(UNREAD);
        if (unread != (flag.get() == Boolean.TRUE)) {
            flag.set(unread);
            reads[1] += unread ? 1 : -1;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Connection c = ctx.channel().attr(SipTransportLayer.CONNECTION).get();
        if (c != null) {
            log.debug("{} failed, closing: {}", c, cause.toString());
            ctx.close();
        } else {
            // The UDP socket stays open whatever one datagram did.
            log.debug("UDP error: {}", cause.toString());
        }
    }
}
