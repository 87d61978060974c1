package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.ClusterConfig;
import dev.granary.Granary;
import dev.granary.GranaryConfig;
import dev.granary.cluster.RaftNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CompletedMultipartUpload;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Three Granary servers in this JVM, each a node of one cluster (its own data folder, S3 port and Raft port, the
 * partitions replicated three ways), driven with the AWS SDK: whatever one node is told, every node serves at once
 * (read-after-write and list-after-write across nodes), users and bucket policies made through one node hold on the
 * others, and the cluster keeps serving every acknowledged object with a node stopped, which catches up when back.
 */
class ClusterIT {
    private static final String SECRET = "a cluster secret for ClusterIT";

    @TempDir
    Path dir;

    private final List<RaftNode.Member> members = new ArrayList<>();
    private final Granary[] nodes = new Granary[3];
    private final S3Client[] clients = new S3Client[3];

    /**
     * Stops the nodes at once, as a deployment does: one by one, the last node's final metering flush would wait for a
     * majority that is already gone.
     */
    @AfterEach
    void stopAll() throws Exception {
        atOnce(this::stop);
    }

    /** Starts the three nodes at once, as a deployment does (a node's start waits for a majority to answer it). */
    private void startCluster() throws Exception {
        for (int i = 0; i < 3; i++) {
            members.add(new RaftNode.Member("n" + i, "127.0.0.1", freePort()));
        }
        atOnce(this::start);
    }

    private void atOnce(IntConsumer action) throws Exception {
        ExecutorService threads = Executors.newFixedThreadPool(nodes.length);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int i = 0; i < nodes.length; i++) {
                int node = i;
                done.add(threads.submit(() -> action.accept(node)));
            }
            for (Future<?> future : done) {
                future.get(120, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdown();
        }
    }

    private void start(int i) {
        GranaryConfig config = new GranaryConfig(
                        "127.0.0.1",
                        0,
                        dir.resolve("n" + i),
                        4,
                        "us-east-1",
                        "",
                        GranaryServerExtension.ACCESS_KEY,
                        GranaryServerExtension.SECRET_KEY,
                        true)
                .withCluster(new ClusterConfig("n" + i, members, "it", SECRET));
        nodes[i] = Granary.start(config);
        clients[i] = UsersIT.client(
                URI.create("http://127.0.0.1:" + nodes[i].port()),
                GranaryServerExtension.ACCESS_KEY,
                GranaryServerExtension.SECRET_KEY);
    }

