package dev.dialtone.bench.probe;

import dev.dialtone.sip.codec.SipParser;
import dev.dialtone.sip.message.SipMessage;
import dev.dialtone.sip.message.SipParseException;
import dev.dialtone.sip.transport.Transport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Locale;

/**
 * The probe's one connection to the server, on plain blocking sockets rather than the SIP stack: the measurements
 * are about the wire (how long the connect takes, when the first byte of a response arrives) and need the exact
 * bytes exchanged, which a stack that connects on demand and hands up parsed messages hides.
 */
abstract class ProbeChannel implements AutoCloseable {

    /** A message read off the wire, with its exact text and when its first byte arrived. */
    record Received(SipMessage message, String text, long firstByteNanos) {
    }

    final Transport transport;

    ProbeChannel(Transport transport) {
        this.transport = transport;
    }

    /** Opens a channel to {@code server}; for TCP and TLS this is the connection (and handshake) being timed. */
    static ProbeChannel open(Transport transport, InetSocketAddress server, String serverName, int timeoutMillis,
                             boolean insecure) throws IOException {
        return switch (transport) {
            case UDP -> new Udp(server);
            case TCP -> {
                Socket s = new Socket();
                try {
                    s.setTcpNoDelay(true);
                    s.connect(server, timeoutMillis);
                } catch (IOException e) {
                    s.close();
                    throw e;
                }
                yield new Stream(transport, s);
            }
            case TLS -> {
                Socket plain = new Socket();
                try {
                    plain.setTcpNoDelay(true);
                    plain.connect(server, timeoutMillis);
                    SSLSocket tls = (SSLSocket) tlsContext(insecure).getSocketFactory()
                            .createSocket(plain, serverName, server.getPort(), true);
                    if (!insecure) {
                        // RFC 5922 7.2: the certificate must name the domain we meant to reach.
                        SSLParameters p = tls.getSSLParameters();
                        p.setEndpointIdentificationAlgorithm("HTTPS");
                        tls.setSSLParameters(p);
                    }
                    tls.setSoTimeout(timeoutMillis);
                    tls.startHandshake();
                    yield new Stream(transport, tls);
                } catch (IOException | GeneralSecurityException e) {
                    plain.close();
                    throw e instanceof IOException io ? io : new IOException(e.getMessage(), e);
                }
            }
        };
    }

    private static SSLContext tlsContext(boolean insecure) throws GeneralSecurityException {
        if (!insecure) {
            return SSLContext.getDefault();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, new TrustManager[]{new X509TrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        }}, new SecureRandom());
        return ctx;
    }

    abstract void send(String message) throws IOException;

    /** The next message, or null when none arrived before {@code deadlineNanos}. */
    abstract Received receive(long deadlineNanos) throws IOException;

    /** Our address as the server sees it from this side of the route (for Via and Contact). */
    abstract InetSocketAddress local();

    @Override
    public abstract void close();

    static int millisUntil(long deadlineNanos) {
        long ms = (deadlineNanos - System.nanoTime()) / 1_000_000;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, ms));
    }

    private static final class Udp extends ProbeChannel {
        private final DatagramSocket socket;
        private final byte[] buffer = new byte[65535];

        Udp(InetSocketAddress server) throws IOException {
            super(Transport.UDP);
            socket = new DatagramSocket();
            // Connected, so the kernel picks our source address for the route and drops datagrams from others.
            socket.connect(server);
        }

        @Override
        void send(String message) throws IOException {
            byte[] b = message.getBytes(StandardCharsets.UTF_8);
            socket.send(new DatagramPacket(b, b.length));
        }

        @Override
        Received receive(long deadlineNanos) throws IOException {
            while (System.nanoTime() < deadlineNanos) {
                socket.setSoTimeout(millisUntil(deadlineNanos));
                DatagramPacket p = new DatagramPacket(buffer, buffer.length);
                try {
                    socket.receive(p);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                long at = System.nanoTime();
                try {
                    SipMessage m = SipParser.parse(p.getData(), 0, p.getLength());
                    return new Received(m, new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8), at);
                } catch (SipParseException e) {
                    // Not SIP (a keep-alive, garbage): keep waiting.
                }
            }
            return null;
        }

        @Override
        InetSocketAddress local() {
            return new InetSocketAddress(socket.getLocalAddress(), socket.getLocalPort());
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** TCP or TLS: messages framed by Content-Length (RFC 3261 18.3), CRLF keep-alives skipped. */
    private static final class Stream extends ProbeChannel {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;
        private byte[] buf = new byte[8192];
        private int len;
        private long firstByteNanos;

        Stream(Transport transport, Socket socket) throws IOException {
            super(transport);
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        void send(String message) throws IOException {
            out.write(message.getBytes(StandardCharsets.UTF_8));
            out.flush();
        }

        @Override
        Received receive(long deadlineNanos) throws IOException {
            while (true) {
                int skip = 0;
                while (skip < len && (buf[skip] == '\r' || buf[skip] == '\n')) {
                    skip++;
                }
                if (skip > 0) {
                    consume(skip);
                }
                int total = len == 0 ? -1 : messageLength();
                if (total > 0 && len >= total) {
                    byte[] bytes = Arrays.copyOf(buf, total);
                    long at = firstByteNanos;
                    consume(total);
                    try {
                        return new Received(SipParser.parse(bytes), new String(bytes, StandardCharsets.UTF_8), at);
                    } catch (SipParseException e) {
                        throw new IOException("unparsable message from server: " + e.getMessage());
                    }
                }
                if (System.nanoTime() >= deadlineNanos) {
                    return null;
                }
                if (len == buf.length) {
                    if (buf.length >= 1 << 20) {
                        throw new IOException("message from server too large");
                    }
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
                socket.setSoTimeout(millisUntil(deadlineNanos));
                int n;
                try {
                    n = in.read(buf, len, buf.length - len);
                } catch (SocketTimeoutException e) {
                    return null;
                }
                if (n < 0) {
                    throw new IOException("server closed the connection");
                }
                if (len == 0) {
                    firstByteNanos = System.nanoTime();
                }
                len += n;
            }
        }

        private void consume(int n) {
            System.arraycopy(buf, n, buf, 0, len - n);
            len -= n;
        }

        /** The whole message's length once its header is in, else -1. */
        private int messageLength() throws IOException {
            int end = -1;
            for (int i = 3; i < len; i++) {
                if (buf[i] == '\n' && buf[i - 1] == '\r' && buf[i - 2] == '\n' && buf[i - 3] == '\r') {
                    end = i + 1;
                    break;
                }
            }
            if (end < 0) {
                return -1;
            }
            String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
            int contentLength = -1;
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon <= 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
                if (name.equals("content-length") || name.equals("l")) {
                    try {
                        contentLength = Integer.parseInt(line.substring(colon + 1).trim());
                    } catch (NumberFormatException e) {
                        throw new IOException("bad Content-Length from server: " + line);
                    }
                }
            }
            if (contentLength < 0) {
                // RFC 3261 18.3: on a stream Content-Length is mandatory; without it framing is lost.
                throw new IOException("message from server without Content-Length on a stream");
            }
            return end + contentLength;
        }

        @Override
        InetSocketAddress local() {
            return new InetSocketAddress(socket.getLocalAddress(), socket.getLocalPort());
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }
}
