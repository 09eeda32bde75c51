package dev.dialtone.media.rtp;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** A test endpoint: one blocking UDP socket on 127.0.0.1 that sends and receives RTP. */
final class Phone implements AutoCloseable {

    static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    final DatagramSocket socket;
    private final long ssrc;
    private int seq;
    private long timestamp;

    Phone(long ssrc) throws IOException {
        this.socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
        this.socket.setSoTimeout(5000);
        this.ssrc = ssrc;
        this.seq = (int) (ssrc & 0x7FFF);
        this.timestamp = ssrc * 7;
    }

    InetSocketAddress address() {
        return (InetSocketAddress) socket.getLocalSocketAddress();
    }

    /** An RTP v2 packet with the next sequence number and a recognisable payload. */
    byte[] nextPacket(int payloadType, int payloadBytes) {
        ByteBuffer b = ByteBuffer.allocate(12 + payloadBytes);
        b.put((byte) 0x80).put((byte) payloadType).putShort((short) seq).putInt((int) timestamp).putInt((int) ssrc);
        for (int i = 0; i < payloadBytes; i++) {
            b.put((byte) (seq * 31 + i));
        }
        seq = (seq + 1) & 0xFFFF;
        timestamp += 160;
        return b.array();
    }

    void send(byte[] packet, int port) throws IOException {
        socket.send(new DatagramPacket(packet, packet.length, LOOPBACK, port));
    }

    byte[] receive() throws IOException {
        DatagramPacket p = new DatagramPacket(new byte[2048], 2048);
        socket.receive(p);
        return Arrays.copyOf(p.getData(), p.getLength());
    }

    /** What arrives within {@code millis}, or null. */
    byte[] receiveWithin(int millis) throws IOException {
        int before = socket.getSoTimeout();
        socket.setSoTimeout(millis);
        try {
            return receive();
        } catch (SocketTimeoutException e) {
            return null;
        } finally {
            socket.setSoTimeout(before);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
