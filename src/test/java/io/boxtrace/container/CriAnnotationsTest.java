package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ContainerInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CriAnnotationsTest {

    private static final String ID = "a".repeat(64);

    @TempDir
    Path tmp;

    private CriAnnotations cri() {
        return new CriAnnotations(tmp.resolve("containerd"), tmp.resolve("crio"));
    }

    private void bundle(Path dir, String annotations) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"ociVersion\":\"1.0.2\",\"process\":{\"args\":[\"sh\"],"
                + "\"env\":[\"A=1\"]},\"annotations\":" + annotations + ",\"linux\":{\"namespaces\":[]}}");
    }

    @Test
    void containerdCriAnnotationsGiveThePodIdentity() throws Exception {
        bundle(tmp.resolve("containerd/k8s.io/" + ID), """
                {"io.kubernetes.cri.container-type":"container","io.kubernetes.cri.sandbox-name":"web-7d9f",
                 "io.kubernetes.cri.sandbox-namespace":"shop","io.kubernetes.cri.container-name":"nginx",
                 "io.kubernetes.cri.sandbox-uid":"3e22c03e-5447-463b-aafe-f8da1f6c1e4b",
                 "io.kubernetes.cri.image-name":"docker.io/library/nginx:1.27","other":{"nested":true}}""");
        ContainerMeta m = cri().lookup(ID).orElseThrow();
        assertThat(m.name()).isEqualTo("nginx");
        assertThat(m.image()).isEqualTo("docker.io/library/nginx:1.27");
        ContainerInfo c = new ContainerInfo(ID, m.name(), m.image(), "kubernetes", m.labels(), null, null);
        assertThat(KubernetesIdentity.of(c)).contains(new KubernetesIdentity("shop", "web-7d9f",
                "3e22c03e-5447-463b-aafe-f8da1f6c1e4b", "nginx"));
        assertThat(m.labels()).containsEntry("io.containerd.namespace", "k8s.io");
    }

    @Test
    void crioUsesKubeletsKeysAndASandboxIsNamedAfterItsPod() throws Exception {
        bundle(tmp.resolve("crio/" + ID + "/userdata"), """
                {"io.kubernetes.pod.name":"db-0","io.kubernetes.pod.namespace":"data","io.kubernetes.pod.uid":"u-1",
                 "io.kubernetes.container.name":"postgres","io.kubernetes.cri-o.ImageName":"postgres:16"}""");
        ContainerMeta m = cri().lookup(ID).orElseThrow();
        assertThat(m.name()).isEqualTo("postgres");
        assertThat(m.image()).isEqualTo("postgres:16");
        assertThat(m.labels()).containsEntry(KubernetesIdentity.POD, "db-0").containsEntry(KubernetesIdentity.NAMESPACE, "data");
        String sandbox = "b".repeat(64);
        bundle(tmp.resolve("containerd/k8s.io/" + sandbox), """
                {"io.kubernetes.cri.container-type":"sandbox","io.kubernetes.cri.sandbox-name":"web-7d9f"}""");
        assertThat(cri().lookup(sandbox).orElseThrow().name()).isEqualTo("web-7d9f/sandbox");
    }

    @Test
    void aCtrContainerWithoutCriAnnotationsIsNamedByItsIdInItsNamespace() throws Exception {
        bundle(tmp.resolve("containerd/default/bt-ctr"), "{}");
        ContainerMeta m = cri().lookup("bt-ctr").orElseThrow();
        assertThat(m.name()).isEqualTo("bt-ctr");
        assertThat(m.labels()).isEqualTo(Map.of("io.containerd.namespace", "default"));
    }

    @Test
    void unknownIdsPathTricksAndOversizedOrBrokenFilesGiveNothing() throws Exception {
        assertThat(cri().lookup(ID)).isEmpty();
        assertThat(cri().lookup("../../etc")).isEmpty();
        Path big = tmp.resolve("containerd/k8s.io/" + ID);
        Files.createDirectories(big);
        // the bundle is there, its annotations are not read: a containerd container, no pod identity
        Files.write(big.resolve("config.json"), ("{\"annotations\":{\"io.kubernetes.cri.sandbox-name\":\"p\"}}"
                + " ".repeat((int) CriAnnotations.MAX_CONFIG_BYTES)).getBytes());
        assertThat(cri().lookup(ID).orElseThrow().labels()).isEqualTo(Map.of("io.containerd.namespace", "k8s.io"));
        Files.writeString(big.resolve("config.json"), "{\"annotations\":{\"io.kubernetes.cri.sandbox-name\":");
        assertThat(cri().lookup(ID).orElseThrow().labels()).doesNotContainKey(KubernetesIdentity.POD);
    }

    @Test
    void annotationValuesAndCountAreBounded() throws Exception {
        StringBuilder many = new StringBuilder("{\"io.kubernetes.cri.sandbox-name\":\"" + "p".repeat(5000) + "\"");
        for (int i = 0; i < 1000; i++) {
            many.append(",\"k").append(i).append("\":\"v\"");
        }
        bundle(tmp.resolve("containerd/k8s.io/" + ID), many.append('}').toString());
        Map<String, String> a = CriAnnotations.annotations(tmp.resolve("containerd/k8s.io/" + ID + "/config.json"));
        assertThat(a).hasSize(CriAnnotations.MAX_ANNOTATIONS);
        assertThat(a.get("io.kubernetes.cri.sandbox-name")).hasSize(CriAnnotations.MAX_VALUE_CHARS);
    }
}
