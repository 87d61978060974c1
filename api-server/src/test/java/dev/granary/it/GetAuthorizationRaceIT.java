package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.Granary;
import dev.granary.api.handler.Handlers;
import dev.granary.api.handler.Owners;
import dev.granary.api.http.AccessControl;
import dev.granary.api.http.GranaryServer;
import dev.granary.api.route.S3Router;
import dev.granary.api.sse.SseKeys;
import dev.granary.auth.CredentialStore;
import dev.granary.auth.Credentials;
import dev.granary.auth.PayloadDecoder;
import dev.granary.auth.PostPolicyVerifier;
import dev.granary.auth.RequestVerifier;
import dev.granary.auth.StaticCredentialStore;
import dev.granary.metering.UsageSink;
import dev.granary.storage.ObjectAttributes;
import dev.granary.storage.ObjectKey;
import dev.granary.storage.ObjectStore;
import dev.granary.storage.rocksdb.EngineOptions;
import dev.granary.storage.rocksdb.RocksObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ObjectCannedACL;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A GetObject by an account other than the object's owner is decided on the version it serves. An overwrite with
 * a stricter ACL that lands between the decision and the open must not be served under the decision made for the
 * version it replaced; one that lands after the open leaves the opened version to be served. Both on the I/O
 * thread (an object kept inside its record) and on a worker (a larger one).
 *
 * <p>The race point is a hook in the store the server is given (a proxy around the real engine that runs a test
 * action when an object is opened), so the interleaving is forced, not waited for. This class therefore builds
 * its server from the same parts {@link Granary#start} does, with that store in place of the engine.
 */
class GetAuthorizationRaceIT {
    private static final String REGION = "us-east-1";
    private static final String BOB_ID = "b0b".repeat(21) + "b";
    private static final String BUCKET = "race";
    /** Above the engine's inline threshold: served from a worker, not from the record on the I/O thread. */
    private static final int LARGE = EngineOptions.defaults().inlineThreshold() * 16;

    @TempDir
    static Path dataDir;

    private static RocksObjectStore engine;
    private static GranaryServer server;
    private static S3Client root;
    private static S3Client bob;

    /** Runs once, at the next open of {@link Hook#target} (before or after the engine's own open). */
    private static final AtomicReference<Hook> hook = new AtomicReference<>();

    private static final AtomicInteger hooksRun = new AtomicInteger();

    private record Hook(ObjectKey target, boolean afterOpen, Runnable action) {}

    @BeforeAll
    static void start() {
        engine = RocksObjectStore.open(dataDir, EngineOptions.defaults());
        ObjectStore store = hooked(engine);
        Credentials rootCredentials = new Credentials("rootkey", "rootsecret", Granary.ROOT_ACCOUNT_ID, "root", true);
        Credentials bobCredentials = new Credentials("bobkey", "bobsecret", BOB_ID, "bob", true);
        CredentialStore credentials = StaticCredentialStore.of(rootCredentials, bobCredentials);
        Function<String, String> names =
                id -> id.equals(Granary.ROOT_ACCOUNT_ID) ? "root" : id.equals(BOB_ID) ? "bob" : null;
        AccessControl access = new AccessControl(store, Clock.systemUTC(), names);
        server = new GranaryServer(
                "127.0.0.1",
                0,
                null,
                java.time.Duration.ofSeconds(30),
                new S3Router("localhost"),
                new RequestVerifier(credentials, REGION, Clock.systemUTC()),
                new PayloadDecoder(),
                store,
                access,
                Handlers.create(
                        store,
                        REGION,
                        new PostPolicyVerifier(credentials, REGION, Clock.systemUTC()),
                        new Owners(names),
                        new SseKeys(new byte[32], new SecureRandom()),
                        access,
                        null),
                UsageSink.NONE,
                () -> -1);
        server.start();
        URI uri = URI.create("http://127.0.0.1:" + server.port());
        root = client(uri, rootCredentials);
        bob = client(uri, bobCredentials);
        root.createBucket(b -> b.bucket(BUCKET));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    private static S3Client client(URI uri, Credentials credentials) {
        return S3Client.builder()
                .endpointOverride(uri)
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(credentials.accessKey(), credentials.secretKey())))
                .httpClient(UrlConnectionHttpClient.create())
                .build();
    }

    /**
     * The engine, with {@link #hook} run at the first open of its target: before the engine's getObject or
     * getObjectIfInMemory when it is not {@code afterOpen}, else after one that returned the object's content.
     */
    private static ObjectStore hooked(ObjectStore delegate) {
        return (ObjectStore) Proxy.newProxyInstance(
                ObjectStore.class.getClassLoader(), new Class<?>[] {ObjectStore.class}, (proxy, method, args) -> {
                    boolean open = method.getName().equals("getObject")
                            || method.getName().equals("getObjectIfInMemory");
                    Hook h = open ? hook.get() : null;
                    if (h != null && !h.target().equals(args[0])) {
                        h = null;
                    }
                    if (h != null && !h.afterOpen() && hook.compareAndSet(h, null)) {
                        run(h);
                    }
                    Object result;
                    try {
                        result = method.invoke(delegate, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    boolean opened = result instanceof Optional<?> o ? o.isPresent() : result != null;
                    if (h != null && h.afterOpen() && opened && hook.compareAndSet(h, null)) {
                        run(h);
                    }
                    return result;
                });
    }

    private static void run(Hook h) {
        h.action().run();
        hooksRun.incrementAndGet();
    }

    /** Root's object, readable by everyone (public-read). */
    private static void putPublic(String key, String body) {
        root.putObject(b -> b.bucket(BUCKET).key(key).acl(ObjectCannedACL.PUBLIC_READ), RequestBody.fromString(body));
    }

    /**
     * Overwrites a key with root's private object, straight into the engine: the hook may run on an I/O thread,
     * which must not wait for a request of its own server.
     */
    private static Runnable overwriteWithPrivate(String key, String body) {
        return () -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            TreeMap<String, String> system = new TreeMap<>();
            system.put(AccessControl.SYSTEM_OWNER, Granary.ROOT_ACCOUNT_ID);
            try {
                engine.putObject(
                        new ObjectKey(BUCKET, key),
                        ObjectAttributes.empty().withSystem(system),
                        new ByteArrayInputStream(bytes),
                        bytes.length,
                        null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }

    private static String bobGets(String key) {
        return bob.getObjectAsBytes(b -> b.bucket(BUCKET).key(key)).asUtf8String();
    }

    private static void assertAccessDenied(Runnable call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(S3Exception.class, e -> {
            assertThat(e.statusCode()).isEqualTo(403);
            assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
        });
    }

    private void overwriteAtOpen(String key, boolean afterOpen, String body) {
        hooksRun.set(0);
        hook.set(new Hook(new ObjectKey(BUCKET, key), afterOpen, overwriteWithPrivate(key, body)));
    }

    @Test
    void anOverwriteBeforeTheOpenOfAnObjectServedOnTheIoThreadIsDecidedOnTheNewVersion() {
        putPublic("small-before", "old public bytes");
        assertThat(bobGets("small-before")).isEqualTo("old public bytes");

        overwriteAtOpen("small-before", false, "new private bytes");
        assertAccessDenied(() -> bobGets("small-before"));
        assertThat(hooksRun).hasValue(1);
        assertThat(root.getObjectAsBytes(b -> b.bucket(BUCKET).key("small-before"))
                        .asUtf8String())
                .isEqualTo("new private bytes");
    }

    @Test
    void anOverwriteBeforeTheOpenOfAnObjectServedOnAWorkerIsDecidedOnTheNewVersion() {
        String old = "o".repeat(LARGE);
        putPublic("large-before", old);
        assertThat(bobGets("large-before")).isEqualTo(old);

        overwriteAtOpen("large-before", false, "n".repeat(LARGE));
        assertAccessDenied(() -> bobGets("large-before"));
        assertThat(hooksRun).hasValue(1);
    }

    @Test
    void anOverwriteAfterTheOpenServesTheOpenedVersion() {
        putPublic("small-after", "old public bytes");
        overwriteAtOpen("small-after", true, "new private bytes");
        assertThat(bobGets("small-after")).isEqualTo("old public bytes");
        assertThat(hooksRun).hasValue(1);

        String old = "o".repeat(LARGE);
        putPublic("large-after", old);
        overwriteAtOpen("large-after", true, "n".repeat(LARGE));
        assertThat(bobGets("large-after")).isEqualTo(old);
        assertThat(hooksRun).hasValue(1);
        assertAccessDenied(() -> bobGets("large-after"));
    }
}
