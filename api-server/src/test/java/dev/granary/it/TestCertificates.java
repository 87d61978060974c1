package dev.granary.it;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
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
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test certificate authority made with Bouncy Castle: a root CA, an intermediate CA, and server certificates it
 * issues, written as the PEM files a server is given ({@code chain.pem} with the server certificate and the
 * intermediate, {@code key.pem}) and the CA file clients trust ({@code ca.pem}).
 */
final class TestCertificates {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    private final Path dir;
    private final KeyPair rootKey;
    private final X509Certificate root;
    private final KeyPair intermediateKey;
    private final X509Certificate intermediate;

    /** A new CA whose files go to {@code dir}. */
    TestCertificates(Path dir) throws Exception {
        this.dir = Files.createDirectories(dir);
        this.rootKey = rsa();
        this.root = sign(
                new X500Name("CN=Granary Test Root CA"),
                rootKey,
                new X500Name("CN=Granary Test Root CA"),
                rootKey,
                true,
                List.of());
        this.intermediateKey = rsa();
        this.intermediate = sign(
                new X500Name("CN=Granary Test Intermediate CA"),
                intermediateKey,
                new X500Name("CN=Granary Test Root CA"),
                rootKey,
                true,
                List.of());
        Files.writeString(caFile(), pem(root));
    }

    /** The root CA's certificate, for clients to trust. */
    Path caFile() {
        return dir.resolve("ca.pem");
    }

    /** The chain file a server is started with. */
    Path chainFile() {
        return dir.resolve("chain.pem");
    }

    /** The key file a server is started with. */
    Path keyFile() {
        return dir.resolve("key.pem");
    }

    /**
     * Issues a server certificate for {@code names} (DNS names, wildcards allowed, or IP addresses) under the
     * common name {@code commonName}, and writes it with the intermediate to {@link #chainFile()} and its key to
     * {@link #keyFile()}: an RSA key in PKCS#1 form ({@code BEGIN RSA PRIVATE KEY}) or, with {@code ec}, an EC key
     * in SEC1 form ({@code BEGIN EC PRIVATE KEY}), the forms certbot and openssl write.
     *
     * @return the server certificate
     */
    X509Certificate issueServer(String commonName, boolean ec, String... names) throws Exception {
        KeyPair key = ec ? ec() : rsa();
        List<GeneralName> altNames = new ArrayList<>();
        for (String name : names) {
            altNames.add(
                    name.matches("[0-9.]+|.*:.*")
                            ? new GeneralName(GeneralName.iPAddress, name)
                            : new GeneralName(GeneralName.dNSName, name));
        }
        X509Certificate server = sign(
                new X500Name("CN=" + commonName),
                key,
                new X500Name("CN=Granary Test Intermediate CA"),
                intermediateKey,
                false,
                altNames);
        // Written beside and moved into place, as a renewal tool does: the server never reads half a file.
        Path chainTemp = dir.resolve("chain.pem.tmp");
        Path keyTemp = dir.resolve("key.pem.tmp");
        Files.writeString(chainTemp, pem(server) + pem(intermediate));
        Files.writeString(keyTemp, ec ? sec1(key) : pem(key));
        Files.move(
                keyTemp,
                keyFile(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        Files.move(
                chainTemp,
                chainFile(),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return server;
    }

    /** Trust managers that trust only the root CA. */
    TrustManager[] trustManagers() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("root", root);
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Base64 SHA-256 of a certificate's public key: Chromium's {@code --ignore-certificate-errors-spki-list}. */
    static String spkiSha256(X509Certificate certificate) throws GeneralSecurityException {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest(certificate.getPublicKey().getEncoded());
        return Base64.getEncoder().encodeToString(digest);
    }

    private static KeyPair rsa() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    private static KeyPair ec() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(
            X500Name subject,
            KeyPair subjectKey,
            X500Name issuer,
            KeyPair issuerKey,
            boolean ca,
            List<GeneralName> altNames)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))),
                subject,
                subjectKey.getPublic());
        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
        builder.addExtension(
                Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(subjectKey.getPublic()));
        builder.addExtension(
                Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(issuerKey.getPublic()));
        if (ca) {
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } else {
            builder.addExtension(
                    Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
            builder.addExtension(
                    Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(
                    Extension.subjectAlternativeName, false, new GeneralNames(altNames.toArray(new GeneralName[0])));
        }
        String algorithm = issuerKey.getPrivate().getAlgorithm().equals("EC") ? "SHA256withECDSA" : "SHA256withRSA";
        ContentSigner signer = new JcaContentSignerBuilder(algorithm).build(issuerKey.getPrivate());
        return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    }

    /** An EC key as openssl writes it: SEC1 with the curve and the public key ({@code BEGIN EC PRIVATE KEY}). */
    private static String sec1(KeyPair key) throws IOException {
        org.bouncycastle.asn1.pkcs.PrivateKeyInfo info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(
                key.getPrivate().getEncoded());
        org.bouncycastle.asn1.x509.SubjectPublicKeyInfo publicInfo =
                org.bouncycastle.asn1.x509.SubjectPublicKeyInfo.getInstance(
                        key.getPublic().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(
                256,
                ((java.security.interfaces.ECPrivateKey) key.getPrivate()).getS(),
                publicInfo.getPublicKeyData(),
                info.getPrivateKeyAlgorithm().getParameters());
        return pem(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", sec1.getEncoded()));
    }

    /** PEM text; an RSA key pair is written in its traditional form (PKCS#1). */
    private static String pem(Object item) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            if (item instanceof org.bouncycastle.util.io.pem.PemObject object) {
                writer.writeObject(object);
            } else {
                writer.writeObject(new JcaMiscPEMGenerator(item));
            }
        }
        return text.toString();
    }
}
