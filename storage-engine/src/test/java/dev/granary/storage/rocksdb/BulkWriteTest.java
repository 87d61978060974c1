package dev.granary.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.ObjectAttributes;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Bodies of {@link BodyWriter#BULK_THRESHOLD} bytes and more skip the WAL and are flushed before their commit. */
class BulkWriteTest extends StoreTestSupport {
    private static final int BULK = (int) BodyWriter.BULK_THRESHOLD + 12_345;

    @Test
    void largeBodyRoundTripsAndSurvivesReopen() throws IOException {
        byte[] data = random(BULK, 42);

        put("bulk", data);
        assertThat(get("bulk")).isEqualTo(data);
        assertThat(store.countKeys(Cf.PENDING)).isZero();

        // The chunks never went through the WAL: only the flush before the commit makes them survive this.
        reopen();
        assertThat(get("bulk")).isEqualTo(data);
        assertThat(get("bulk", BULK - 100, 100)).isEqualTo(java.util.Arrays.copyOfRange(data, BULK - 100, BULK));
    }

    @Test
    void largeBodyThatFailsMidwayCommitsNothingAndLeavesNoGarbage() throws Exception {
        byte[] data = random(BULK, 7);

        assertThatThrownBy(() -> store.putObject(key("broken"), ObjectAttributes.empty(), failingAfter(data), data.length, null))
                .isInstanceOf(IOException.class);

        assertThat(store.listObjects(BUCKET, new dev.granary.storage.ListQuery("", null, "", 10)).objects()).isEmpty();
        awaitReclaimed();
        assertThat(store.countKeys(Cf.DATA)).isZero();
        assertThat(store.countKeys(Cf.PENDING)).isZero();
    }
}
