package dev.granary.api.admin;

import dev.granary.api.http.Draining;
import dev.granary.api.tls.TlsContext;
import dev.granary.auth.SessionStore;
import dev.granary.auth.SigV4Verifier;
import dev.granary.auth.UserDirectory;
import dev.granary.cluster.ClusterStatus;
import dev.granary.metering.Metering;
import dev.granary.storage.DiskStatus;
import dev.granary.storage.ObjectStore;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.BlockingHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/** The admin listener: its own small Undertow server next to the S3 one. */
public final class AdminServer implements AutoCloseable {
    private final Undertow undertow;
    private final Draining graceful;

    /**
     * Builds (but does not start) the admin server.
     *
     * @param tls the TLS context of HTTPS, or null for plain HTTP
     * @param rootAccountId the account whose credentials may call the admin API
     * @param users the users the users API manages
     * @param sessions where session credentials are issued and revoked ({@code /admin/v1/sessions})
     * @param console what the web console's pages need to know (at {@code /}): the S3 port and region
     * @param store the store, for the buckets a user owns
     * @param disk the store's disk, for {@code /health}
     * @param cluster the cluster as this node finds it, for {@code /admin/v1/cluster}; null when standalone
     * @param replicas this node's replicas' digests, for {@code /admin/v1/cluster/replicas}; null when standalone
     * @param drain starts the drain of a cluster's node, for {@code POST /admin/v1/cluster/nodes/{id}/drain}; null
     *     when standalone
     * @param ready whether the server serves current data yet, for {@code /health/ready}
     */
    public AdminServer(
            String address,
            int port,
            SSLContext tls,
            SigV4Verifier verifier,
            String rootAccountId,
            Metering metering,
            Clock clock,
            UserDirectory users,
            SessionStore sessions,
            Console console,
            ObjectStore store,
            Supplier<DiskStatus> disk,
            Supplier<ClusterStatus> cluster,
            Supplier<java.util.Map<Integer, dev.granary.cluster.RaftNode.ReplicaDigest>> replicas,
            java.util.function.Consumer<String> drain,
            java.util.function.BooleanSupplier ready) {
        this.graceful = new Draining(new BlockingHandler(new AdminHandler(
                verifier,
                rootAccountId,
                metering,
                clock,
                new UsersApi(users, store),
                new SessionsApi(sessions, rootAccountId),
                console,
                disk,
                cluster,
                replicas,
                drain,
                ready)));
        this.undertow = TlsContext.listener(Undertow.builder(), address, port, tls)
                .setIoThreads(1)
                .setWorkerThreads(4)
                .setServerOption(UndertowOptions.DECODE_URL, false) // SigV4 needs the raw path and query
                .setServerOption(UndertowOptions.ALWAYS_SET_DATE, true)
                .setHandler(graceful)
                .build();
    }

    /**
     * The web console's settings, served to its pages as {@code /console/config.json}.
     *
     * @param s3Port the port of the S3 API the pages call (known once the server has bound it)
     * @param region the region requests are signed for
     */
    public record Console(java.util.function.IntSupplier s3Port, String region) {}

    public void start() {
        undertow.start();
    }

    /** The bound port (useful when 0 was asked for). */
    public int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    @Override
    public void close() {
        graceful.shutdown();
        try {
            graceful.awaitDrained(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        undertow.stop();
    }
}
