package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.granary.it.Linearizability.Op;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Clients PUT, GET and DELETE five keys through random nodes of a three-node cluster ({@link RecordedHistory}) while
 * the cluster is hurt; the history they record must be linearizable key by key ({@link Linearizability}).
 */
class LinearizabilityIT {
    private static final int CLIENTS = 6;

    @TempDir
    Path dir;

    /** The node leading the most partitions is killed with SIGKILL, and later restarted. */
    @Test
    void historiesAcrossNodesAndAKilledLeaderAreLinearizable() throws Exception {
        LocalCluster cluster = LocalCluster.start(dir.resolve("cluster"), 3, "--partitions", "4");
        S3Client[] nodes = new S3Client[3];
        try {
            for (int i = 0; i < 3; i++) {
                nodes[i] = cluster.client(i, false);
            }
            nodes[0].createBucket(b -> b.bucket("lin"));
            RecordedHistory recording = RecordedHistory.start("lin", nodes, CLIENTS);
            Thread.sleep(5_000);
            int victim = cluster.busiestLeader(0);
            recording.avoid(victim);
            Thread.sleep(200);
            cluster.kill(victim);
            Thread.sleep(6_000);
            cluster.restart(victim);
            recording.use(victim);
            Thread.sleep(4_000);
            check(recording.stop(), "node-" + victim + " killed and restarted");
        } finally {
            close(nodes);
            cluster.close();
        }
    }

    /**
     * The history goes through a network partition and a kill: one node is cut off from the other two (clients still
     * reach it, and what they send it fails or waits), the links heal, then the node leading the most partitions is
     * killed with SIGKILL and restarted. Needs root (network namespaces), as {@link NetworkPartitionIT}.
     */
    @Test
    void historiesThroughAPartitionAndAKilledLeaderAreLinearizable() throws Exception {
        NetnsCluster.assumeAvailable();
        NetnsCluster cluster = NetnsCluster.start(dir.resolve("netns"), "--partitions", "4", "--metering", "off");
        S3Client[] nodes = new S3Client[3];
        try {
            for (int i = 0; i < 3; i++) {
                nodes[i] = cluster.client(i);
            }
            nodes[0].createBucket(b -> b.bucket("lin"));
            RecordedHistory recording = RecordedHistory.start("lin", nodes, CLIENTS);
            Thread.sleep(4_000);
            int cut = 2;
            cluster.isolate(cut);
            // Longer than a request waits for a majority (15 s): what was sent to the cut-off node fails, outcome
            // unknown to its client.
            Thread.sleep(17_000);
            cluster.heal(cut);
            Thread.sleep(5_000);
            int victim = cluster.busiestLeader(0);
            recording.avoid(victim);
            Thread.sleep(200);
            cluster.kill(victim);
            Thread.sleep(5_000);
            cluster.restart(victim);
            recording.use(victim);
            Thread.sleep(4_000);
            check(recording.stop(), "node-" + cut + " cut off 17 s and healed, then node-" + victim + " killed");
        } finally {
            close(nodes);
            cluster.close();
        }
    }

    private static void check(Map<String, List<Op>> history, String what) {
        int operations = RecordedHistory.operations(history);
        System.out.printf(
                "LinearizabilityIT: %d operations on %d keys, %d writes of unknown outcome; %s%n",
                operations, history.size(), RecordedHistory.unknown(history), what);
        assertThat(operations).isGreaterThan(300);
        assertThat(Linearizability.violations(history)).isEmpty();
    }

    private static void close(S3Client[] clients) {
        for (S3Client client : clients) {
            if (client != null) {
                client.close();
            }
        }
    }
}
