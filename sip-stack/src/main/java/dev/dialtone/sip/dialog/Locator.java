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

    /** Numeric hosts only: an IP literal with its port (or the transport's default) and {@code transport=} param. */
    static Locator numeric() {
        return (uri, preferred) -> {
            if (!(uri instanceof SipUri sip)) {
                return null;
            }
            String host = sip.maddr() != null ? sip.maddr() : sip.host();
            String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
            if (!NetUtil.isValidIpV4Address(bare) && !NetUtil.isValidIpV6Address(bare)) {
                return null;
            }
            Transport t = sip.secure() ? Transport.TLS : Transport.fromName(sip.transport());
            if (t == null) {
                t = preferred;
            }
            int port = sip.port() > 0 ? sip.port() : t.defaultPort();
            return Destination.of(t, new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(bare), port));
        };
    }
}
