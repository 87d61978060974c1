package dev.granary.cluster;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.ratis.grpc.GrpcTlsConfig;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.math.ec.ECCurve;
import org.bouncycastle.math.ec.custom.sec.SecP256R1Curve;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Mutual TLS between the nodes of a cluster, from nothing but the cluster's shared secret: every node derives the
 * same certificate authority key from the secret (HMAC-SHA256, reduced onto P-256), makes itself a fresh key pair
 * at start, and issues its own certificate (its member id as common name, its address as subject alternative name)
 * under that authority. A node trusts exactly the certificates the authority signed, so a process without the
 * secret can neither serve nor call a node: its handshakes fail both ways.
 *
 * <p>No certificate files to distribute or renew; changing the secret is a restart of every node. The authority's
 * own certificate differs from node to node in its validity and serial number, which path validation does not look
 * at (it checks the issuer's name and key).
 */
public final class ClusterTls {
    private static final String CURVE = "secp256r1";
    private static final Duration NODE_VALIDITY = Duration.ofDays(3650);

    private final GrpcTlsConfig config;
    private final X509Certificate authority;
    private final X509Certificate certificate;

    private ClusterTls(GrpcTlsConfig config, X509Certificate authority, X509Certificate certificate) {
        this.config = config;
        this.authority = authority;
        this.certificate = certificate;
    }

    /**
     * The TLS material of member {@code memberId} reachable at {@code host} in cluster {@code clusterName} whose
     * secret is {@code secret}.
     */
    public static ClusterTls create(String clusterName, String secret, String memberId, String host) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length() < 16) {
            throw new IllegalArgumentException("the cluster secret must have at least 16 characters");
        }
        try {
            ECParameterSpec curve = curve();
            KeyPair authorityKey = authorityKey(clusterName, secret, curve);
            X500Name authorityName =
                    new X500Name("CN=Granary cluster " + clusterName.replaceAll("[,+=<>#;\"\\\\]", "_"));
            Instant now = Instant.now();
            X509Certificate authority = sign(
                    new JcaX509v3CertificateBuilder(
                                    authorityName,
                                    BigInteger.ONE,
                                    Date.from(now.minus(Duration.ofDays(1))),
                                    Date.from(now.plus(NODE_VALIDITY)),
                                    authorityName,
                                    authorityKey.getPublic())
                            .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                            .addExtension(
                                    Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)),
                    authorityKey.getPrivate());
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec(CURVE));
            KeyPair nodeKey = generator.generateKeyPair();
            X509Certificate certificate = sign(
                    new JcaX509v3CertificateBuilder(
                                    authorityName,
                                    new BigInteger(127, new SecureRandom()),
                                    Date.from(now.minus(Duration.ofHours(1))),
                                    Date.from(now.plus(NODE_VALIDITY)),
                                    new X500Name("CN=" + memberId.replaceAll("[,+=<>#;\"\\\\]", "_")),
                                    nodeKey.getPublic())
                            .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                            .addExtension(
                                    Extension.keyUsage,
                                    true,
                                    new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement))
                            .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(new KeyPurposeId[] {
                                KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth
                            }))
                            .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(altName(host))),
                    authorityKey.getPrivate());
            GrpcTlsConfig config = new GrpcTlsConfig(nodeKey.getPrivate(), certificate, List.of(authority), true);
            return new ClusterTls(config, authority, certificate);
        } catch (GeneralSecurityException | CertIOException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make the cluster's TLS material", e);
        }
    }

    /** The configuration Ratis's gRPC server, clients and admin clients take. */
    public GrpcTlsConfig grpc() {
        return config;
    }

    /** The authority every node of the cluster derives alike. */
    public X509Certificate authority() {
        return authority;
    }

    /** This node's certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    private static GeneralName altName(String host) {
        boolean address = host.matches("[0-9.]+") || host.contains(":");
        if (address) {
            try {
                // A literal only: no name lookup happens for an IP address string.
                InetAddress.getByName(host);
            } catch (java.net.UnknownHostException e) {
                throw new IllegalArgumentException("not an IP address: " + host, e);
            }
            return new GeneralName(GeneralName.iPAddress, host);
        }
        return new GeneralName(GeneralName.dNSName, host);
    }

    private static ECParameterSpec curve() throws GeneralSecurityException {
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec(CURVE));
        return parameters.getParameterSpec(ECParameterSpec.class);
    }

    /**
     * The authority's key pair: a P-256 private scalar from HMAC-SHA256 of the cluster's name under the secret (a
     * counter appended until the value lies in [1, n-1]), the public point computed from it.
     */
    static KeyPair authorityKey(String clusterName, String secret, ECParameterSpec curve)
            throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        BigInteger order = curve.getOrder();
        BigInteger d;
        int counter = 0;
        do {
            mac.update(("granary cluster authority/" + clusterName + "/" + counter++).getBytes(StandardCharsets.UTF_8));
            d = new BigInteger(1, mac.doFinal());
        } while (d.signum() == 0 || d.compareTo(order) >= 0);
        ECCurve bcCurve = new SecP256R1Curve();
        org.bouncycastle.math.ec.ECPoint g = bcCurve.createPoint(
                curve.getGenerator().getAffineX(), curve.getGenerator().getAffineY());
        org.bouncycastle.math.ec.ECPoint q = g.multiply(d).normalize();
        KeyFactory factory = KeyFactory.getInstance("EC");
        PrivateKey privateKey = factory.generatePrivate(new ECPrivateKeySpec(d, curve));
        PublicKey publicKey = factory.generatePublic(new ECPublicKeySpec(
                new ECPoint(
                        q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()),
                curve));
        return new KeyPair(publicKey, privateKey);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws OperatorCreationException, GeneralSecurityException {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
    }
}
