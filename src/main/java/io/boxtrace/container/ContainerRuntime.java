package io.boxtrace.container;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalogue of container runtimes: the one place that knows, for each, the cgroup leaf it puts
 * its containers in, the processes that serve a container without being part of it (shims,
 * monitors, the runtime binary and its init stages), the daemons that are no single container's
 * scaffolding, and the client commands a user types to build or start containers. Everything else
 * asks here. Adding a runtime means adding a constant. Immutable.
 */
public enum ContainerRuntime {
    DOCKER("docker", "^docker-([0-9a-f]{64})(?:\\.scope)?$", Set.of(), Set.of("dockerd"),
            Set.of("docker"), Set.of("build"), Set.of("run", "exec", "start")),
    /** Podman's containers, and its RUN steps of {@code podman build} (Buildah's {@code buildah-buildah<n>} cgroups). */
    PODMAN("podman", "^libpod-([0-9a-f]{64})(?:\\.scope)?$|^(buildah-buildah\\d+)$", Set.of("conmon"), Set.of("podman"),
            Set.of("podman", "buildah"), Set.of("build", "bud"), Set.of("run", "exec", "start")),
    /** BuildKit's runc executor, one per RUN step, under {@code …/buildkit/<id>}. */
    BUILDKIT("buildkit", null, Set.of(), Set.of("buildkitd"), Set.of("buildctl"), Set.of("build"), Set.of()),
    CONTAINERD("containerd", "^cri-containerd-([0-9a-f]{64})(?:\\.scope)?$",
            Set.of("containerd-shim", "containerd-shim-runc-v2", "containerd-shim-runc-v1"), Set.of("containerd"),
            Set.of("ctr", "nerdctl"), Set.of("build"), Set.of("run", "exec", "start")),
    CRIO("crio", "^crio-([0-9a-f]{64})(?:\\.scope)?$", Set.of("crio-conmon", "conmon-rs"), Set.of("crio"),
            Set.of("crictl"), Set.of(), Set.of("run", "exec", "start")),
    /** A container in a Kubernetes pod whose runtime the cgroup does not say. */
    KUBERNETES("kubernetes", null, Set.of(), Set.of("kubelet"), Set.of(), Set.of(), Set.of()),
    /** LXC: the container in {@code lxc.payload.<name>}, its monitor ({@code [lxc monitor] <path> <name>}, comm lxc-start) in {@code lxc.monitor.<name>}. */
    LXC("lxc", "^lxc\\.payload\\.(.+)$", Set.of("lxc-start", "lxc-attach"), Set.of("lxc-monitord"),
            Set.of("lxc-start", "lxc-execute", "lxc-attach"), Set.of(), Set.of(Verbs.ANY)),
    /** systemd-nspawn: {@code machine-<name>.scope/payload} when registered (CgroupParser), else its own pid namespace under it. */
    NSPAWN("nspawn", null, Set.of("systemd-nspawn"), Set.of("systemd-machined"), Set.of("systemd-nspawn"), Set.of(),
            Set.of(Verbs.ANY)),
    /** bubblewrap: an outer bwrap outside, a bwrap reaper as pid 1 inside (a container process, not scaffolding). */
    BWRAP("bwrap", null, Set.of("bwrap"), Set.of(), Set.of("bwrap"), Set.of(), Set.of(Verbs.ANY)),
    /** Apptainer: known from its starter's process title (ApptainerFacts); never run on this host. */
    APPTAINER("apptainer", null, Set.of("starter", "starter-suid"), Set.of(), Set.of("apptainer"), Set.of("build"),
            Set.of("run", "exec", "shell", "instance")),
    SINGULARITY("singularity", null, Set.of("starter", "starter-suid"), Set.of(), Set.of("singularity"), Set.of("build"),
            Set.of("run", "exec", "shell", "instance")),
    RUNC("runc", null, Set.of("runc", "runc:[0:PARENT]", "runc:[1:CHILD]", "runc:[2:INIT]"), Set.of(),
            Set.of("runc"), Set.of(), Set.of("run", "exec", "start", "create")),
    CRUN("crun", null, Set.of("crun"), Set.of(), Set.of("crun"), Set.of(), Set.of("run", "exec", "start", "create")),
    /** A pid namespace of its own that no runtime claims. */
    UNKNOWN("unknown", null, Set.of(), Set.of(), Set.of(), Set.of(), Set.of());

    /** Holder of the wildcard verb: enum constants cannot refer to the enum's own static fields. */
    private static final class Verbs {
        /** For clients whose every invocation starts a container (lxc-start, systemd-nspawn, bwrap). */
        static final String ANY = "*";
    }

    private final String id;
    private final Pattern cgroupLeaf;
    private final Set<String> scaffolding;
    private final Set<String> daemons;
    private final Set<String> clients;
    private final Set<String> buildVerbs;
    private final Set<String> startVerbs;

