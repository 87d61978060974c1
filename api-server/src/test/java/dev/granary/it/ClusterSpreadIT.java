package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.protocols.jsoncore.JsonNode;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;
import software.amazon.awssdk.services.s3.model.CommonPrefix;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.ObjectVersion;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Three node processes with two replicas per partition ({@code granary cluster --nodes 3 --replicas 2}): partition 0,
 * the catalog, is on every node, and each node holds only some of the object partitions. Every node serves every
 * object, listing, upload and bucket change, reading the partitions it does not hold from the nodes that do, driven
 * by the AWS SDK through different nodes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterSpreadIT {
    private static final int NODES = 3;
    private static final int PARTITIONS = 5;

    @TempDir
    static Path dir;

    private static LocalCluster cluster;
    private static final S3Client[] clients = new S3Client[NODES];

    @BeforeAll
    static void startCluster() throws Exception {
        String keep = System.getProperty("granary.it.keep");
        Path data = keep == null ? dir.resolve("cluster") : Path.of(keep);
        cluster = LocalCluster.start(
                data, NODES, "--replicas", "2", "--partitions", Integer.toString(PARTITIONS), "--metering-flush", "1");
        for (int i = 0; i < NODES; i++) {
            clients[i] = cluster.client(i);
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        LocalCluster.closeAll(cluster, clients);
    }

    private static byte[] get(S3Client client, String bucket, String key) {
        return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    }

    @Test
    @Order(1)
    void theCatalogIsOnEveryNodeAndObjectPartitionsOnTwo() throws Exception {
        JsonNode status = cluster.awaitLeaders(0);
        List<JsonNode> partitions = status.field("partitions").get().asArray();
        assertThat(partitions).hasSize(PARTITIONS);
        Map<String, Set<Integer>> held = new TreeMap<>();
        for (JsonNode partition : partitions) {
            int id = Integer.parseInt(partition.field("id").get().asNumber());
            List<String> replicas = partition.field("replicas").get().asArray().stream()
                    .map(JsonNode::text)
                    .toList();
            assertThat(replicas).hasSize(id == 0 ? NODES : 2);
            assertThat(replicas).contains(partition.field("leader").get().text());
            replicas.forEach(
                    node -> held.computeIfAbsent(node, n -> new TreeSet<>()).add(id));
        }
        // Every node misses some object partition: what follows reads and writes it through the others.
        assertThat(held).hasSize(NODES);
        held.values().forEach(ids -> assertThat(ids).contains(0).hasSizeLessThan(PARTITIONS));
    }

    @Test
    @Order(2)
    void everyNodeServesObjectsOfPartitionsItDoesNotHold() {
        clients[0].createBucket(b -> b.bucket("spread"));
        // Inline, chunks in the log, and data files beside it (from 1 MiB).
        int[] sizes = {0, 100, 200 * 1024, 2 * 1024 * 1024 + 17};
        Map<String, byte[]> written = new TreeMap<>();
        for (int i = 0; i < 24; i++) {
            String key = "dir" + (i % 3) + "/k" + i;
            byte[] body = LocalCluster.random(sizes[i % sizes.length], i);
            clients[i % NODES].putObject(
                    b -> b.bucket("spread").key(key).metadata(Map.of("n", key)), RequestBody.fromBytes(body));
            written.put(key, body);
        }
        for (Map.Entry<String, byte[]> entry : written.entrySet()) {
            for (S3Client client : clients) {
                assertThat(get(client, "spread", entry.getKey())).isEqualTo(entry.getValue());
                assertThat(client.headObject(b -> b.bucket("spread").key(entry.getKey()))
                                .metadata())
                        .containsEntry("n", entry.getKey());
            }
        }
        // A range of a body in data files, through each node.
        String large = "dir0/k3";
        for (S3Client client : clients) {
            byte[] range = client.getObjectAsBytes(
                            b -> b.bucket("spread").key(large).range("bytes=1048570-1048590"))
                    .asByteArray();
            byte[] expected = new byte[21];
            System.arraycopy(written.get(large), 1_048_570, expected, 0, 21);
            assertThat(range).isEqualTo(expected);
        }

        // Listings merge every partition, wherever it is: pages of 5, and common prefixes.
        for (S3Client client : clients) {
            List<String> keys = new ArrayList<>();
            String token = null;
            do {
                String from = token;
                ListObjectsV2Response page =
                        client.listObjectsV2(b -> b.bucket("spread").maxKeys(5).continuationToken(from));
                page.contents().stream().map(S3Object::key).forEach(keys::add);
                token = page.nextContinuationToken();
            } while (token != null);
            assertThat(keys).containsExactlyElementsOf(written.keySet());
            assertThat(client.listObjectsV2(b -> b.bucket("spread").delimiter("/")).commonPrefixes().stream()
                            .map(CommonPrefix::prefix)
                            .toList())
                    .containsExactly("dir0/", "dir1/", "dir2/");
        }

        // Copies between partitions, each through a node.
        for (int i = 0; i < NODES; i++) {
            String source = "dir" + i + "/k" + (i + 3);
            String target = "copies/c" + i;
            clients[i].copyObject(b -> b.sourceBucket("spread")
                    .sourceKey(source)
                    .destinationBucket("spread")
                    .destinationKey(target));
            assertThat(get(clients[(i + 1) % NODES], "spread", target)).isEqualTo(written.get(source));
        }

        // Multipart: begun on one node, parts through the other two, completed on the first; listed from all.
        ClusterIT.multipartAcrossNodes(clients, "spread", "parts");
        clients[1].createMultipartUpload(b -> b.bucket("spread").key("pending/upload"));
        for (S3Client client : clients) {
            assertThat(client.listMultipartUploads(b -> b.bucket("spread")).uploads())
                    .extracting(u -> u.key())
                    .containsExactly("pending/upload");
        }

        // Many keys deleted at once: they are in every partition.
        List<ObjectIdentifier> doomed = written.keySet().stream()
                .filter(key -> key.startsWith("dir1/"))
                .map(key -> ObjectIdentifier.builder().key(key).build())
                .toList();
        assertThat(clients[2]
                        .deleteObjects(b -> b.bucket("spread").delete(d -> d.objects(doomed)))
                        .deleted())
                .hasSize(doomed.size());
        for (S3Client client : clients) {
            assertThat(client.listObjectsV2(b -> b.bucket("spread").prefix("dir1/"))
                            .keyCount())
                    .isZero();
            assertThatThrownBy(() -> client.headObject(b -> b.bucket("spread").key("dir1/k1")))
                    .isInstanceOf(NoSuchKeyException.class);
        }
    }

    @Test
    @Order(3)
    void versionsAndBucketDeletionSpanEveryPartition() {
        clients[0].createBucket(b -> b.bucket("versions"));
        for (int i = 0; i < 9; i++) {
            String key = "k" + i;
            clients[i % NODES].putObject(b -> b.bucket("versions").key(key), RequestBody.fromString("before " + i));
        }
        // Objects from before versioning become null versions in every partition, wherever it is.
        clients[1].putBucketVersioning(
                b -> b.bucket("versions").versioningConfiguration(c -> c.status(BucketVersioningStatus.ENABLED)));
        for (int i = 0; i < 9; i++) {
            String key = "k" + i;
            clients[(i + 1) % NODES].putObject(
                    b -> b.bucket("versions").key(key), RequestBody.fromString("after " + i));
        }
        clients[2].deleteObject(b -> b.bucket("versions").key("k4"));
        for (S3Client client : clients) {
            List<ObjectVersion> versions =
                    client.listObjectVersions(b -> b.bucket("versions")).versions();
            assertThat(versions).hasSize(18);
            assertThat(versions.stream().filter(v -> v.versionId().equals("null")))
                    .hasSize(9);
            assertThat(client.listObjectVersions(b -> b.bucket("versions")).deleteMarkers())
                    .singleElement()
                    .satisfies(marker -> assertThat(marker.key()).isEqualTo("k4"));
            assertThat(new String(
                            client.getObjectAsBytes(
                                            b -> b.bucket("versions").key("k5").versionId("null"))
                                    .asByteArray(),
                            java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo("before 5");
        }

        // A bucket with objects in any partition is not empty, whichever node is asked.
        for (S3Client client : clients) {
            assertThatThrownBy(() -> client.deleteBucket(b -> b.bucket("versions")))
                    .isInstanceOfSatisfying(
                            S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(409));
        }
        for (S3Client client : List.of(clients[0])) {
            for (ObjectVersion version :
                    client.listObjectVersions(b -> b.bucket("versions")).versions()) {
                client.deleteObject(b -> b.bucket("versions").key(version.key()).versionId(version.versionId()));
            }
            client.listObjectVersions(b -> b.bucket("versions"))
                    .deleteMarkers()
                    .forEach(marker -> client.deleteObject(
                            b -> b.bucket("versions").key(marker.key()).versionId(marker.versionId())));
        }
        clients[2].deleteBucket(b -> b.bucket("versions"));
        for (S3Client client : clients) {
            assertThatThrownBy(() -> client.listObjectsV2(b -> b.bucket("versions")))
                    .isInstanceOf(NoSuchBucketException.class);
        }
    }

    /**
     * Usage adds up exactly whichever node is asked: stored bytes and objects summed over every partition, wherever it
     * is, and requests counted by the node that served them, in one report.
     */
    @Test
    @Order(4)
    void everyNodeReportsTheSameExactUsage() throws Exception {
        clients[0].createBucket(b -> b.bucket("metered"));
        long bytes = 0;
        for (int i = 0; i < 9; i++) {
            String key = "m" + i;
            byte[] body = LocalCluster.random(1000 * (i + 1) + (i == 4 ? 1_500_000 : 0), 500 + i);
            clients[i % NODES].putObject(b -> b.bucket("metered").key(key), RequestBody.fromBytes(body));
            bytes += body.length;
        }
        String expected = "{\"bucket\":\"metered\",\"account\":\"" + dev.granary.Granary.ROOT_ACCOUNT_ID
                + "\",\"bytes\":" + bytes + ",\"objects\":9,";
        for (int i = 0; i < NODES; i++) {
            assertThat(MeteringSupport.admin(cluster.admin(i), "/admin/v1/usage/storage")
                            .body())
                    .as("storage through node-%d", i)
                    .contains(expected);
        }
        // Each node flushes what it served every second (--metering-flush 1).
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        for (int i = 0; i < NODES; i++) {
            while (true) {
                MeteringSupport.Counts puts = MeteringSupport.usageByOperation(cluster.admin(i), "metered")
                        .get("PutObject");
                if (puts != null && puts.requests() == 9) {
                    // Bytes in are what came over the wire: the bodies and the SDK's chunk signatures.
                    assertThat(puts.bytesIn()).isBetween(bytes, bytes + 9 * 1024);
                    break;
                }
                assertThat(System.nanoTime())
                        .as("node-%d reports the 9 PUTs (now %s)", i, puts)
                        .isLessThan(deadline);
                Thread.sleep(200);
            }
        }
    }
}
