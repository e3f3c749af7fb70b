package io.boxtrace.container;

import java.util.Map;

/**
 * What a runtime says about one container.
 *
 * @param id     full id
 * @param name   name without Docker's leading slash
 * @param image  image reference as the user gave it
 * @param labels labels (compose project, pod name, ...)
 */
public record ContainerMeta(String id, String name, String image, Map<String, String> labels) {
    public ContainerMeta {
        labels = labels == null ? Map.of() : Map.copyOf(labels);
    }
}
