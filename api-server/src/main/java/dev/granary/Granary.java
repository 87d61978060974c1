package dev.granary;

import dev.granary.api.handler.Handlers;
import dev.granary.api.http.GranaryServer;
import dev.granary.api.route.S3Router;
import dev.granary.auth.Credentials;
import dev.granary.auth.PayloadDecoder;
import dev.granary.auth.SigV4Verifier;
import dev.granary.auth.StaticCredentialStore;
import dev.granary.metering.AccessLogSink;
import dev.granary.metering.UsageSink;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.rocksdb.EngineOptions;
import dev.granary.storage.rocksdb.RocksObjectStore;
import java.time.Clock;
import java.time.Duration;

/** One running Granary node: the store, the server on top of it, and their orderly shutdown. */
public final class Granary implements AutoCloseable {
    /** Canonical id of the root account (S3 shows a 64-hex-digit id in owner fields). */
    public static final String ROOT_ACCOUNT_ID = "0000000000000000000000000000000000000000000000000000000000000001";

    private final GranaryConfig config;
    private final ObjectStore store;
    private final UsageSink usage;
    private final GranaryServer server;
    private volatile boolean closed;

    private Granary(GranaryConfig config, ObjectStore store, UsageSink usage, GranaryServer server) {
        this.config = config;
        this.store = store;
        this.usage = usage;
        this.server = server;
    }

    /** Opens the data folder and starts serving. */
    public static Granary start(GranaryConfig config) {
        EngineOptions defaults = EngineOptions.defaults();
        ObjectStore store = RocksObjectStore.open(
                config.dataDir(),
                new EngineOptions(
                        config.partitions(), config.syncWrites(), defaults.inlineThreshold(), defaults.chunkSize()));
        try {
            StaticCredentialStore credentials = new StaticCredentialStore(java.util.List.of(new Credentials(
                    config.rootUser(), config.rootPassword(), ROOT_ACCOUNT_ID, config.rootUser(), true)));
            SigV4Verifier verifier =
                    new SigV4Verifier(credentials, config.region(), Clock.systemUTC(), Duration.ofMinutes(15));
            UsageSink usage = new AccessLogSink();
            GranaryServer server = new GranaryServer(
                    config.address(),
                    config.port(),
                    new S3Router(config.domain()),
                    verifier,
                    new PayloadDecoder(),
                    store,
                    Handlers.create(store, config.region()),
                    usage);
            server.start();
            return new Granary(config, store, usage, server);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public GranaryConfig config() {
        return config;
    }

    /** Graceful stop: finish requests in flight (up to 30 s), then close the store cleanly. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        server.shutdown(30_000);
        usage.close();
        store.close();
    }
}
