package dev.dialtone.sip.transport;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;

import javax.net.ssl.SSLException;
import java.nio.file.Path;

/** Netty {@link SslContext}s on the JDK provider for both ends of a SIP over TLS connection. */
final class TlsContexts {
    private static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {
    }

    static SslContext server(TlsConfig tls, String advertisedHost) throws SSLException {
        Path chain = tls.certificateChainPem();
        Path key = tls.privateKeyPem();
        if (chain == null) {
            SelfSignedCertificate self = SelfSignedCertificate.loadOrCreate(tls.dataDir(), advertisedHost);
            chain = self.certificatePem();
            key = self.privateKeyPem();
        }
        return SslContextBuilder.forServer(chain.toFile(), key.toFile())
            .sslProvider(SslProvider.JDK)
            .protocols(PROTOCOLS)
            .build();
    }

    /**
     * The client side. The certificate chain is checked as {@link TlsConfig#serverVerification()} says; the host
     * name is not, because a {@link Destination} carries an address, not the domain RFC 5922 matches against.
     */
    static SslContext client(TlsConfig tls) throws SSLException {
        SslContextBuilder b = SslContextBuilder.forClient()
            .sslProvider(SslProvider.JDK)
            .protocols(PROTOCOLS)
            .endpointIdentificationAlgorithm(null);
        switch (tls.serverVerification()) {
            case JDK_TRUST_STORE -> {
                // the builder's default: the JDK's own trust store
            }
            case TRUST_GIVEN_CERTIFICATE -> b.trustManager(tls.trustedCertificatePem().toFile());
            case INSECURE_ACCEPT_ANY -> b.trustManager(InsecureTrustManagerFactory.INSTANCE);
        }
        return b.build();
    }
}
