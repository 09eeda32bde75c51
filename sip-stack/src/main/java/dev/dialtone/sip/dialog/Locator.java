package dev.dialtone.sip.dialog;

import dev.dialtone.sip.message.SipUri;
import dev.dialtone.sip.message.Uri;
import dev.dialtone.sip.transport.Destination;
import dev.dialtone.sip.transport.Transport;
import io.netty.util.NetUtil;

import java.net.InetSocketAddress;

/**
 * Turns the next hop of an in-dialog request (the first Route, or the remote target) into a destination. Returns
 * null when it cannot tell without blocking; the dialog then uses the address its INVITE went to or came from.
 */
@FunctionalInterface
public interface Locator {

    Destination locate(Uri nextHop, Transport preferred);

    /**
     * Numeric hosts only: an IP literal with its port (or the transport's default) and {@code transport=} param.
     * The last answer is remembered: a load of calls to one peer asks the same question for every BYE and ACK,
     * and each ended call's ACK destination is kept for 64*T1 (RFC 6026).
     */
    static Locator numeric() {
        return new Locator() {
            record Last(String host, int port, Destination destination) {
            }

            private volatile Last last;

            @Override
            public Destination locate(Uri uri, Transport preferred) {
                if (!(uri instanceof SipUri sip)) {
                    return null;
                }
                String host = sip.maddr() != null ? sip.maddr() : sip.host();
                Transport t = sip.secure() ? Transport.TLS : Transport.fromName(sip.transport());
                if (t == null) {
                    t = preferred;
                }
                int port = sip.port() > 0 ? sip.port() : t.defaultPort();
                Last l = last;
                if (l != null && l.port == port && l.destination.transport() == t && l.host.equals(host)) {
                    return l.destination;
                }
                String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
                if (!NetUtil.isValidIpV4Address(bare) && !NetUtil.isValidIpV6Address(bare)) {
                    return null;
                }
                Destination d = Destination.of(t,
                        new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(bare), port));
                last = new Last(host, port, d);
                return d;
            }
        };
    }
}
