package dev.dialtone.engine.registrar;

import io.netty.util.NetUtil;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The source addresses allowed to send calls that do not authenticate as an endpoint ({@code --trusted-peers}):
 * a list of CIDR blocks ({@code 203.0.113.0/24}, {@code 2001:db8::/32}) or single addresses. An empty list
 * trusts every source.
 */
public final class TrustedPeers {
    private static final TrustedPeers ANYONE = new TrustedPeers(List.of(), List.of());

    private final List<byte[]> networks;
    private final List<Integer> prefixes;
    private final List<String> text;

    private TrustedPeers(List<byte[]> networks, List<Integer> prefixes) {
        this.networks = networks;
        this.prefixes = prefixes;
        List<String> t = new ArrayList<>();
        for (int i = 0; i < networks.size(); i++) {
            t.add(NetUtil.bytesToIpAddress(networks.get(i)) + "/" + prefixes.get(i));
        }
        this.text = List.copyOf(t);
    }

    /** Every source is trusted. */
    public static TrustedPeers anyone() {
        return ANYONE;
    }

    /**
     * Parses CIDR blocks, each {@code address[/prefix]} (IPv6 with or without brackets).
     *
     * @throws IllegalArgumentException naming the first entry that is not an IP address with a prefix in range
     */
    public static TrustedPeers parse(List<String> cidrs) {
        List<byte[]> nets = new ArrayList<>();
        List<Integer> prefixes = new ArrayList<>();
        for (String raw : cidrs) {
            String entry = raw.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int slash = entry.indexOf('/');
            String host = slash < 0 ? entry : entry.substring(0, slash);
            if (host.startsWith("[") && host.endsWith("]")) {
                host = host.substring(1, host.length() - 1);
            }
            byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
            if (ip == null) {
                throw new IllegalArgumentException("trusted peer '" + entry + "' is not an IP address or CIDR block");
            }
            int bits = ip.length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(entry.substring(slash + 1));
                } catch (NumberFormatException e) {
                    prefix = -1;
                }
                if (prefix < 0 || prefix > bits) {
                    throw new IllegalArgumentException("trusted peer '" + entry + "' has a prefix outside 0.." + bits);
                }
            }
            nets.add(mask(ip, prefix));
            prefixes.add(prefix);
        }
        return nets.isEmpty() ? ANYONE : new TrustedPeers(List.copyOf(nets), List.copyOf(prefixes));
    }

    /** True when no list was given (everyone is trusted). */
    public boolean isOpen() {
        return networks.isEmpty();
    }

    /**
     * Whether {@code source} may call. An IPv4-mapped IPv6 source ({@code ::ffff:a.b.c.d}, as a dual-stack socket
     * reports IPv4 peers) is matched as the IPv4 address it carries.
     */
    public boolean allows(InetAddress source) {
        if (networks.isEmpty()) {
            return true;
        }
        byte[] ip = source.getAddress();
        if (ip.length == 16 && isV4Mapped(ip)) {
            ip = java.util.Arrays.copyOfRange(ip, 12, 16);
        }
        for (int i = 0; i < networks.size(); i++) {
            byte[] net = networks.get(i);
            if (net.length == ip.length && java.util.Arrays.equals(mask(ip, prefixes.get(i)), net)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isV4Mapped(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[10] == (byte) 0xff && ip[11] == (byte) 0xff;
    }

    private static byte[] mask(byte[] ip, int prefix) {
        byte[] out = ip.clone();
        for (int i = 0; i < out.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - i * 8));
            out[i] &= (byte) (0xff << (8 - keep));
        }
        return out;
    }

    /** The blocks as {@code network/prefix}, comma-separated; empty for "anyone". */
    @Override
    public String toString() {
        return String.join(",", text);
    }
}
