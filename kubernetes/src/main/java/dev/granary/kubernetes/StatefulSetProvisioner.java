package dev.granary.kubernetes;

import dev.granary.cluster.placement.Provisioner;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The autoscaler's provisioner on Kubernetes: the nodes are the pods of one StatefulSet ({@code deploy/kubernetes/}),
 * node ids their pod names ({@code <set>-<ordinal>}), and the provisioner sets its replica count. A StatefulSet adds
 * pods at the next ordinals (they join the cluster as they start) and removes the highest ordinal first, so a
 * scale-in lowers the count only once that pod's node is drained (the controller drains the highest ordinal when it
 * runs with this provisioner); the pod's pre-stop hook then finds nothing left to move.
 */
public final class StatefulSetProvisioner implements Provisioner, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StatefulSetProvisioner.class);

    private final KubernetesClient client;
    private final String namespace;
    private final String name;

    /** A provisioner of StatefulSet {@code name} in {@code namespace} through {@code client}. */
    public StatefulSetProvisioner(KubernetesClient client, String namespace, String name) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.name = Objects.requireNonNull(name, "name");
    }

    /**
     * A provisioner of StatefulSet {@code name} in the pod's own namespace, with the pod's service account (the
     * client's usual in-cluster configuration).
     */
    public static StatefulSetProvisioner inCluster(String name) {
        KubernetesClient client = new KubernetesClientBuilder().build();
        return new StatefulSetProvisioner(client, client.getNamespace(), name);
    }

    /** The StatefulSet's pod of {@code ordinal}: its node's id. */
    public String pod(int ordinal) {
        return name + "-" + ordinal;
    }

    @Override
    public void provision(int target, Set<String> running, Set<String> drained) {
        if (target < 1) {
            return;
        }
        try {
            StatefulSet set = client.apps()
                    .statefulSets()
                    .inNamespace(namespace)
                    .withName(name)
                    .get();
            if (set == null) {
                LOG.warn("no StatefulSet {} in namespace {} to scale", name, namespace);
                return;
            }
            int replicas =
                    set.getSpec().getReplicas() == null ? 1 : set.getSpec().getReplicas();
            if (target > replicas) {
                scale(replicas, target);
            } else if (target < replicas && drained.contains(pod(replicas - 1))) {
                // One pod at a time, the highest ordinal, once its node holds nothing.
                scale(replicas, replicas - 1);
            }
        } catch (KubernetesClientException e) {
            LOG.warn("scaling StatefulSet {} failed: {}", name, e.getMessage());
        }
    }

    private void scale(int from, int to) {
        client.apps().statefulSets().inNamespace(namespace).withName(name).edit(set -> {
            set.getSpec().setReplicas(to);
            return set;
        });
        LOG.info("StatefulSet {}: {} -> {} replicas", name, from, to);
    }

    @Override
    public void close() {
        client.close();
    }
}