    ContainerRuntime(String id, String cgroupLeaf, Set<String> scaffolding, Set<String> daemons, Set<String> clients,
            Set<String> buildVerbs, Set<String> startVerbs) {
        this.id = id;
        this.cgroupLeaf = cgroupLeaf == null ? null : Pattern.compile(cgroupLeaf);
        this.scaffolding = scaffolding;
        this.daemons = daemons;
        this.clients = clients;
        this.buildVerbs = buildVerbs;
        this.startVerbs = startVerbs;
    }

    /** The name in outputs ({@code "runtime"} in JSON). */
    public String id() {
        return id;
    }

    /** The runtime named id, or UNKNOWN. */
    public static ContainerRuntime of(String id) {
        if (id != null) {
            for (ContainerRuntime r : values()) {
                if (r.id.equals(id)) {
                    return r;
                }
            }
        }
        return UNKNOWN;
    }

    /** The container id in a cgroup path component this runtime names, if it is one of its leaves. */
    Optional<String> idInCgroupLeaf(String leaf) {
        if (cgroupLeaf == null) {
            return Optional.empty();
        }
        Matcher m = cgroupLeaf.matcher(leaf);
        if (!m.matches()) {
            return Optional.empty();
        }
        for (int g = 1; g <= m.groupCount(); g++) {
            if (m.group(g) != null) {
                return Optional.of(m.group(g));
            }
        }
        return Optional.empty();
    }

    /** Runtimes that run image builds in containers of their own. */
    public boolean buildsImages() {
        return this == DOCKER || this == BUILDKIT || this == PODMAN;
    }

    /**
     * True when a process with this name (comm, or argv[0]'s base name) is a runtime's scaffolding:
     * a shim, a monitor, the runtime binary or one of its init stages. Only a name: callers must also
     * check that the process is outside every container's pid namespace, since a container may run a
     * program of the same name.
     */
    public static boolean isScaffoldingName(String name) {
        if (name == null) {
            return false;
        }
        return Names.SCAFFOLDING.contains(name) || name.startsWith("containerd-shim");
    }

    /** True for an engine that serves many containers (dockerd, containerd, podman, …): no one container's scaffolding. */
    public static boolean isDaemonName(String comm) {
        if (comm == null) {
            return false;
        }
        return comm.equals("systemd") || Names.DAEMONS.contains(comm);
    }

    /** The runtime whose client the program is (docker, podman, ctr, runc, …), if any. */
    public static Optional<ContainerRuntime> ofClient(String program) {
        return Optional.ofNullable(Names.CLIENT_OF.get(program));
    }

    /** True when argv is a client asking its runtime to build an image ({@code docker build}, {@code podman build}, {@code buildah bud}, …). */
    public static boolean isBuildCommand(List<String> argv) {
        return verb(argv, true);
    }

    /** True when argv is a client starting a container or a process in one ({@code docker run|exec|start}, {@code ctr run}, {@code runc run}, …). */
    public static boolean isStartCommand(List<String> argv) {
        return verb(argv, false);
    }

    /**
     * The client is the first word that names one (after wrappers such as {@code env} or {@code sudo});
     * the verb is any later word, as the first round measured: option values never collide with
     * these verbs in practice, and parsing each client's options would be a second source of truth.
     */
    private static boolean verb(List<String> argv, boolean build) {
        if (argv == null) {
            return false;
        }
        for (int i = 0; i < argv.size(); i++) {
            // asked at every exec: a word that cannot be a client's name is passed without a copy
            String word = argv.get(i);
            if (word == null || word.length() - word.lastIndexOf('/') - 1 > Names.LONGEST_CLIENT) {
                continue;
            }
            ContainerRuntime r = Names.CLIENT_OF.get(baseName(word));
            if (r != null) {
                Set<String> verbs = build ? r.buildVerbs : r.startVerbs;
                return verbs.contains(Verbs.ANY) || argv.subList(i + 1, argv.size()).stream().anyMatch(verbs::contains);
            }
        }
        return false;
    }

    /** The program's base name: "docker" for /usr/bin/docker. */
    public static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    }

    /**
     * Every runtime's names in one set: asked at each exec and exit, where walking the runtimes and
     * their sets (values() copies its array per call) showed in the storm's profile.
     */
    private static final class Names {
        static final Set<String> SCAFFOLDING = union(r -> r.scaffolding);
        static final Set<String> DAEMONS = union(r -> r.daemons);
        /** Client name → the first runtime (in declaration order) that has it. */
        static final java.util.Map<String, ContainerRuntime> CLIENT_OF = clients();
        static final int LONGEST_CLIENT = CLIENT_OF.keySet().stream().mapToInt(String::length).max().orElse(0);

        private static java.util.Map<String, ContainerRuntime> clients() {
            java.util.Map<String, ContainerRuntime> m = new java.util.HashMap<>();
            for (ContainerRuntime r : values()) {
                for (String c : r.clients) {
                    m.putIfAbsent(c, r);
                }
            }
            return java.util.Map.copyOf(m);
        }

        private static Set<String> union(java.util.function.Function<ContainerRuntime, Set<String>> part) {
            java.util.HashSet<String> all = new java.util.HashSet<>();
            for (ContainerRuntime r : values()) {
                all.addAll(part.apply(r));
            }
            return Set.copyOf(all);
        }
    }
}
