package dev.dialtone.bench.load;

import org.junit.jupiter.api.Test;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class UdpDropsTest {

    @Test
    void countsWhatTheKernelDroppedOnArrival_atASocketNobodyReads() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "Linux's UDP tables");
        InetAddress lo = InetAddress.getLoopbackAddress();
        try (DatagramSocket full = new DatagramSocket(0, lo); DatagramSocket sender = new DatagramSocket(0, lo)) {
            full.setReceiveBufferSize(4096); // the kernel's floor: a few datagrams
            int port = full.getLocalPort();
            assertEquals(0, UdpDrops.of(port), "a new socket has dropped nothing");
            int sent = 200;
            byte[] payload = new byte[500];
            for (int i = 0; i < sent; i++) {
                sender.send(new DatagramPacket(payload, payload.length, lo, port));
            }
            full.setSoTimeout(300);
            int read = 0;
            byte[] buf = new byte[2048];
            while (true) {
                try {
                    full.receive(new DatagramPacket(buf, buf.length));
                } catch (SocketTimeoutException e) {
                    break;
                }
                read++;
            }
            assertTrue(read > 0 && read < sent, read + " of " + sent + " queued");
            assertEquals(sent - read, UdpDrops.of(port), "every datagram not queued was counted as dropped");
            assertEquals(0, UdpDrops.of(sender.getLocalPort()), "another port's socket: none");
        }
    }

    @Test
    void readsTheLocalPortInHex_andTheLastColumn() {
        String v4 = "  271: 0100007F:13C4 00000000:0000 07 00000000:00000000 00 00000000:00000000 00000000     0"
                + "        0 123456 2 0000000000000000 1083";
        String v6 = "  271: 00000000000000000000000000000000:E4A5 00000000000000000000000000000000:0000 07"
                + " 00000000:00064000 00 00000000:00000000 00000000     0        0 654321 2 0000000000000000 17";
        assertEquals(1083, UdpDrops.dropsIfBoundTo(v4, 5060));
        assertEquals(0, UdpDrops.dropsIfBoundTo(v4, 5061));
        assertEquals(17, UdpDrops.dropsIfBoundTo(v6, 0xE4A5));
        assertEquals(0, UdpDrops.dropsIfBoundTo("  sl  local_address rem_address   st tx_queue rx_queue", 5060),
                "the header row");
    }

    @Test
    void readsRmemMax_whole() throws Exception {
        Path file = Path.of("/proc/sys/net/core/rmem_max");
        assumeTrue(Files.isReadable(file), "Linux's sysctl files");
        Process cat = new ProcessBuilder("cat", file.toString()).start();
        long expected = Long.parseLong(new String(cat.getInputStream().readAllBytes()).trim());
        assertEquals(expected, UdpDrops.receiveBufferMax(), "the value cat reads");
    }

    @Test
    void aCappedReceiveBuffer_isReported_withTheSysctlThatRaisesIt() {
        String advice = SipCallDriver.bufferAdvice(212_992);
        assertTrue(advice.startsWith("net.core.rmem_max is 208 KiB: our UDP socket gets 416 KiB"), advice);
        assertTrue(advice.endsWith("sysctl -w net.core.rmem_max=" + SipCallDriver.SOCKET_BUFFER / 2), advice);
        assertNull(SipCallDriver.bufferAdvice(SipCallDriver.SOCKET_BUFFER / 2), "doubled, it is what we ask");
        assertNull(SipCallDriver.bufferAdvice(-1), "not Linux: nothing to say");
    }
}
