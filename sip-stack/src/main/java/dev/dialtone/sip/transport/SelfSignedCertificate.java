package dev.dialtone.sip.transport;

import io.netty.util.NetUtil;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A self-signed certificate (EC P-256, SHA-256) for TLS when no CA-issued one is configured. It lives in
 * {@code <dataDir>/tls/cert.pem} and {@code <dataDir>/tls/key.pem} (PKCS#8, readable by the owner only) and is
 * reused on every start while it is valid for more than a week and names the advertised host; otherwise a new one
 * replaces it. Subject alternative names: the advertised host, {@code localhost} and {@code 127.0.0.1}.
 */
public record SelfSignedCertificate(Path certificatePem, Path privateKeyPem, X509Certificate certificate) {

    private static final Duration VALIDITY = Duration.ofDays(825);
    private static final Duration RENEW_BEFORE = Duration.ofDays(7);

    /** Loads the certificate kept in {@code dataDir}, creating it first when absent, expiring or for another host. */
    public static SelfSignedCertificate loadOrCreate(Path dataDir, String advertisedHost) {
        Path dir = dataDir.resolve("tls");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        try {
            if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
                X509Certificate existing = read(cert);
                if (usable(existing, advertisedHost)) {
                    return new SelfSignedCertificate(cert, key, existing);
                }
            }
            Files.createDirectories(dir);
            return create(cert, key, advertisedHost);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot keep a TLS certificate in " + dir, e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot create a TLS certificate: " + e.getMessage(), e);
        }
    }

    private static boolean usable(X509Certificate c, String host) throws GeneralSecurityException {
        if (c.getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE))) {
            return false;
        }
        Collection<List<?>> sans = c.getSubjectAlternativeNames();
        if (sans == null) {
            return false;
        }
        String wanted = bare(host);
        for (List<?> san : sans) {
            if (san.size() == 2 && san.get(1) instanceof String name && name.equalsIgnoreCase(wanted)) {
                return true;
            }
            if (san.size() == 2 && san.get(1) instanceof String name && NetUtil.isValidIpV6Address(wanted)
                && NetUtil.isValidIpV6Address(name) && java.util.Arrays.equals(
                    NetUtil.createByteArrayFromIpAddressString(name), NetUtil.createByteArrayFromIpAddressString(wanted))) {
                return true;
            }
        }
        return false;
    }

    private static SelfSignedCertificate create(Path cert, Path key, String host)
        throws GeneralSecurityException, OperatorCreationException, IOException {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        KeyPair pair = gen.generateKeyPair();

        Set<String> names = new LinkedHashSet<>(List.of(bare(host), "localhost", "127.0.0.1"));
        List<GeneralName> sans = new ArrayList<>();
        for (String n : names) {
            boolean ip = NetUtil.isValidIpV4Address(n) || NetUtil.isValidIpV6Address(n);
            sans.add(new GeneralName(ip ? GeneralName.iPAddress : GeneralName.dNSName, n));
        }
        Instant now = Instant.now();
        X500Name subject = new X500Name("CN=" + cnSafe(bare(host)) + ",O=Dialtone");
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(subject, new BigInteger(64, new SecureRandom()).abs(),
            Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
        b.addExtension(Extension.extendedKeyUsage, false,
            new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans.toArray(new GeneralName[0])));
        X509Certificate c = new JcaX509CertificateConverter()
            .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));

        // Written beside the target and moved into place, so a crash never leaves half a key behind.
        Path keyTmp = key.resolveSibling("key.pem.tmp");
        Files.deleteIfExists(keyTmp);
        try {
            Files.createFile(keyTmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException notPosix) {
            Files.createFile(keyTmp);
        }
        Files.writeString(keyTmp, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        Path certTmp = cert.resolveSibling("cert.pem.tmp");
        Files.writeString(certTmp, pem("CERTIFICATE", c.getEncoded()), StandardCharsets.US_ASCII);
        Files.move(keyTmp, key, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.move(certTmp, cert, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return new SelfSignedCertificate(cert, key, c);
    }

    static X509Certificate read(Path pem) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
            + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }

    private static String bare(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    private static String cnSafe(String s) {
        return s.replaceAll("[^A-Za-z0-9.:-]", "_");
    }
}