    private void stop(int i) {
        if (clients[i] != null) {
            clients[i].close();
            clients[i] = null;
        }
        if (nodes[i] != null) {
            nodes[i].close();
            nodes[i] = null;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private static byte[] get(S3Client client, String bucket, String key) {
        ResponseBytes<GetObjectResponse> bytes =
                client.getObjectAsBytes(b -> b.bucket(bucket).key(key));
        return bytes.asByteArray();
    }

    /**
     * A multipart upload begun through node 0, its two parts sent through nodes 1 and 2, completed through node 0: every
     * node then serves the whole object.
     */
    static void multipartAcrossNodes(S3Client[] clients, String bucket, String key) {
        String upload =
                clients[0].createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId();
        byte[] part1 = random(5 * 1024 * 1024, 2);
        byte[] part2 = random(1234, 3);
        String etag1 = clients[1]
                .uploadPart(b -> b.bucket(bucket).key(key).uploadId(upload).partNumber(1), RequestBody.fromBytes(part1))
                .eTag();
        String etag2 = clients[2]
                .uploadPart(b -> b.bucket(bucket).key(key).uploadId(upload).partNumber(2), RequestBody.fromBytes(part2))
                .eTag();
        clients[0].completeMultipartUpload(b -> b.bucket(bucket)
                .key(key)
                .uploadId(upload)
                .multipartUpload(CompletedMultipartUpload.builder()
                        .parts(
                                CompletedPart.builder()
                                        .partNumber(1)
                                        .eTag(etag1)
                                        .build(),
                                CompletedPart.builder()
                                        .partNumber(2)
                                        .eTag(etag2)
                                        .build())
                        .build()));
        byte[] whole = new byte[part1.length + part2.length];
        System.arraycopy(part1, 0, whole, 0, part1.length);
        System.arraycopy(part2, 0, whole, part1.length, part2.length);
        for (S3Client client : clients) {
            assertThat(get(client, bucket, key)).isEqualTo(whole);
        }
    }

    /**
     * Every node must hold the cluster's master key (user secrets and SSE-S3 objects are sealed under it by whichever
     * node wrote them): a node started with another one is refused, and starts again with the right one.
     */
    @Test
    void aNodeWithAnotherMasterKeyIsRefused() throws Exception {
        startCluster();
        clients[0].createBucket(b -> b.bucket("keyed"));
        stop(2);
        String memberList = members.stream()
                .map(m -> m.id() + "=" + m.host() + ":" + m.port())
                .collect(java.util.stream.Collectors.joining(","));
        GranaryConfig otherKey = GranaryServerExtension.config(
                dir.resolve("n2"),
                Map.of("GRANARY_CLUSTER_SECRET", SECRET),
                "--partitions",
                "4",
                "--node-id",
                "n2",
                "--members",
                memberList,
                "--cluster-name",
                "it",
                "--master-key",
                java.util.Base64.getEncoder().encodeToString(new byte[32]));
        assertThatThrownBy(() -> Granary.start(otherKey))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("master key is not the cluster's");

        start(2);
        clients[2].putObject(b -> b.bucket("keyed").key("k"), RequestBody.fromString("opens everywhere"));
        assertThat(get(clients[0], "keyed", "k")).isEqualTo("opens everywhere".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void everyNodeServesWhatAnyNodeWasToldAtOnce() throws Exception {
        startCluster();
        clients[0].createBucket(b -> b.bucket("shared"));
        // Read-after-write and list-after-write across nodes: no waiting between the calls.
        for (int i = 0; i < 30; i++) {
            String key = "k" + i;
            byte[] body = ("object " + i).getBytes(StandardCharsets.UTF_8);
            clients[i % 3].putObject(b -> b.bucket("shared").key(key), RequestBody.fromBytes(body));
            assertThat(get(clients[(i + 1) % 3], "shared", key)).isEqualTo(body);
        }
        for (S3Client client : clients) {
            assertThat(client.listObjectsV2Paginator(b -> b.bucket("shared")).contents().stream()
                            .map(S3Object::key)
                            .count())
                    .isEqualTo(30);
        }
        // Copy-after-write across nodes: the copy's source (in another partition than its target, mostly) is read
        // through a node other than the one that was told.
        for (int i = 0; i < 40; i++) {
            String source = "src" + i;
            String target = "copy" + i;
            clients[i % 3].putObject(b -> b.bucket("shared").key(source), RequestBody.fromString(source));
            clients[(i + 1) % 3].copyObject(b -> b.sourceBucket("shared")
                    .sourceKey(source)
                    .destinationBucket("shared")
                    .destinationKey(target));
            assertThat(get(clients[(i + 2) % 3], "shared", target)).isEqualTo(source.getBytes(StandardCharsets.UTF_8));
        }
        // A conditional write through another node than the write it depends on sees that write (its barrier covers
        // the object; an unconditional one needs only the bucket's), and a bucket created through one node takes a
        // write through another at once.
        assertThatThrownBy(() -> clients[1].putObject(
                        b -> b.bucket("shared").key("k0").ifNoneMatch("*"), RequestBody.fromString("again")))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(412));
        String k1 = clients[2].headObject(b -> b.bucket("shared").key("k1")).eTag();
        clients[0].putObject(b -> b.bucket("shared").key("k1"), RequestBody.fromString("replaced"));
        assertThatThrownBy(() -> clients[1].putObject(
                        b -> b.bucket("shared").key("k1").ifMatch(k1), RequestBody.fromString("stale")))
                .isInstanceOf(S3Exception.class)
                .satisfies(e -> assertThat(((S3Exception) e).statusCode()).isEqualTo(412));
        clients[1].createBucket(b -> b.bucket("fresh"));
        clients[2].putObject(b -> b.bucket("fresh").key("first"), RequestBody.fromString("at once"));
        assertThat(get(clients[0], "fresh", "first")).isEqualTo("at once".getBytes(StandardCharsets.UTF_8));

        clients[2].deleteObject(b -> b.bucket("shared").key("k7"));
        assertThatThrownBy(() -> clients[1].headObject(b -> b.bucket("shared").key("k7")))
                .isInstanceOf(NoSuchKeyException.class);

        // A body of several chunks, and a multipart upload begun, continued and completed on different nodes.
        byte[] large = random(3 * 1024 * 1024 + 5, 1);
        clients[1].putObject(b -> b.bucket("shared").key("large"), RequestBody.fromBytes(large));
        assertThat(get(clients[2], "shared", "large")).isEqualTo(large);
        multipartAcrossNodes(clients, "shared", "parts");

        // Versioning set through one node governs writes through another.
        clients[2].putBucketVersioning(
                b -> b.bucket("shared").versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
        String v1 = clients[0]
                .putObject(b -> b.bucket("shared").key("v"), RequestBody.fromString("one"))
                .versionId();
        String v2 = clients[1]
                .putObject(b -> b.bucket("shared").key("v"), RequestBody.fromString("two"))
                .versionId();
        assertThat(v1).isNotNull().isNotEqualTo(v2);
        assertThat(clients[2]
                        .listObjectVersions(b -> b.bucket("shared").prefix("v"))
                        .versions())
                .hasSize(2);

        // The same bucket name created again through another node by its owner: us-east-1 answers 200, and the
        // bucket keeps what it holds.
        clients[1].createBucket(b -> b.bucket("shared"));
        assertThat(clients[2].listObjectsV2(b -> b.bucket("shared").prefix("k")).keyCount())
                .isEqualTo(29);
    }

    @Test
    void usersAndPoliciesMadeThroughOneNodeHoldOnTheOthers() throws Exception {
        startCluster();
        clients[0].createBucket(b -> b.bucket("guarded"));
        clients[0].putObject(b -> b.bucket("guarded").key("k"), RequestBody.fromString("secret"));
        UsersIT.Created bob = UsersIT.createUser(URI.create("http://127.0.0.1:" + nodes[0].adminPort()), "bob");
        String policy = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\""
                + bob.canonicalId() + "\"]},\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::guarded/*\"}]}";
        clients[1].putBucketPolicy(b -> b.bucket("guarded").policy(policy));
        // Users and bucket documents propagate as the other nodes apply them (as in AWS, eventually): give it a
        // moment, bounded.
        try (S3Client bobOnNode2 =
                UsersIT.client(URI.create("http://127.0.0.1:" + nodes[2].port()), bob.accessKey(), bob.secretKey())) {
            byte[] read = null;
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (read == null) {
                try {
                    read = get(bobOnNode2, "guarded", "k");
                } catch (S3Exception e) {
                    assertThat(System.nanoTime())
                            .as("bob allowed on node 2: " + e)
                            .isLessThan(deadline);
                    Thread.sleep(100);
                }
            }
            assertThat(new String(read, StandardCharsets.UTF_8)).isEqualTo("secret");
            clients[2].deleteBucketPolicy(b -> b.bucket("guarded"));
            long until = System.nanoTime() + 10_000_000_000L;
            boolean denied = false;
            while (!denied) {
                try {
                    get(bobOnNode2, "guarded", "k");
                    assertThat(System.nanoTime())
                            .as("bob denied once the policy is gone")
                            .isLessThan(until);
                    Thread.sleep(100);
                } catch (S3Exception e) {
                    assertThat(e.statusCode()).isEqualTo(403);
                    denied = true;
                }
            }
        }
    }

    @Test
    void aStoppedNodeLosesNoAcknowledgedObjectAndCatchesUpWhenBack() throws Exception {
        startCluster();
        clients[0].createBucket(b -> b.bucket("durable"));
        for (int i = 0; i < 10; i++) {
            int n = i;
            clients[n % 3].putObject(b -> b.bucket("durable").key("before-" + n), RequestBody.fromString("b" + n));
        }
        stop(1);
        for (int i = 0; i < 10; i++) {
            int n = i;
            clients[n % 2 == 0 ? 0 : 2].putObject(
                    b -> b.bucket("durable").key("during-" + n), RequestBody.fromString("d" + n));
        }
        for (int i = 0; i < 10; i++) {
            assertThat(new String(get(clients[2], "durable", "before-" + i), StandardCharsets.UTF_8))
                    .isEqualTo("b" + i);
        }
        start(1);
        for (int i = 0; i < 10; i++) {
            assertThat(new String(get(clients[1], "durable", "during-" + i), StandardCharsets.UTF_8))
                    .isEqualTo("d" + i);
        }
        assertThat(clients[1].listObjectsV2(b -> b.bucket("durable")).keyCount())
                .isEqualTo(20);
    }
}
