package io.boxtrace.container;

import io.boxtrace.event.ContainerInfo;
import io.boxtrace.source.procfs.ProcReader;
import io.boxtrace.source.procfs.ProcStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Names a container that no cgroup pattern names, known only by its own pid namespace, from the
 * process that made it: the nearest ancestor outside that pid namespace (its scaffolding), and the
 * runtime's state on disk. Facts measured on this host (docs/runtimes.md):
 *
 * <ul>
 * <li>systemd-nspawn stays the parent of the container's init; its argv holds {@code -M/--machine}
 *     (else the {@code -D/--directory} tree, whose base name is the default machine name)</li>
 * <li>bubblewrap: an outer {@code bwrap} in the caller's pid namespace, a second {@code bwrap} as pid
 *     1 inside (the sandbox's reaper), the payload as pid 2; a sandbox has no name but its
 *     {@code --hostname}</li>
 * <li>rootless Podman: no cgroup of its own on a cgroup v1 host; {@code conmon -c <id> -n <name>
 *     -b <storage>/<driver>-containers/<id>/userdata} is the parent, run by the user</li>
 * <li>Apptainer/Singularity: the starter renames itself {@code Apptainer runtime parent: <image>}
 *     ({@code Singularity runtime parent: …}), an instance {@code Apptainer instance: <user> [<name>]}</li>
 * <li>runc and crun used directly: the parent has exited (the container's init is re-parented to a
 *     subreaper); their state is {@code /run/runc/<id>}, {@code /run/crun/<id>}, the id being the
 *     cgroup's base name by default</li>
 * </ul>
 *
 * A scaffolding process's argv is believed only when it runs in the host's pid namespace (a
 * process in a container merely named {@code conmon} or {@code systemd-nspawn} names nothing).
 * Stateless apart from the /proc root; thread-safe.
 */
public final class PidNsRuntimes {

    private static final int MAX_WALK = 16;
    private static final int MAX_VALUE = 4096;

    private final ProcReader proc;
    private final Path run;

    public PidNsRuntimes(ProcReader proc, Path run) {
        this.proc = proc;
        this.run = run;
    }

    public static PidNsRuntimes host(ProcReader proc) {
        return new PidNsRuntimes(proc, Path.of("/run"));
    }

    /**
     * The container of a process in pid namespace {@code pidNs}, not named by its cgroup.
     *
     * @param cgroup the process's cgroup path (may be null)
     * @return id, name, runtime (and image where the runtime keeps it); empty when nothing names it
     */
    public Optional<ContainerInfo> identify(int pid, long pidNs, String cgroup) {
        return identify(pid, pidNs, cgroup, null, null);
    }

    /**
     * As {@link #identify(int, long, String)}, with the event's own record of the parent for a
     * process already gone from /proc (a container that lived a few milliseconds, seen late): its
     * comm and argv as exec'd. bwrap's reaper never execs, so its record holds the outer bwrap's argv.
     *
     * @param parentComm the parent's comm from the process table, or null
     * @param parentArgs the parent's argv from the process table, or null; only given for a parent
     *                   the caller knows is on the host
     */
    public Optional<ContainerInfo> identify(int pid, long pidNs, String cgroup, String parentComm, List<String> parentArgs) {
        Optional<ContainerInfo> c = named(pid, pidNs, cgroup);
        if (c.isEmpty() && parentComm != null && parentArgs != null && !parentArgs.isEmpty()) {
            c = fromArgs(parentComm, parentArgs, -1, pidNs, cgroup);
        }
        return c.map(x -> withUidMap(x, pid));
    }

    /** Adds the user namespace's uid mapping as a label when the container has one of its own. */
    private ContainerInfo withUidMap(ContainerInfo c, int pid) {
        Optional<UidMap> map;
        try {
            map = UidMap.parse(Files.readString(proc.dir(pid).resolve("uid_map")));
        } catch (java.io.IOException | RuntimeException e) {
            return c;
        }
        if (map.isEmpty()) {
            return c;
        }
        Map<String, String> labels = new HashMap<>(c.labels());
        labels.put(UidMap.LABEL, map.get().label());
        return new ContainerInfo(c.id(), c.name(), c.image(), c.runtime(), labels, c.parent(), c.cgroup());
    }

    private Optional<ContainerInfo> named(int pid, long pidNs, String cgroup) {
        Optional<Integer> outside = scaffolding(pid, pidNs);
        if (outside.isPresent()) {
            Optional<ContainerInfo> named = fromScaffolding(outside.get(), pidNs, cgroup);
            if (named.isPresent()) {
                return named;
            }
        }
        String leaf = cgroup == null || cgroup.equals("/") ? null : Path.of(cgroup).getFileName().toString();
        if (leaf != null && !leaf.equals(".") && !leaf.equals("..")) {
            for (String runtime : List.of("runc", "crun")) {
                if (Files.isDirectory(run.resolve(runtime).resolve(leaf))) {
                    return Optional.of(info(leaf, leaf, null, runtime, cgroup, Map.of()));
                }
            }
        }
        return Optional.empty();
    }

    /** The nearest ancestor of pid in another pid namespace than pidNs. */
    Optional<Integer> scaffolding(int pid, long pidNs) {
        int cur = pid;
        for (int i = 0; i < MAX_WALK; i++) {
            Optional<ProcStatus> st = proc.status(cur);
            if (st.isEmpty() || st.get().ppid() <= 0) {
                return Optional.empty();
            }
            int parent = st.get().ppid();
            Optional<Long> ns = proc.namespaceInode(parent, "pid");
            if (ns.isEmpty()) {
                return Optional.empty();
            }
            if (ns.get() != pidNs) {
                return Optional.of(parent);
            }
            cur = parent;
        }
        return Optional.empty();
    }

    private Optional<ContainerInfo> fromScaffolding(int parent, long pidNs, String cgroup) {
        Optional<ProcStatus> st = proc.status(parent);
        Optional<List<String>> argv = proc.cmdline(parent);
        if (st.isEmpty() || argv.isEmpty() || argv.get().isEmpty() || st.get().nsPids().size() != 1) {
            return Optional.empty(); // only a host process's argv is believed
        }
        return fromArgs(st.get().name(), argv.get(), st.get().uid(), pidNs, cgroup);
    }

    private static Optional<ContainerInfo> fromArgs(String comm, List<String> args, int uid, long pidNs, String cgroup) {
        Optional<ContainerInfo> apptainer = ApptainerFacts.fromTitle(String.join(" ", args), pidNs, cgroup);
        if (apptainer.isPresent()) {
            return apptainer;
        }
        return switch (comm) {
            case "systemd-nspawn" -> {
                String name = option(args, "-M", "--machine").orElseGet(() -> option(args, "-D", "--directory")
                        .map(d -> Path.of(d).getFileName()).map(Path::toString).orElse(null));
                String id = name != null ? name : "nspawn-" + pidNs;
                yield Optional.of(info(id, name, option(args, "-D", "--directory").orElse(null), "nspawn", cgroup, Map.of()));
            }
            case "bwrap" -> {
                String name = option(args, "--hostname", null).orElse(null);
                yield Optional.of(info("bwrap-" + pidNs, name, null, "bwrap", cgroup, Map.of()));
            }
            case "conmon" -> option(args, "-c", "--cid").map(id -> {
                String name = option(args, "-n", "--name").orElse(null);
                String image = option(args, "-b", "--bundle").flatMap(b -> podmanImage(b, id)).orElse(null);
                Map<String, String> labels = uid > 0 ? Map.of("podman.rootless.uid", Integer.toString(uid)) : Map.of();
                return info(id, name, image, "podman", cgroup, labels);
            });
            default -> Optional.empty();
        };
    }

    /** A rootless container's image, from the user's store beside its bundle (…/<driver>-containers/<id>/userdata). */
    private static Optional<String> podmanImage(String bundle, String id) {
        Path b = Path.of(bundle);
        if (b.getParent() == null || b.getParent().getParent() == null) {
            return Optional.empty();
        }
        Path containersJson = b.getParent().getParent().resolve("containers.json");
        return new PodmanStore(containersJson).lookup(id).map(ContainerMeta::image);
    }

    /** The value of {@code -x V}, {@code -xV}, {@code --long V} or {@code --long=V}, bounded (renderers escape it). */
    static Optional<String> option(List<String> args, String shortName, String longName) {
        for (int i = 1; i < args.size(); i++) {
            String a = args.get(i);
            String v = null;
            if ((a.equals(shortName) || a.equals(longName)) && i + 1 < args.size()) {
                v = args.get(i + 1);
            } else if (longName != null && a.startsWith(longName + "=")) {
                v = a.substring(longName.length() + 1);
            } else if (shortName != null && shortName.length() == 2 && a.startsWith(shortName) && a.length() > 2
                    && !a.startsWith("--")) {
                v = a.substring(2);
            }
            if (v != null && !v.isEmpty()) {
                return Optional.of(v.length() > MAX_VALUE ? v.substring(0, MAX_VALUE) : v);
            }
        }
        return Optional.empty();
    }

    private static ContainerInfo info(String id, String name, String image, String runtime, String cgroup,
                                      Map<String, String> labels) {
        return new ContainerInfo(id, name, image, runtime, new HashMap<>(labels), null, cgroup);
    }
}
