package dev.dialtone.sip.transport;

import java.nio.file.Path;
import java.util.Objects;

/**
 * TLS for a {@link SipTransportLayer}: our certificate (from PEM files, or self-signed and kept in a data directory)
 * and how we check the certificate of a server we connect to.
 *
 * @param certificateChainPem our certificate chain, PEM, leaf first; null when {@code dataDir} is used
 * @param privateKeyPem       the private key of the leaf, PEM (PKCS#8, or PKCS#1 RSA); null when {@code dataDir} is used
 * @param dataDir             directory whose {@code tls/cert.pem} and {@code tls/key.pem} hold a self-signed
 *                            certificate, created on first start and reused afterwards; null with PEM files
 * @param serverVerification  how a server's certificate is checked when we connect
 * @param trustedCertificatePem the one certificate trusted with {@link ServerVerification#TRUST_GIVEN_CERTIFICATE}
 */
public record TlsConfig(Path certificateChainPem, Path privateKeyPem, Path dataDir,
                        ServerVerification serverVerification, Path trustedCertificatePem) {

    /** How the client side of a TLS connection checks the server's certificate. */
    public enum ServerVerification {
        /** The chain must lead to a CA in the JDK trust store (the default). */
        JDK_TRUST_STORE,
        /** Only the certificate in {@code trustedCertificatePem} is trusted (a self-signed peer, tests). */
        TRUST_GIVEN_CERTIFICATE,
        /** No check at all: any certificate is accepted. For tests and benchmarks only; never in production. */
        INSECURE_ACCEPT_ANY
    }

    public TlsConfig {
        if ((certificateChainPem == null) != (privateKeyPem == null)) {
            throw new IllegalArgumentException("certificate chain and private key go together");
        }
        if ((certificateChainPem == null) == (dataDir == null)) {
            throw new IllegalArgumentException("give either PEM files or a data directory for a self-signed certificate");
        }
        Objects.requireNonNull(serverVerification, "serverVerification");
        if (serverVerification == ServerVerification.TRUST_GIVEN_CERTIFICATE && trustedCertificatePem == null) {
            throw new IllegalArgumentException("TRUST_GIVEN_CERTIFICATE needs trustedCertificatePem");
        }
    }

    /** Our certificate chain and key from PEM files; servers verified against the JDK trust store. */
    public static TlsConfig fromPem(Path certificateChainPem, Path privateKeyPem) {
        return new TlsConfig(certificateChainPem, privateKeyPem, null, ServerVerification.JDK_TRUST_STORE, null);
    }

    /**
     * A self-signed certificate kept in {@code dataDir/tls/} (see {@link SelfSignedCertificate#loadOrCreate});
     * servers verified against the JDK trust store.
     */
    public static TlsConfig selfSigned(Path dataDir) {
        return new TlsConfig(null, null, dataDir, ServerVerification.JDK_TRUST_STORE, null);
    }

    /** Trust exactly the certificate in {@code pem} when connecting (instead of the JDK trust store). */
    public TlsConfig trustingCertificate(Path pem) {
        return new TlsConfig(certificateChainPem, privateKeyPem, dataDir, ServerVerification.TRUST_GIVEN_CERTIFICATE, pem);
    }

    /** Accept any server certificate: for tests and benchmarks only. */
    public TlsConfig insecureAcceptAnyServerCertificate() {
        return new TlsConfig(certificateChainPem, privateKeyPem, dataDir, ServerVerification.INSECURE_ACCEPT_ANY, null);
    }
}
