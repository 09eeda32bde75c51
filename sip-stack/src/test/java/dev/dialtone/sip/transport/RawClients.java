package dev.dialtone.sip.transport;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/** Plain JDK sockets playing a foreign peer: TCP, or TLS trusting only a given certificate. */
final class RawClients {
    private RawClients() {
    }

    static Socket connect(Transport transport, InetSocketAddress to, SelfSignedCertificate trusted) throws IOException {
        if (transport != Transport.TLS) {
            Socket s = new Socket();
            s.connect(to, 5000);
            return s;
        }
        try {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            ks.setCertificateEntry("peer", trusted.certificate());
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket();
            s.connect(to, 5000);
            s.setSoTimeout(5000);
            s.startHandshake();
            return s;
        } catch (GeneralSecurityException e) {
            throw new IOException(e);
        }
    }
}
