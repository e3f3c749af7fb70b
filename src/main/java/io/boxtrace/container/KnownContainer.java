package io.boxtrace.container;

import io.boxtrace.event.ContainerInfo;

/** One container as the registry knows it, shared by every index. */
final class KnownContainer {

    private static final int NAME_RETRIES = 10;
    private static final long NAME_RETRY_MS = 50;

    ContainerInfo info;
    int processes;
    final java.util.Set<Long> pidNamespaces = new java.util.HashSet<>(2);
    final java.util.Set<Long> cgroupIds = new java.util.HashSet<>(2);
    int nameTries;
    long lastNameTryMs = System.currentTimeMillis();

    KnownContainer(ContainerInfo info) {
        this.info = info;
    }

    /**
     * A container first seen while the runtime was still creating it may not be known to the
     * runtime's API yet: ask again on later sightings, at most every {@value #NAME_RETRY_MS} ms
     * and {@value #NAME_RETRIES} times.
     */
    boolean retryDue() {
        long now = System.currentTimeMillis();
        if (nameTries >= NAME_RETRIES || now - lastNameTryMs < NAME_RETRY_MS) {
            return false;
        }
        nameTries++;
        lastNameTryMs = now;
        return true;
    }
}
