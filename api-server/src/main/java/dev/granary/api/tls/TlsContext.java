package dev.granary.api.tls;

import io.undertow.Undertow;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Options;
import org.xnio.Sequence;

/**
 * The TLS side of the listeners: one {@link SSLContext} for their whole life, whose key manager hands out the
 * certificate currently loaded. {@link #reload()} (on SIGHUP) and a watch of the two files (a changed size,
 * modification time or file identity, as when a secret volume swaps its symlink) load new ones; connections
 * already open keep theirs, new handshakes get the new certificate, and nothing restarts. A pair that does not
 * load (half-written files, a key that is not the certificate's) is reported and the current one kept.
 */
public final class TlsContext implements AutoCloseable {
    /** TLS 1.2 and 1.3 only: older versions have known weaknesses and no client Granary serves needs them. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private static final Logger LOG = LoggerFactory.getLogger(TlsContext.class);

    private final Path certFile;
    private final Path keyFile;
    private final SSLContext context;
    private final ScheduledExecutorService watcher;
    private volatile Generation current;
    private volatile Generation previous; // answers for handshakes that chose an alias just before a reload
    private volatile List<Object> seen; // the files' identity when last read, loaded or not
    private int generations;

    /** One loaded pair: its key manager knows it under the alias {@code alias}. */
    private record Generation(String alias, TlsCredentials credentials, X509ExtendedKeyManager manager) {}

    private TlsContext(Path certFile, Path keyFile, Duration watchEvery) {
        this.certFile = Objects.requireNonNull(certFile, "certFile");
        this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
        this.seen = identity();
        this.current = generation(TlsCredentials.read(certFile, keyFile));
        try {
            this.context = SSLContext.getInstance("TLS");
            context.init(new KeyManager[] {new CurrentKeyManager()}, null, null);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK offers no TLS", e);
        }
        if (watchEvery.isZero()) {
            this.watcher = null;
        } else {
            this.watcher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "granary-tls-watch");
                t.setDaemon(true);
                return t;
            });
            long millis = watchEvery.toMillis();
            // Runs until close(); reload() logs a pair that fails to load and keeps the current one, so the future has
            // nothing to report.
            var unused = watcher.scheduleWithFixedDelay(this::reloadIfChanged, millis, millis, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Loads the certificate chain and key and starts watching the files.
     *
     * @param watchEvery how often the files are looked at; zero for never (reload by {@link #reload()} only)
     * @throws IllegalArgumentException naming the file, when they do not load
     */
    public static TlsContext load(Path certFile, Path keyFile, Duration watchEvery) {
        return new TlsContext(certFile, keyFile, watchEvery);
    }

    /**
     * Adds the listener of {@code address:port} to {@code builder}: HTTPS with TLS 1.2 and 1.3 only under
     * {@code tls}, or plain HTTP when it is null.
     */
    public static Undertow.Builder listener(Undertow.Builder builder, String address, int port, SSLContext tls) {
        if (tls == null) {
            return builder.addHttpListener(port, address);
        }
        return builder.addHttpsListener(port, address, tls)
                .setSocketOption(Options.SSL_ENABLED_PROTOCOLS, Sequence.of(PROTOCOLS));
    }

    /** The context the listeners are built with; it stays the same across reloads. */
    public SSLContext sslContext() {
        return context;
    }

    /** The server certificate handed out now. */
    public X509Certificate certificate() {
        return current.credentials().chain().get(0);
    }

    /**
     * Reads the files again and, when they load, hands out the new certificate from the next handshake on.
     *
     * @return whether the new pair was taken; when not, the reason is logged and the current pair stays
     */
    public synchronized boolean reload() {
        seen = identity();
        try {
            Generation next = generation(TlsCredentials.read(certFile, keyFile));
            previous = current;
            current = next;
            LOG.info(
                    "TLS certificate reloaded: {} (until {})",
                    certificate().getSubjectX500Principal().getName(),
                    certificate().getNotAfter().toInstant());
            return true;
        } catch (RuntimeException e) {
            LOG.warn("TLS certificate not reloaded, keeping the current one: {}", e.getMessage());
            return false;
        }
    }

    /** Reloads when either file changed since it was last read. */
    synchronized void reloadIfChanged() {
        if (!identity().equals(seen)) {
            reload();
        }
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.shutdownNow();
        }
    }

    private Generation generation(TlsCredentials credentials) {
        String alias = "granary-" + generations++;
        return new Generation(alias, credentials, credentials.keyManager(alias));
    }

    /** Size, modification time and file identity of both files (of their targets, through symlinks). */
    private List<Object> identity() {
        return List.of(attributes(certFile), attributes(keyFile));
    }

    private static List<Object> attributes(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return List.of(a.size(), a.lastModifiedTime(), String.valueOf(a.fileKey()));
        } catch (IOException e) {
            return List.of("unreadable"); // a file being replaced: looked at again on the next check
        }
    }

    /**
     * Delegates to the current generation's key manager. The JDK first chooses an alias, then asks for its chain
     * and key: those two are answered by the generation the alias came from, so a reload between them cannot
     * pair a new certificate with an old key.
     */
    private final class CurrentKeyManager extends X509ExtendedKeyManager {
        private X509ExtendedKeyManager owner(String alias) {
            for (Generation g : new Generation[] {current, previous}) {
                if (g != null && alias != null && (alias.equals(g.alias()) || alias.endsWith("." + g.alias()))) {
                    return g.manager();
                }
            }
            return null;
        }

        @Override
        public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
            return current.manager().chooseEngineServerAlias(keyType, issuers, engine);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return current.manager().chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return current.manager().getServerAliases(keyType, issuers);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            X509ExtendedKeyManager owner = owner(alias);
            return owner == null ? null : owner.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            X509ExtendedKeyManager owner = owner(alias);
            return owner == null ? null : owner.getPrivateKey(alias);
        }

        // A server presents no client certificate.
        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return null;
        }

        @Override
        public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
            return null;
        }
    }
}
