package io.boxtrace.sink.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.analysis.tree.ContainerTree;
import io.boxtrace.event.Clock;
import io.boxtrace.event.ContainerEvent;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ProcessInfo;
import io.boxtrace.event.ProcessKey;
import io.boxtrace.event.Task;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.render.console.ContainerTreeText;
import io.boxtrace.render.console.Style;
import io.boxtrace.render.console.TreeRenderer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A Kubernetes container is named by its pod spec's container name ("nginx"), which many pods share:
 * the human trace and tree also say which pod (namespace/name) it belongs to, escaped like every
 * string from the traced world.
 */
class KubernetesIdentityTextTest {

    private static final ContainerInfo NGINX = new ContainerInfo("56f3f6dbb575556b0cd320f2c16791c017df6aa484a9f29ab09c44ca5c4fc86e",
            "nginx", "docker.io/library/nginx:1", "kubernetes",
            Map.of("io.kubernetes.pod.name", "web-7d4\u001b[31m", "io.kubernetes.pod.namespace", "shop",
                    "io.kubernetes.pod.uid", "fa860742-b73f-4bb1-9d71-26709e970def", "io.kubernetes.container.name", "nginx"),
            null, null);
    private static final ContainerInfo PLAIN = new ContainerInfo("0123456789abcdef0123", "web", "busybox", "docker",
            Map.of(), null, null);

    @Test
    void traceNamesThePodAtContainerStartAndStop() throws Exception {
        StringWriter buf = new StringWriter();
        ConsoleTraceSink sink = new ConsoleTraceSink(new PrintWriter(buf), new Clock(0, 0), Style.plain(), ZoneOffset.UTC, false);
        sink.accept(TracedEvent.bare(new ContainerEvent(1, ContainerEvent.Kind.START, NGINX)));
        sink.accept(TracedEvent.bare(new ContainerEvent(2, ContainerEvent.Kind.STOP, NGINX)));
        sink.accept(TracedEvent.bare(new ContainerEvent(3, ContainerEvent.Kind.START, PLAIN)));
        sink.flush();
        List<String> lines = buf.toString().lines().toList();
        assertThat(lines.get(0)).endsWith("container start nginx (56f3f6dbb575, docker.io/library/nginx:1, kubernetes, "
                + "pod shop/web-7d4\\x1b[31m)");
        assertThat(lines.get(1)).contains("container stop nginx (").contains(", pod shop/web-7d4");
        assertThat(lines.get(2)).endsWith("container start web (0123456789ab, busybox, docker)");
    }

    @Test
    void treeHeaderNamesThePod() {
        ProcessInfo p = new ProcessInfo(new ProcessKey(3000, 1), 1, 0, "nginx", "/usr/sbin/nginx", List.of("nginx"),
                "/", null, 0, List.of(3000, 1), Map.of(), 0, Task.UNKNOWN, 0, false);
        StringWriter tree = new StringWriter();
        new ContainerTreeText(Style.plain(), new TreeRenderer(Style.plain(), uid -> "root", true))
                .render(new PrintWriter(tree), new ContainerTree.Result(List.of(new ContainerTree.Group(NGINX, List.of(p),
                        List.of(p), List.of())), List.of()), false, false, List.of());
        assertThat(tree.toString().lines().findFirst().orElseThrow())
                .isEqualTo("nginx  56f3f6dbb575  docker.io/library/nginx:1  kubernetes  pod shop/web-7d4\\x1b[31m");
    }
}
