package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A cluster stopped as a whole (SIGTERM to {@code granary cluster}, every node at once) keeps what it metered: each
 * node's final metering flush is a write through a majority, which the nodes done first must not take away from the
 * last. Started again, the usage API counts every request made before the stop.
 */
class ClusterStopIT {
    @TempDir
    Path data;

    @Test
    void aClusterStoppedAtOnceKeepsEveryRequestItMetered() throws Exception {
        LocalCluster cluster = LocalCluster.start(data, 3, "--partitions", "4");
        try {
            cluster.client(0).createBucket(b -> b.bucket("metered"));
            for (int node = 0; node < 3; node++) {
                S3Client client = cluster.client(node);
                for (int i = 0; i < 20; i++) {
                    String key = "n" + node + "-" + i;
                    client.putObject(b -> b.bucket("metered").key(key), RequestBody.fromString(key));
                }
            }
        } finally {
            cluster.close();
        }
        LocalCluster again = LocalCluster.restart(cluster);
        try {
            String usage = MeteringSupport.admin(again.admin(1), "/admin/v1/usage?bucket=metered")
                    .body();
            assertThat(usage)
                    .contains("\"operation\":\"PutObject\",\"requestClass\":\"WRITE\",\"requests\":60,")
                    .contains("\"operation\":\"CreateBucket\",\"requestClass\":\"WRITE\",\"requests\":1,");
            assertThat(again.client(2).listObjectsV2(b -> b.bucket("metered")).keyCount())
                    .isEqualTo(60);
        } finally {
            again.close();
        }
    }
}
