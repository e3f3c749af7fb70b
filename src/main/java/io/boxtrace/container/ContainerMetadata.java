package io.boxtrace.container;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Names and images of containers, asked of their runtime once per container id: Docker's API
 * (with a cache fed by its /events stream, so a container that lived 200 ms still has its name),
 * Podman's on-disk store. When Docker cannot be asked, says so once on stderr and goes on with
 * cgroup-level attribution.
 *
 * <p>Thread-safety: {@link #lookup} on the pipeline thread; inspects run on two lookup threads and
 * the events cache is filled from the events thread (concurrent maps). The lookup threads and the
 * events thread are daemons and are interrupted by {@link #close}, so a silent daemon never holds
 * up shutdown.
 */
public final class ContainerMetadata implements AutoCloseable {

    private final DockerClient docker;
    private final PodmanStore podman;
    /** One-line warnings for the user; the caller escapes them, since daemon text is untrusted. */
    private final Consumer<String> warn;
    private final ContainerdState containerd;
    /** Docker daemons running inside containers (Docker in Docker), by the outer container's id. */
    private final Map<String, DockerClient> nested = new ConcurrentHashMap<>();
    /** What Docker's /events stream said, bounded: a flooding daemon must not fill the heap. */
    private final MetaCache fromEvents = new MetaCache();
    private final CriAnnotations cri = CriAnnotations.host();
    private volatile boolean dockerDown;
    /** Set when an answer took longer than {@link #PROMPT_WAIT_MS}: stop waiting for Docker on the pipeline thread. */
    private volatile boolean slow;
    private final AtomicBoolean warned = new AtomicBoolean();
    /** How long the pipeline waits for an inspect while Docker answers promptly (it takes ~5 ms here). */
    static final long PROMPT_WAIT_MS = 300;
    private static final int MAX_QUEUED_LOOKUPS = 256;
    private final MetaCache inspected = new MetaCache();
    private final Map<String, CompletableFuture<Optional<ContainerMeta>>> inFlight = new ConcurrentHashMap<>();
    /** Two daemon threads and a bounded queue: a silent daemon ties up at most these, never the pipeline. */
    private final ThreadPoolExecutor lookups = new ThreadPoolExecutor(2, 2, 10, TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_LOOKUPS), Thread.ofPlatform().name("boxtrace-docker-lookup-", 0).daemon(true).factory());
    private Thread eventsThread;

    public ContainerMetadata(DockerClient docker, PodmanStore podman, Consumer<String> warn) {
        this(docker, podman, ContainerdState.host(), warn);
    }

    public ContainerMetadata(DockerClient docker, PodmanStore podman, ContainerdState containerd, Consumer<String> warn) {
        this.docker = docker;
        this.podman = podman;
        this.containerd = containerd;
        this.warn = warn;
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
        return lookup(ref, -1);
    }

    /**
     * @param parentPid a live process of the enclosing container when the ref is nested (Docker in
     *                  Docker), else -1: the inner daemon's socket is reached through its root
     *                  ({@code /proc/<pid>/root/run/docker.sock}), never through the host's daemon
     */
    public Optional<ContainerMeta> lookup(CgroupRef ref, int parentPid) {
        ContainerRuntime runtime = ContainerRuntime.of(ref.runtime());
        if (ref.parent() != null && runtime == ContainerRuntime.DOCKER) {
            return parentPid > 0 ? nestedDocker(ref.parent().id(), parentPid, ref.id()) : Optional.empty();
        }
        return switch (runtime) {
            case DOCKER -> docker(ref.id());
            case PODMAN -> podman.lookup(ref.id());
            // the CRI plugins' own record of the pod, in the OCI bundle on this node (no API server)
            case KUBERNETES, CRIO -> cri.lookup(ref.id());
            case CONTAINERD -> ref.namespace() == null ? cri.lookup(ref.id()) : containerd.lookup(ref.namespace(), ref.id())
                    .or(() -> cri.lookup(ref.id()));
            case LXC, NSPAWN -> Optional.of(new ContainerMeta(ref.id(), ref.id(), null, Map.of()));
            default -> Optional.empty();
        };
    }

    private Optional<ContainerMeta> nestedDocker(String outerId, int outerPid, String id) {
        DockerClient inner = nested.computeIfAbsent(outerId, k -> {
            for (String sock : new String[] {"run/docker.sock", "var/run/docker.sock"}) {
                java.nio.file.Path p = java.nio.file.Path.of("/proc", Integer.toString(outerPid), "root", sock);
                if (java.nio.file.Files.exists(p)) {
                    return new DockerClient(p);
                }
            }
            return null;
        });
        if (inner == null) {
            nested.remove(outerId);
            return Optional.empty();
        }
        try {
            return inner.inspect(id);
        } catch (RuntimeUnavailableException e) {
            nested.remove(outerId); // that process may have gone: another one of the container is asked next time
            return Optional.empty();
        }
    }

    /**
     * Docker's answer for id without ever blocking the pipeline for long: the inspect runs on a
     * small lookup thread, and the caller waits at most {@link #PROMPT_WAIT_MS} for it while the
     * daemon has been answering promptly. A daemon that is slower than that (or hangs until the
     * client's timeout) costs one such wait; later events go on with the id, and the name arrives
     * with a later sighting once the answer is in.
     */
    private Optional<ContainerMeta> docker(String id) {
        ContainerMeta cached = fromEvents.get(id);
        if (cached != null && cached.name() != null) {
            return Optional.of(cached);
        }
        ContainerMeta answered = inspected.get(id);
        if (answered != null) {
            return Optional.of(answered);
        }
        if (docker == null || dockerDown) {
            return Optional.ofNullable(cached);
        }
        CompletableFuture<Optional<ContainerMeta>> pending;
        try {
            pending = inFlight.computeIfAbsent(id, k -> CompletableFuture.supplyAsync(() -> inspectNow(k), lookups));
        } catch (RejectedExecutionException full) {
            return Optional.ofNullable(cached); // too many look-ups queued: a later sighting asks again
        }
        if (slow) {
            return pending.isDone() ? pending.join().or(() -> Optional.ofNullable(cached)) : Optional.ofNullable(cached);
        }
        try {
            return pending.get(PROMPT_WAIT_MS, TimeUnit.MILLISECONDS).or(() -> Optional.ofNullable(fromEvents.get(id)));
        } catch (TimeoutException e) {
            slow = true;
            return Optional.ofNullable(cached);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.ofNullable(cached);
        } catch (ExecutionException e) {
            return Optional.ofNullable(cached);
        }
    }

    /** On a lookup thread: asks Docker, remembers the answer, says once when Docker cannot be asked. */
    private Optional<ContainerMeta> inspectNow(String id) {
        try {
            Optional<ContainerMeta> m = docker.inspect(id);
            slow = false;
            if (m.isEmpty()) {
                // Already removed: the events stream may still bring its name in a moment.
                for (int i = 0; i < 5 && fromEvents.get(id) == null; i++) {
                    Thread.sleep(20);
                }
                return Optional.ofNullable(fromEvents.get(id));
            }
            inspected.put(id, m.get());
            return m;
        } catch (RuntimeUnavailableException e) {
            dockerDown = true;
            if (warned.compareAndSet(false, true)) {
                warn.accept(e.getMessage() + "; containers are shown by id (cgroup-level attribution)");
            }
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.empty(); // enrichment never stops an event: the container goes on by id
        } finally {
            inFlight.remove(id);
        }
    }

    /**
     * Waits at most maxMs for the look-ups under way to answer. A recording's initial state is written
     * once: while the pipeline never waits long for a slow daemon (later sightings name a container),
     * the processes alive at the start are seen only then. Any thread.
     */
    public void awaitLookups(long maxMs) {
        List<CompletableFuture<Optional<ContainerMeta>>> pending = List.copyOf(inFlight.values());
        if (pending.isEmpty()) {
            return;
        }
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(maxMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            // the daemon did not answer in time: the containers stay known by id
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Why some containers may have no name yet: Docker has not answered (still asked, slow, or not
     * answering), else empty. A look-up by name that finds nothing then says so instead of "no such container".
     */
    public Optional<String> namesPending() {
        if (docker != null && (dockerDown || slow || !inFlight.isEmpty())) {
            return Optional.of("Docker at " + docker.socket() + " has not answered, so its containers are known by id only");
        }
        return Optional.empty();
    }

    /** Containers held in the two caches of daemon answers (for tests and BOXTRACE_DEBUG_SIZES). */
    int cachedContainers() {
        return fromEvents.size() + inspected.size();
    }

    @Override
    public void close() {
        Thread t = eventsThread;
        if (t != null) {
            t.interrupt();
        }
        lookups.shutdownNow();
    }
}
