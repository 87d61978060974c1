package dev.granary.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The disk reserve as operators write it: sizes with units, shares of the disk, and what is refused. */
class DiskReserveTest {
    @Test
    void sizesCountBinaryUnitsIn1024sAndDecimalOnesIn1000s() {
        assertThat(DiskReserve.parse("1073741824")).isEqualTo(new DiskReserve(1L << 30, 0));
        assertThat(DiskReserve.parse("512MiB")).isEqualTo(new DiskReserve(512L << 20, 0));
        assertThat(DiskReserve.parse("512 mib")).isEqualTo(new DiskReserve(512L << 20, 0));
        assertThat(DiskReserve.parse("16M")).isEqualTo(new DiskReserve(16L << 20, 0));
        assertThat(DiskReserve.parse("1.5GiB")).isEqualTo(new DiskReserve(3L << 29, 0));
        assertThat(DiskReserve.parse("2GB")).isEqualTo(new DiskReserve(2_000_000_000L, 0));
        assertThat(DiskReserve.parse("1TB")).isEqualTo(new DiskReserve(1_000_000_000_000L, 0));
        assertThat(DiskReserve.parse("300KB")).isEqualTo(new DiskReserve(300_000, 0));
        assertThat(DiskReserve.parse("100B")).isEqualTo(new DiskReserve(100, 0));
        assertThat(DiskReserve.parse("0")).isEqualTo(DiskReserve.NONE);
    }

    @Test
    void aShareIsOfTheFilesystemsSize() {
        DiskReserve fivePercent = DiskReserve.parse("5%");
        assertThat(fivePercent).isEqualTo(new DiskReserve(0, 5));
        assertThat(fivePercent.of(1000L << 20)).isEqualTo(50L << 20);
        assertThat(DiskReserve.parse("0.5 %").of(1000)).isEqualTo(5);
    }

    @Test
    void theDefaultIsOneGibibyteOrOnePercentWhicheverIsLarger() {
        assertThat(DiskReserve.DEFAULT.of(10L << 30)).isEqualTo(1L << 30);
        assertThat(DiskReserve.DEFAULT.of(1L << 40)).isEqualTo((1L << 40) / 100);
        assertThat(DiskReserve.DEFAULT).hasToString("1 GiB or 1% of the disk, whichever is larger");
        assertThat(DiskReserve.parse("512MiB")).hasToString("512 MiB");
        assertThat(DiskReserve.parse("5%")).hasToString("5% of the disk");
        assertThat(DiskReserve.NONE).hasToString("none");
    }

    @Test
    void whatIsNotASizeOrAShareIsRejectedSayingWhatWouldBe() {
        for (String bad : new String[] {"", "lots", "-1GiB", "12 parsecs", "5%%", "1e9", "GiB"}) {
            assertThatThrownBy(() -> DiskReserve.parse(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("512MiB")
                    .hasMessageContaining("5%");
        }
        assertThatThrownBy(() -> DiskReserve.parse("99999999999999TiB")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DiskReserve.parse("100%"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be a share of the disk below 100%, got '100%'");
    }

    @Test
    void bytesAreDescribedAsPeopleReadThem() {
        assertThat(DiskReserve.describe(0)).isEqualTo("0 B");
        assertThat(DiskReserve.describe(1023)).isEqualTo("1023 B");
        assertThat(DiskReserve.describe(16L << 20)).isEqualTo("16 MiB");
        assertThat(DiskReserve.describe(3L << 29)).isEqualTo("1.5 GiB");
        assertThat(DiskReserve.describe(Long.MAX_VALUE)).isEqualTo("8 EiB");
    }
}
