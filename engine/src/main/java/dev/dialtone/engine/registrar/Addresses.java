package dev.dialtone.engine.registrar;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.net.InetSocketAddress;

/** The {@code host:port} text a binding keeps as its source ({@code [v6]:port} for IPv6), and back. */
final class Addresses {
    private Addresses() {
    }

    static String format(InetSocketAddress a) {
        if (a.getAddress() == null) {
            throw new IllegalArgumentException("unresolved source address " + a);
        }
        String ip = NetUtil.toAddressString(a.getAddress());
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + a.getPort();
    }

    /** Parses what {@link #format} wrote; null for anything else. Never resolves a name. */
    static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0) {
            return null;
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            return null;
        }
        if (ip == null || port < 0 || port > 65535) {
            return null;
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(ip), port);
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }

    /** True when a URI host (an IP literal, IPv6 in brackets) is {@code address}; a name never matches. */
    static boolean sameHost(String uriHost, InetAddress address) {
        String h = uriHost.startsWith("[") && uriHost.endsWith("]")
                ? uriHost.substring(1, uriHost.length() - 1) : uriHost;
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(h);
        return ip != null && java.util.Arrays.equals(ip, address.getAddress());
    }
}
