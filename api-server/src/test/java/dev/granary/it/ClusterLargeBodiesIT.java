package dev.granary.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Bodies from 1 MiB in cluster mode go to data files whose bytes travel beside the Raft log. A node process with a
 * 384 MiB heap takes far more than its heap in such bodies and stays up (the log's cache once kept each chunk alive
 * through its entry's header, and the node ran out of heap after a few hundred megabytes); every body reads back
 * byte for byte, and lives in a data file, not in the partitions' databases.
 */
class ClusterLargeBodiesIT {
    private static final int OBJECTS = 6;
    private static final long SIZE = 100L << 20;

    @TempDir
    Path data;

    /** {@code size} pseudo-random bytes from {@code seed}, generated as they are read. */
    private static InputStream body(long seed, long size) {
        return new InputStream() {
            private final Random random = new Random(seed);
            private final byte[] block = new byte[8192];
            private int at = block.length;
            private long left = size;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                if (left == 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                for (int i = 0; i < n; i++) {
                    if (at == block.length) {
                        random.nextBytes(block);
                        at = 0;
                    }
                    b[off + i] = block[at++];
                }
                left -= n;
                return n;
            }
        };
    }

    private static String md5(InputStream in) throws Exception {
        MessageDigest md5 = MessageDigest.getInstance("MD5");
        try (DigestInputStream digesting = new DigestInputStream(in, md5)) {
            digesting.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md5.digest());
    }

    @Test
    void aNodeTakesBodiesFarBeyondItsHeapIntoDataFiles() throws Exception {
        LocalCluster cluster = LocalCluster.start(data, 1, "--replicas", "1", "--partitions", "2");
        try {
            S3Client client = cluster.client(0);
            client.createBucket(b -> b.bucket("large"));
            for (int i = 0; i < OBJECTS; i++) {
                int n = i;
                client.putObject(
                        b -> b.bucket("large").key("o" + n).contentLength(SIZE),
                        RequestBody.fromInputStream(body(n, SIZE), SIZE));
            }
            for (int i : new int[] {0, OBJECTS - 1}) {
                int n = i;
                try (InputStream got = client.getObject(b -> b.bucket("large").key("o" + n))) {
                    assertThat(md5(got)).as("object %d", n).isEqualTo(md5(body(n, SIZE)));
                }
            }
            long inFiles;
            try (Stream<Path> all = Files.walk(data.resolve("node-0").resolve("partitions"))) {
                inFiles = all.filter(Files::isRegularFile)
                        .filter(f -> f.getParent()
                                .getParent()
                                .getFileName()
                                .toString()
                                .equals("objects"))
                        .mapToLong(f -> f.toFile().length())
                        .sum();
            }
            assertThat(inFiles).as("bytes in data files").isGreaterThanOrEqualTo(OBJECTS * SIZE);
        } finally {
            cluster.close();
        }
    }
}
