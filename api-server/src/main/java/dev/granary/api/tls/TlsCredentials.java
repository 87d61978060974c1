package dev.granary.api.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * A certificate chain and its private key, read from PEM files as web servers take them: the certificate file
 * holds the server's certificate first, then any intermediates; the key file one unencrypted key in PKCS#8
 * ({@code BEGIN PRIVATE KEY}), PKCS#1 ({@code BEGIN RSA PRIVATE KEY}) or SEC1 ({@code BEGIN EC PRIVATE KEY}) form.
 * Bouncy Castle reads the key forms the JDK does not.
 *
 * @param chain the chain, the server's certificate first
 * @param key its private key
 */
record TlsCredentials(List<X509Certificate> chain, PrivateKey key) {

    private static final char[] NO_PASSWORD = new char[0];

    /**
     * Reads and checks the two files.
     *
     * @throws IllegalArgumentException naming the file, when either cannot be read or parsed, holds nothing usable,
     *     or the key is not the certificate's
     */
    static TlsCredentials read(Path certFile, Path keyFile) {
        List<X509Certificate> chain = readChain(certFile);
        PrivateKey key = readKey(keyFile);
        if (!matches(chain.get(0).getPublicKey(), key)) {
            throw new IllegalArgumentException(
                    "the TLS key in " + keyFile + " is not the key of the first certificate in " + certFile);
        }
        return new TlsCredentials(chain, key);
    }

    /** A key manager that offers this chain, under the key store alias {@code alias}, for every connection. */
    X509ExtendedKeyManager keyManager(String alias) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(alias, key, NO_PASSWORD, chain.toArray(new Certificate[0]));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, NO_PASSWORD);
            for (KeyManager manager : factory.getKeyManagers()) {
                if (manager instanceof X509ExtendedKeyManager x509) {
                    return x509;
                }
            }
            throw new IllegalStateException("the JDK offers no X.509 key manager");
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("the TLS certificate and key cannot be used: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> readChain(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> chain = CertificateFactory.getInstance("X.509").generateCertificates(in).stream()
                    .map(X509Certificate.class::cast)
                    .toList();
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("no certificate in " + file);
            }
            return chain;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot read the TLS certificates in " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readKey(Path file) {
        try (Reader reader = Files.newBufferedReader(file);
                PEMParser pem = new PEMParser(reader)) {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            for (Object item = pem.readObject(); item != null; item = pem.readObject()) {
                if (item instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (item instanceof PEMKeyPair pair) {
                    // SEC1 keys may leave out their public key, which the pair conversion needs.
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
            }
            throw new IllegalArgumentException("no unencrypted private key in " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the TLS key in " + file + ": " + e.getMessage(), e);
        }
    }

    /** Whether {@code key} signs what {@code publicKey} verifies: a signature round trip, for any key type. */
    private static boolean matches(PublicKey publicKey, PrivateKey key) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null || !key.getAlgorithm().equals(publicKey.getAlgorithm())) {
            return algorithm == null && key.getAlgorithm().equals(publicKey.getAlgorithm());
        }
        try {
            byte[] probe = "granary tls key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
