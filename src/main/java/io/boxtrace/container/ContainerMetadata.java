package io.boxtrace.container;

import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Names and images of containers, asked of their runtime once per container id: Docker's API
 * (with a cache fed by its /events stream, so a container that lived 200 ms still has its name),
 * Podman's on-disk store. When Docker cannot be asked, says so once on stderr and goes on with
 * cgroup-level attribution.
 *
 * <p>Thread-safety: {@link #lookup} on the pipeline thread; the events cache is filled from the
 * events thread (a concurrent map).
 */
public final class ContainerMetadata implements AutoCloseable {

    private final DockerClient docker;
    private final PodmanStore podman;
    private final PrintWriter err;
    private final String command;
    private final Map<String, ContainerMeta> fromEvents = new ConcurrentHashMap<>();
    private final CriAnnotations cri = CriAnnotations.host();
    private volatile boolean dockerDown;
    private Thread eventsThread;

    public ContainerMetadata(DockerClient docker, PodmanStore podman, PrintWriter err, String command) {
        this.docker = docker;
        this.podman = podman;
        this.err = err;
        this.command = command;
    }

    /** Starts following Docker's event stream in the background, if a Docker socket is there. */
    public void startEvents() {
        if (docker == null || !java.nio.file.Files.exists(docker.socket())) {
            return;
        }
        eventsThread = Thread.ofPlatform().name("boxtrace-docker-events").daemon(true).start(() -> {
            try {
                docker.events(m -> {
                    if (m.id().length() == 64) { // container events only: their actor is the container
                        fromEvents.merge(m.id(), m, ContainerMetadata::merge);
                    }
                }, id -> { });
            } catch (RuntimeUnavailableException e) {
                // lookups say it once; the events stream is only a cache
            }
        });
    }

    private static ContainerMeta merge(ContainerMeta a, ContainerMeta b) {
        return new ContainerMeta(a.id(), b.name() != null ? b.name() : a.name(), b.image() != null ? b.image() : a.image(),
                b.labels().isEmpty() ? a.labels() : b.labels());
    }

    public Optional<ContainerMeta> lookup(CgroupRef ref) {
        return switch (ContainerRuntime.of(ref.runtime())) {
            case DOCKER -> docker(ref.id());
            case PODMAN -> podman.lookup(ref.id());
            // the CRI plugins' own record of the pod, in the OCI bundle on this node (no API server)
            case KUBERNETES, CONTAINERD, CRIO -> cri.lookup(ref.id());
            default -> Optional.empty();
        };
    }

    private Optional<ContainerMeta> docker(String id) {
        ContainerMeta cached = fromEvents.get(id);
        if (cached != null && cached.name() != null) {
            return Optional.of(cached);
        }
        if (docker == null || dockerDown) {
            return Optional.ofNullable(cached);
        }
        try {
            Optional<ContainerMeta> m = docker.inspect(id);
            if (m.isEmpty()) {
                // Already removed: the events stream may still bring its name in a moment.
                for (int i = 0; i < 5 && fromEvents.get(id) == null; i++) {
                    Thread.sleep(20);
                }
                return Optional.ofNullable(fromEvents.get(id));
            }
            return m;
        } catch (RuntimeUnavailableException e) {
            dockerDown = true;
            err.println(command + ": " + e.getMessage() + "; containers are shown by id (cgroup-level attribution)");
            err.flush();
            return Optional.ofNullable(cached);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        Thread t = eventsThread;
        if (t != null) {
            t.interrupt();
        }
    }
}
