package dev.dialtone.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The datagrams Linux dropped on arrival at the UDP sockets bound to a port because their receive buffer was full:
 * the last column of {@code /proc/net/udp} and {@code /proc/net/udp6}. A response dropped there is one the target
 * sent and {@code load} never read, so the call fails or retransmits through no fault of the target; counting them
 * tells a tester which failures are the tool's own.
 */
final class UdpDrops {
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/udp"), Path.of("/proc/net/udp6"));

    private UdpDrops() {
    }

    /**
     * The drops of every socket bound to {@code port}, IPv4 and IPv6 (Netty's epoll sockets are IPv6), or -1. The
     * local address is not compared: on one host a UDP port is one program's, and {@code load --threads N} binds
     * its N sockets to one port (SO_REUSEPORT), so their drops add up.
     */
    static long of(int port) {
        long sum = 0;
        boolean read = false;
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException | SecurityException e) {
                continue;
            }
            read = true;
            for (int i = 1; i < lines.size(); i++) {
                sum += dropsIfBoundTo(lines.get(i), port);
            }
        }
        return read ? sum : -1;
    }

    /**
     * net.core.rmem_max, the most receive buffer a socket may ask for (Linux doubles it), or -1 if unknown. Read as
     * lines: a /proc file says its size is 0, and {@code Files.readString} then returned only its first byte ("4"
     * for 4194304).
     */
    static long receiveBufferMax() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/sys/net/core/rmem_max"));
            return lines.isEmpty() ? -1 : Long.parseLong(lines.get(0).trim());
        } catch (IOException | SecurityException | NumberFormatException e) {
            return -1;
        }
    }

    /**
     * One row: "sl local_address rem_address st tx_queue:rx_queue ... drops", the local address as HEX:PORT in hex.
     */
    static long dropsIfBoundTo(String row, int port) {
        String[] f = row.trim().split("\\s+");
        if (f.length < 13) {
            return 0;
        }
        int colon = f[1].lastIndexOf(':');
        if (colon < 0) {
            return 0;
        }
        try {
            if (Integer.parseInt(f[1].substring(colon + 1), 16) != port) {
                return 0;
            }
            return Long.parseLong(f[f.length - 1]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
