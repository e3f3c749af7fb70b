package io.boxtrace.container;

/**
 * A container as a runtime lists it, whether or not it runs.
 *
 * @param id      full id
 * @param name    name without Docker's leading slash, or null
 * @param runtime {@code docker}, {@code podman}, ...
 * @param running whether the runtime says it is running
 */
public record RuntimeContainer(String id, String name, String runtime, boolean running) {
}
