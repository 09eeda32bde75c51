package dev.dialtone.sip.transport;

import dev.dialtone.sip.message.SipMessage;
import io.netty.util.NetUtil;

import java.net.InetSocketAddress;

/**
 * A message as it arrived: what it is, and where and how it came from, which is what a response needs to find
 * its way back (RFC 3261 18.2.2) and what a registrar records as the contact's real source.
 */
public record Inbound(SipMessage message, Transport transport, InetSocketAddress remote, InetSocketAddress local,
                      Flow flow) {

    /** Where the response to this request goes, per RFC 3261 18.2.2 and RFC 3581. */
    public Destination responseDestination() {
        if (transport.reliable() && flow != null && flow.isOpen()) {
            return new Destination(transport, remote, flow);
        }
        var via = message.topVia();
        // 18.2.2: maddr wins. Only a numeric maddr is honoured: resolving a name here would block the event loop.
        if (via != null && via.maddr() != null && NetUtil.isValidIpV4Address(via.maddr())) {
            int port = via.port() > 0 ? via.port() : transport.defaultPort();
            return Destination.of(transport, new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(via.maddr()), port));
        }
        if (transport.reliable()) {
            // 18.2.2: the connection is gone; open a new one to the source IP (received) and the sent-by port. The
            // source port of a closed connection was the peer's ephemeral port, so rport does not apply.
            int port = via != null && via.port() > 0 ? via.port() : transport.defaultPort();
            return Destination.of(transport, new InetSocketAddress(remote.getAddress(), port));
        }
        // RFC 3581 4 and 18.2.2: the source IP (received) and, with rport, the source port; otherwise Via's port.
        int port = via == null || via.hasRport() ? remote.getPort()
                : via.port() > 0 ? via.port() : transport.defaultPort();
        return Destination.of(transport, new InetSocketAddress(remote.getAddress(), port));
    }
}
