package dev.granary.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@code deploy/kubernetes/granary.yaml} parsed as Kubernetes objects and checked against what the cluster needs: a
 * StatefulSet with a volume per node, the founder/joiner start, readiness on {@code /health/ready} and a pre-stop
 * drain; a headless Service publishing not-ready addresses for Raft; a PodDisruptionBudget of one; and only the RBAC
 * the provisioner uses. Applied to fabric8's API server (CRUD mode), every object is accepted.
 */
@EnableKubernetesMockClient(crud = true)
class ManifestsTest {
    KubernetesClient client;

    private List<HasMetadata> load() throws Exception {
        try (InputStream in = Files.newInputStream(Path.of("..", "deploy", "kubernetes", "granary.yaml"))) {
            return client.load(in).items();
        }
    }

    @Test
    void theManifestsDescribeAnElasticCluster() throws Exception {
        List<HasMetadata> objects = load();
        Map<String, HasMetadata> byKind = objects.stream()
                .collect(Collectors.toMap(
                        o -> o.getKind() + "/" + o.getMetadata().getName(), Function.identity()));
        assertThat(byKind.keySet())
                .containsExactlyInAnyOrder(
                        "ServiceAccount/granary",
                        "Role/granary-scaler",
                        "RoleBinding/granary-scaler",
                        "Service/granary-nodes",
                        "Service/granary",
                        "StatefulSet/granary",
                        "PodDisruptionBudget/granary");

        StatefulSet set = (StatefulSet) byKind.get("StatefulSet/granary");
        assertThat(set.getSpec().getServiceName()).isEqualTo("granary-nodes");
        assertThat(set.getSpec().getVolumeClaimTemplates())
                .singleElement()
                .satisfies(claim -> assertThat(claim.getMetadata().getName()).isEqualTo("data"));
        Container node = set.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(node.getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/data"));
        assertThat(node.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/health/ready");
        String start = String.join(" ", node.getArgs());
        assertThat(start).contains("--members granary-0=", "--join ", "--raft-address", "--node-id \"$POD_NAME\"");
        Map<String, String> env = node.getEnv().stream()
                .filter(e -> e.getValue() != null)
                .collect(Collectors.toMap(EnvVar::getName, EnvVar::getValue));
        assertThat(env)
                .containsEntry("GRANARY_PROVISIONER", "kubernetes")
                .containsEntry(
                        "GRANARY_PROVISIONER_STATEFULSET", set.getMetadata().getName())
                .containsKey("GRANARY_AUTOSCALE");
        assertThat(node.getEnv()).anySatisfy(e -> {
            assertThat(e.getName()).isEqualTo("GRANARY_CLUSTER_SECRET");
            assertThat(e.getValueFrom().getSecretKeyRef().getName()).isEqualTo("granary");
        });
        String preStop =
                String.join(" ", node.getLifecycle().getPreStop().getExec().getCommand());
        assertThat(preStop).contains("/admin/v1/cluster/nodes/$POD_NAME/drain", "drained");
        assertThat(set.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds())
                .isGreaterThanOrEqualTo(300L);

        Service nodes = (Service) byKind.get("Service/granary-nodes");
        assertThat(nodes.getSpec().getClusterIP()).isEqualTo("None");
        assertThat(nodes.getSpec().getPublishNotReadyAddresses()).isTrue();
        assertThat(nodes.getSpec().getPorts())
                .anySatisfy(p -> assertThat(p.getPort()).isEqualTo(9200));

        PodDisruptionBudget budget = (PodDisruptionBudget) byKind.get("PodDisruptionBudget/granary");
        assertThat(budget.getSpec().getMaxUnavailable().getIntVal()).isEqualTo(1);
        assertThat(budget.getSpec().getSelector().getMatchLabels())
                .isEqualTo(set.getSpec().getSelector().getMatchLabels());

        Role role = (Role) byKind.get("Role/granary-scaler");
        assertThat(role.getRules()).allSatisfy(rule -> {
            assertThat(rule.getApiGroups()).containsExactly("apps");
            assertThat(rule.getResourceNames()).containsExactly("granary");
            assertThat(rule.getVerbs()).doesNotContain("delete", "create", "*");
        });

        // The API server takes every object.
        for (HasMetadata object : objects) {
            client.resource(object).inNamespace("store").create();
        }
        assertThat(client.apps()
                        .statefulSets()
                        .inNamespace("store")
                        .withName("granary")
                        .get()
                        .getSpec()
                        .getReplicas())
                .isEqualTo(3);
    }
}
