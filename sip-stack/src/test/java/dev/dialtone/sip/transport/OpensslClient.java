package dev.dialtone.sip.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** {@code openssl s_client} as a third-party TLS peer, when the machine has it. */
final class OpensslClient {
    private OpensslClient() {
    }

    static boolean available() {
        try {
            Process p = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
            return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Connects with certificate verification against {@code caPem}, writes {@code request}, and returns everything
     * s_client printed until {@code expect} appeared (or 10 s passed); the process is then ended.
     */
    static String exchange(InetSocketAddress to, Path caPem, byte[] request, String expect) throws Exception {
        Process p = new ProcessBuilder("openssl", "s_client", "-connect", "127.0.0.1:" + to.getPort(),
            "-CAfile", caPem.toString(), "-verify_return_error", "-ign_eof")
            .redirectErrorStream(true).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> {
            byte[] buf = new byte[4096];
            try (InputStream in = p.getInputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    synchronized (out) {
                        out.write(buf, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // the process was ended
            }
        });
        reader.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(request);
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        try {
            while (System.nanoTime() < deadline) {
                synchronized (out) {
                    if (out.toString(StandardCharsets.US_ASCII).contains(expect)) {
                        break;
                    }
                }
                Thread.sleep(20);
            }
        } finally {
            p.destroy();
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            reader.join(5000);
        }
        synchronized (out) {
            return out.toString(StandardCharsets.US_ASCII);
        }
    }
}
