package dev.granary.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The StatefulSet provisioner against fabric8's Kubernetes API server in CRUD mode: it raises the replica count to
 * what the autoscaler wants, lowers it one pod at a time and only once the highest ordinal's node is drained, and
 * leaves a StatefulSet that is where it should be alone.
 */
@EnableKubernetesMockClient(crud = true)
class StatefulSetProvisionerTest {
    KubernetesClient client;

    private StatefulSetProvisioner provisioner;

    @BeforeEach
    void createTheStatefulSet() {
        client.apps()
                .statefulSets()
                .inNamespace("store")
                .resource(new StatefulSetBuilder()
                        .withNewMetadata()
                        .withName("granary")
                        .endMetadata()
                        .withNewSpec()
                        .withReplicas(1)
                        .withServiceName("granary-nodes")
                        .endSpec()
                        .build())
                .create();
        provisioner = new StatefulSetProvisioner(client, "store", "granary");
    }

    private int replicas() {
        StatefulSet set = client.apps()
                .statefulSets()
                .inNamespace("store")
                .withName("granary")
                .get();
        return set.getSpec().getReplicas();
    }

    @Test
    void aScaleOutRaisesTheReplicasToTheTarget() {
        provisioner.provision(3, Set.of("granary-0"), Set.of());
        assertThat(replicas()).isEqualTo(3);
        provisioner.provision(3, Set.of("granary-0", "granary-1", "granary-2"), Set.of());
        assertThat(replicas()).isEqualTo(3);
    }

    @Test
    void aScaleInWaitsForTheHighestOrdinalToBeDrainedAndRemovesOnePodAtATime() {
        provisioner.provision(4, Set.of("granary-0"), Set.of());
        Set<String> running = Set.of("granary-0", "granary-1", "granary-2", "granary-3");
        provisioner.provision(2, running, Set.of());
        assertThat(replicas()).as("nothing drained yet").isEqualTo(4);
        provisioner.provision(2, running, Set.of("granary-1"));
        assertThat(replicas())
                .as("a lower ordinal drained: a StatefulSet cannot remove it")
                .isEqualTo(4);
        provisioner.provision(2, running, Set.of("granary-3"));
        assertThat(replicas()).isEqualTo(3);
        provisioner.provision(2, Set.of("granary-0", "granary-1", "granary-2"), Set.of("granary-3"));
        assertThat(replicas()).as("granary-2 is not drained").isEqualTo(3);
        provisioner.provision(2, Set.of("granary-0", "granary-1", "granary-2"), Set.of("granary-2"));
        assertThat(replicas()).isEqualTo(2);
    }

    @Test
    void aMissingStatefulSetIsReportedNotCreated() {
        new StatefulSetProvisioner(client, "store", "other").provision(3, Set.of(), Set.of());
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace("store")
                        .withName("other")
                        .get())
                .isNull();
    }
}
