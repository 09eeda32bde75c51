package dev.dialtone.bench.relay;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;

/**
 * A client of rtpengine's ng control protocol: each request is a cookie, a space and a bencoded
 * dictionary in one UDP datagram; the answer echoes the cookie. Requests are retried on timeout
 * (UDP); a late answer to an earlier try is recognised by its cookie and skipped.
 */
final class NgClient implements AutoCloseable {

    private static final int TIMEOUT_MILLIS = 2000;
    private static final int ATTEMPTS = 3;

    private final DatagramSocket socket;
    private final InetSocketAddress server;
    private final String cookiePrefix = Long.toHexString(System.nanoTime());
    private final byte[] receiveBuffer = new byte[65535];
    private long nextCookie;

    NgClient(InetSocketAddress server) throws IOException {
        this.server = server;
        this.socket = new DatagramSocket(new InetSocketAddress(server.getAddress(), 0));
        socket.setSoTimeout(TIMEOUT_MILLIS);
    }

    /**
     * Sends {@code request}, returns the answer's dictionary.
     *
     * @throws IOException when no answer comes, or the answer is not {@code result: ok}
     */
    Map<String, Object> call(Map<String, Object> request) throws IOException {
        byte[] cookie = (cookiePrefix + "_" + nextCookie++ + " ").getBytes(StandardCharsets.US_ASCII);
        byte[] body = Bencode.encode(request);
        byte[] message = Arrays.copyOf(cookie, cookie.length + body.length);
        System.arraycopy(body, 0, message, cookie.length, body.length);
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            socket.send(new DatagramPacket(message, message.length, server));
            long deadline = System.nanoTime() + TIMEOUT_MILLIS * 1_000_000L;
            while (System.nanoTime() < deadline) {
                DatagramPacket answer = new DatagramPacket(receiveBuffer, receiveBuffer.length);
                try {
                    socket.receive(answer);
                } catch (SocketTimeoutException e) {
                    break;
                }
                if (answer.getLength() > cookie.length
                        && Arrays.equals(receiveBuffer, 0, cookie.length, cookie, 0, cookie.length)) {
                    return result(request, Bencode.decode(receiveBuffer, cookie.length, answer.getLength() - cookie.length));
                }
            }
        }
        throw new IOException("no answer from rtpengine at " + server + " to " + request.get("command"));
    }

    private static Map<String, Object> result(Map<String, Object> request, Object answer) throws IOException {
        if (answer instanceof Map<?, ?> map && "ok".equals(map.get("result"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> dictionary = (Map<String, Object>) map;
            return dictionary;
        }
        String reason = answer instanceof Map<?, ?> map ? String.valueOf(map.get("error-reason")) : "not a dictionary";
        throw new IOException("rtpengine refused " + request.get("command") + ": " + reason);
    }

    @Override
    public void close() {
        socket.close();
    }
}
