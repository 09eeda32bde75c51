package dev.dialtone.sip.transport;

import io.netty.channel.Channel;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

/** One TCP or TLS connection, opened by us or by the peer, as a {@link Flow} the layers above can pin messages to. */
final class Connection implements Flow {
    private static final AtomicLong SEQUENCE = new AtomicLong();

    final Channel channel;
    final Transport transport;
    final InetSocketAddress remote;
    final boolean clientOpened;
    final ConnectionTable.Key key;
    private final String id;
    private final SipTransportLayer owner;

    Connection(SipTransportLayer owner, Channel channel, Transport transport, InetSocketAddress remote,
               boolean clientOpened) {
        this.owner = owner;
        this.channel = channel;
        this.transport = transport;
        this.remote = remote;
        this.clientOpened = clientOpened;
        this.key = new ConnectionTable.Key(transport, remote);
        this.id = transport.name().toLowerCase(java.util.Locale.ROOT) + '-' + SEQUENCE.incrementAndGet();
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public boolean isOpen() {
        return channel.isActive();
    }

    boolean ownedBy(SipTransportLayer layer) {
        return owner == layer;
    }

    InetSocketAddress local() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public String toString() {
        return id + (clientOpened ? " to " : " from ") + remote;
    }
}
