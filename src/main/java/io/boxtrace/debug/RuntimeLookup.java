package io.boxtrace.debug;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.boxtrace.container.ContainerMeta;
import io.boxtrace.container.DockerClient;
import io.boxtrace.container.PodmanImages;
import io.boxtrace.container.PodmanStore;
import io.boxtrace.container.RuntimeContainer;
import io.boxtrace.container.RuntimeUnavailableException;
import io.boxtrace.event.ContainerInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a debug session asks the runtimes: every container they know (running or not), a running
 * container's main process, and a local image's layers. Docker through its Engine API; Podman,
 * runc and crun through their state on disk. A runtime that cannot be asked is left out.
 * Thread-safe (no state of its own).
 */
public final class RuntimeLookup {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final DockerClient docker;
    private final PodmanStore podman;
    private final PodmanImages podmanImages;
    private final Path run;

    /** @param run the runtimes' state root, /run on the host */
    public RuntimeLookup(DockerClient docker, PodmanStore podman, PodmanImages podmanImages, Path run) {
        this.docker = docker;
        this.podman = podman;
        this.podmanImages = podmanImages;
        this.run = run;
    }

    public static RuntimeLookup host() {
        return new RuntimeLookup(new DockerClient(DockerClient.defaultSocket()), PodmanStore.host(), PodmanImages.host(),
                Path.of("/run"));
    }

    /** Every container Docker and Podman list, and runc/crun containers with state under /run. */
    public List<RuntimeContainer> known() {
        List<RuntimeContainer> out = new ArrayList<>();
        try {
            out.addAll(docker.listAll());
        } catch (RuntimeUnavailableException e) {
            // no Docker here: its containers cannot be named anyway
        }
        for (ContainerMeta m : podman.all()) {
            out.add(new RuntimeContainer(m.id(), m.name(), "podman", false));
        }
        for (String runtime : List.of("runc", "crun")) {
            try (var dirs = Files.list(run.resolve(runtime))) {
                dirs.forEach(d -> out.add(new RuntimeContainer(d.getFileName().toString(), null, runtime, false)));
            } catch (IOException e) {
                // that runtime never ran here
            }
        }
        return out;
    }

    /** The host pid of the container's main process as its runtime records it, 0 when it does not say. */
    public int mainPid(ContainerInfo c) {
        try {
            return switch (c.runtime()) {
                case "docker" -> docker.mainPid(c.id());
                case "podman" -> readInt(run.resolve("containers/storage/overlay-containers").resolve(c.id())
                        .resolve("userdata/pidfile"));
                case "runc", "crun" -> JSON.readTree(run.resolve(c.runtime()).resolve(c.id()).resolve("state.json")
                        .toFile()).path("init_process_pid").asInt(0);
                default -> 0;
            };
        } catch (IOException | RuntimeUnavailableException | RuntimeException e) {
            return 0; // the processes on the host decide then
        }
    }

    private static int readInt(Path p) throws IOException {
        return Integer.parseInt(Files.readString(p).trim());
    }

    /** The layer directories (top first) of a local image, Docker's first, then Podman's. */
    public List<Path> imageLayers(String image) throws DebugException {
        String dockerProblem = null;
        try {
            Optional<List<Path>> d = docker.imageLayers(image);
            if (d.isPresent()) {
                return d.get();
            }
        } catch (RuntimeUnavailableException e) {
            dockerProblem = e.getMessage();
        }
        try {
            Optional<List<Path>> p = podmanImages.layers(image);
            if (p.isPresent()) {
                return p.get();
            }
        } catch (IOException e) {
            throw new DebugException(DebugException.Kind.NO_SUCH_IMAGE, "cannot read podman's image store: " + e.getMessage());
        }
        throw new DebugException(DebugException.Kind.NO_SUCH_IMAGE, "no local image " + SafeText.of(image)
                + " in Docker or Podman" + (dockerProblem == null ? "" : " (" + dockerProblem + ")"));
    }
}
