package dev.granary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.granary.storage.DiskReserve;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings read from flags over the environment, validated at start; secrets never printed. */
class GranaryConfigTest {
    private static final String KEY = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void masterKeyComesFromTheFlagOrTheEnvironmentElseTheKeyFile() {
        GranaryConfig none = GranaryConfig.parse(new String[] {"--data", "/d"}, Map.of());
        assertThat(none.configuredMasterKey()).isNull();
        assertThat(none.masterKeyFile()).isEqualTo(Path.of("/d", "master.key"));

        GranaryConfig env = GranaryConfig.parse(new String[0], Map.of("GRANARY_MASTER_KEY", KEY));
        assertThat(env.configuredMasterKey().toBase64()).isEqualTo(KEY);
        GranaryConfig flag = GranaryConfig.parse(new String[] {"--master-key", KEY}, Map.of());
        assertThat(flag.configuredMasterKey().toBase64()).isEqualTo(KEY);
    }

    @Test
    void aNodeOfAClusterNamesItselfItsMembersAndTakesTheSecretFromTheEnvironmentOnly() {
        assertThat(GranaryConfig.parse(new String[0], Map.of()).cluster()).isNull();
        GranaryConfig node = GranaryConfig.parse(
                new String[] {"--node-id", "b", "--members", "a=10.0.0.1:7100, b=10.0.0.2:7100,c=[::1]:7101"},
                Map.of("GRANARY_CLUSTER_SECRET", "sixteen characters!"));
        assertThat(node.cluster().self().host()).isEqualTo("10.0.0.2");
        assertThat(node.cluster().members()).hasSize(3);
        assertThat(node.cluster().members().get(2).host()).isEqualTo("::1");
        assertThat(node.cluster().name()).isEqualTo("granary");
        assertThat(node.cluster().toString()).doesNotContain("sixteen");

        assertThatThrownBy(() -> GranaryConfig.parse(new String[] {"--node-id", "a", "--members", "a=h:1"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("GRANARY_CLUSTER_SECRET");
        assertThatThrownBy(() -> GranaryConfig.parse(
                        new String[] {"--node-id", "z", "--members", "a=h:1"},
                        Map.of("GRANARY_CLUSTER_SECRET", "sixteen characters!")))
                .hasMessageContaining("not one of --members");
        assertThatThrownBy(() -> GranaryConfig.parse(
                        new String[] {"--members", "a=h:1"}, Map.of("GRANARY_CLUSTER_SECRET", "sixteen characters!")))
                .hasMessageContaining("go together");
        assertThatThrownBy(() -> GranaryConfig.parse(
                        new String[] {"--node-id", "a", "--members", "a=h"},
                        Map.of("GRANARY_CLUSTER_SECRET", "sixteen characters!")))
                .hasMessageContaining("id=host:port");
    }

    @Test
    void aNodeJoiningARunningClusterNamesTheMembersItJoinsThroughAndItsOwnRaftAddress() {
        Map<String, String> secret = Map.of("GRANARY_CLUSTER_SECRET", "sixteen characters!");
        GranaryConfig node = GranaryConfig.parse(
                new String[] {
                    "--node-id", "d", "--join", "a=10.0.0.1:7100,b=10.0.0.2:7100", "--raft-address", "10.0.0.4:7100"
                },
                secret);
        assertThat(node.cluster().joining()).isEqualTo(node.cluster().self());
        assertThat(node.cluster().self().host()).isEqualTo("10.0.0.4");
        assertThat(node.cluster().members()).extracting(m -> m.id()).containsExactly("a", "b");
        assertThatThrownBy(() -> GranaryConfig.parse(new String[] {"--node-id", "d", "--join", "a=h:1"}, secret))
                .hasMessageContaining("--raft-address");
        assertThatThrownBy(() -> GranaryConfig.parse(
                        new String[] {"--node-id", "a", "--join", "a=h:1", "--raft-address", "h:2"}, secret))
                .hasMessageContaining("must not be one of them");
        assertThatThrownBy(() -> GranaryConfig.parse(
                        new String[] {"--node-id", "d", "--join", "a=h:1", "--members", "a=h:1"}, secret))
                .hasMessageContaining("exclude each other");
    }

    @Test
    void theAutoscalerAndTheDeadNodeTimeoutAreFlagsOfEveryNode() {
        Map<String, String> secret = Map.of("GRANARY_CLUSTER_SECRET", "sixteen characters!");
        GranaryConfig node = GranaryConfig.parse(
                new String[] {
                    "--node-id",
                    "a",
                    "--members",
                    "a=h:1",
                    "--autoscale",
                    "1-3",
                    "--autoscale-policy",
                    "requestsHigh=50,requestsLow=10,sustainHot=30s",
                    "--dead-after",
                    "20"
                },
                secret);
        assertThat(node.cluster().autoscale().maxNodes()).isEqualTo(3);
        assertThat(node.cluster().autoscale().requestsHigh()).isEqualTo(50);
        assertThat(node.cluster().autoscale().sustainHot()).isEqualTo(Duration.ofSeconds(30));
        assertThat(node.cluster().deadAfter()).isEqualTo(Duration.ofSeconds(20));
        assertThat(GranaryConfig.parse(new String[] {"--node-id", "a", "--members", "a=h:1"}, secret)
                        .cluster()
                        .autoscale())
                .isNull();
        assertThatThrownBy(() -> GranaryConfig.parse(
                        new String[] {"--node-id", "a", "--members", "a=h:1", "--autoscale", "3"}, secret))
                .hasMessageContaining("MIN-MAX");
        assertThatThrownBy(() -> GranaryConfig.parse(
                        new String[] {
                            "--node-id", "a", "--members", "a=h:1", "--autoscale", "1-3", "--autoscale-policy", "hot=1"
                        },
                        secret))
                .hasMessageContaining("hot=1");
    }

    @Test
    void theMoveBandwidthAndTheZoneAreFlagsOrEnvironmentOfEveryNode() {
        Map<String, String> secret = Map.of("GRANARY_CLUSTER_SECRET", "sixteen characters!");
        GranaryConfig defaults = GranaryConfig.parse(new String[] {"--node-id", "a", "--members", "a=h:1"}, secret);
        assertThat(defaults.cluster().moveBandwidth()).isEqualTo(64L << 20);
        assertThat(defaults.cluster().zone()).isEmpty();
        GranaryConfig set = GranaryConfig.parse(
                new String[] {"--node-id", "a", "--members", "a=h:1", "--move-bandwidth", "0", "--zone", "rack-2"},
                secret);
        assertThat(set.cluster().moveBandwidth()).isZero();
        assertThat(set.cluster().zone()).isEqualTo("rack-2");
        Map<String, String> env = new java.util.HashMap<>(secret);
        env.put("GRANARY_MOVE_BANDWIDTH", "16");
        env.put("GRANARY_ZONE", "eu-1a");
        GranaryConfig fromEnv = GranaryConfig.parse(new String[] {"--node-id", "a", "--members", "a=h:1"}, env);
        assertThat(fromEnv.cluster().moveBandwidth()).isEqualTo(16L << 20);
        assertThat(fromEnv.cluster().zone()).isEqualTo("eu-1a");
        assertThatThrownBy(() -> GranaryConfig.parse(
                        new String[] {"--node-id", "a", "--members", "a=h:1", "--move-bandwidth", "-1"}, secret))
                .hasMessageContaining("--move-bandwidth");
    }

    @Test
    void lifecycleIntervalDefaultsToAnHourAndZeroTurnsItOff() {
        assertThat(GranaryConfig.parse(new String[0], Map.of()).lifecycleInterval())
                .isEqualTo(Duration.ofHours(1));
        assertThat(GranaryConfig.parse(new String[] {"--lifecycle-interval", "0"}, Map.of())
                        .lifecycleInterval())
                .isZero();
        assertThat(GranaryConfig.parse(new String[0], Map.of("GRANARY_LIFECYCLE_INTERVAL", "60"))
                        .lifecycleInterval())
                .isEqualTo(Duration.ofMinutes(1));
        assertThatThrownBy(() -> GranaryConfig.parse(new String[] {"--lifecycle-interval", "-1"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void badMasterKeyFailsAtStartWithoutRepeatingIt() {
        assertThatThrownBy(() -> GranaryConfig.parse(new String[] {"--master-key", "c2VjcmV0"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--master-key / GRANARY_MASTER_KEY: the master key must be 32 bytes, got 6")
                .message()
                .doesNotContain("c2VjcmV0");
    }

    @Test
    void secretsAreNotPrinted() {
        GranaryConfig config = GranaryConfig.parse(
                new String[0], Map.of("GRANARY_MASTER_KEY", KEY, "GRANARY_ROOT_PASSWORD", "root-password-1"));
        assertThat(config.toString())
                .doesNotContain(KEY)
                .doesNotContain("root-password-1")
                .contains("****");
    }

    @Test
    void diskReserveIsASizeOrAShareOfTheDiskFromTheFlagOrTheEnvironment() {
        assertThat(GranaryConfig.parse(new String[0], Map.of()).diskReserve()).isEqualTo(DiskReserve.DEFAULT);
        assertThat(GranaryConfig.parse(new String[] {"--disk-reserve", "512MiB"}, Map.of())
                        .diskReserve())
                .isEqualTo(new DiskReserve(512L << 20, 0));
        assertThat(GranaryConfig.parse(new String[] {"--disk-reserve=0"}, Map.of())
                        .diskReserve())
                .isEqualTo(DiskReserve.NONE);
        assertThat(GranaryConfig.parse(new String[0], Map.of("GRANARY_DISK_RESERVE", "5%"))
                        .diskReserve())
                .isEqualTo(new DiskReserve(0, 5));
        assertThat(GranaryConfig.parse(new String[] {"--disk-reserve", "2GB"}, Map.of("GRANARY_DISK_RESERVE", "5%"))
                        .diskReserve())
                .isEqualTo(new DiskReserve(2_000_000_000L, 0));
    }

    @Test
    void badDiskReserveFailsAtStartNamingTheFlag() {
        assertThatThrownBy(() -> GranaryConfig.parse(new String[] {"--disk-reserve", "lots"}, Map.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--disk-reserve / GRANARY_DISK_RESERVE must be a size (512MiB, 2GB, 1073741824) or a share"
                        + " of the disk (5%), got 'lots'");
        assertThatThrownBy(() -> GranaryConfig.parse(new String[0], Map.of("GRANARY_DISK_RESERVE", "150%")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--disk-reserve / GRANARY_DISK_RESERVE must be a share of the disk below 100%, got '150%'");
    }
}
