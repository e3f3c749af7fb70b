package io.boxtrace.cli;

import io.boxtrace.container.ContainerRegistry;
import io.boxtrace.analysis.tree.ContainerTree;
import io.boxtrace.debug.DebugException;
import io.boxtrace.debug.DebugLauncher;
import io.boxtrace.debug.DebugTarget;
import io.boxtrace.debug.RuntimeLookup;
import io.boxtrace.debug.TargetResolver;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.state.ProcessTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code boxtrace debug}: the host's tools (or an image's) in a running container's namespaces. Parsing and wiring only. */
@Command(name = "debug", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = {"Start a shell (or COMMAND) with the host's tools in a running container's pid, network, uts, "
                + "ipc and cgroup namespaces, with a fresh /proc of the container and its root filesystem at /to-debug "
                + "(as the container sees it, writable where it can write). Nothing is installed in the container and "
                + "nothing is left behind. The container's environment is in /.boxtrace/environ. See docs/debug.md."})
public final class DebugCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONTAINER", description = "Container name or id prefix (any runtime).")
    String container;

    @Parameters(index = "1..*", paramLabel = "COMMAND", description = "Command to run instead of a shell (after --).")
    List<String> command = new ArrayList<>();

    @Option(names = "--mount-at", paramLabel = "DIR", defaultValue = "/to-debug",
            description = "Where the container's root filesystem appears (default: ${DEFAULT-VALUE}); an existing "
                    + "directory (hidden in the session only) or a new name directly under /.")
    String mountAt;

    @Option(names = "--tools", paramLabel = "host|IMAGE", defaultValue = "host",
            description = "Where the tools come from: the host's root (default) or a local Docker/Podman image, "
                    + "used as the root (read-only layers, writes vanish with the session).")
    String tools;

    @Option(names = "--net", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Join the container's network namespace (default; --no-net keeps the host's network).")
    boolean net;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String mount = checkedMountAt(mountAt);
        String missing = missingPrivileges(Capabilities.self(io.boxtrace.source.procfs.ProcReader.system()));
        if (missing != null) {
            throw BoxtraceException.missing("needs " + missing + " (run as root)");
        }
        try (Components c = Components.forHost(spec.commandLine().getErr(), "boxtrace debug")) {
            RuntimeLookup runtimes = RuntimeLookup.host();
            DebugTarget target = new TargetResolver(running(c), runtimes::known, runtimes::mainPid, c.proc())
                    .resolve(container);
            List<Path> layers = tools.equals("host") ? List.of() : runtimes.imageLayers(tools);
            spec.commandLine().getErr().flush();
            // Ctrl-C and SIGTERM are the session's to handle from here on, never a JVM exit.
            Interruption interruption = Interruption.install();
            return new DebugLauncher().run(new DebugLauncher.Request(target, mount, layers, net, command),
                    interruption::forwardTo);
        } catch (DebugException e) {
            throw new BoxtraceException(switch (e.kind()) {
                case AMBIGUOUS -> ExitCode.USAGE;
                case MISSING_PRIVILEGE -> ExitCode.MISSING_PRIVILEGE_OR_FEATURE;
                case NO_SUCH_CONTAINER, NOT_RUNNING, NO_SUCH_IMAGE, RUNTIME -> ExitCode.RUNTIME_ERROR;
            }, e.getMessage());
        }
    }

    /** The host's running containers, attributed from one /proc snapshot. */
    private static List<ContainerTree.Group> running(Components c) {
        ProcessTable table = c.table();
        ContainerRegistry registry = c.containers();
        for (SnapshotEvent s : c.snapshot()) {
            for (TracedEvent t : table.apply(s)) {
                registry.enrich(t);
            }
        }
        return ContainerTree.build(table.live(), registry::containerOf).containers();
    }

    /** setns and mounts need CAP_SYS_ADMIN, pivot_root CAP_SYS_CHROOT, another process's namespaces and root CAP_SYS_PTRACE. */
    static String missingPrivileges(Capabilities caps) {
        List<String> missing = new ArrayList<>();
        if (!caps.has(Capabilities.CAP_SYS_ADMIN)) {
            missing.add("CAP_SYS_ADMIN");
        }
        if (!caps.has(Capabilities.CAP_SYS_PTRACE)) {
            missing.add("CAP_SYS_PTRACE");
        }
        if (!caps.has(Capabilities.CAP_SYS_CHROOT)) {
            missing.add("CAP_SYS_CHROOT");
        }
        return missing.isEmpty() ? null : String.join(" and ", missing);
    }

    /** An absolute, normal path other than /, /proc and the session's own directory. */
    static String checkedMountAt(String dir) {
        Path p = Path.of(dir);
        String norm = p.normalize().toString();
        if (!p.isAbsolute() || !norm.equals(dir.length() > 1 && dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir)
                || norm.equals("/") || norm.equals("/proc") || norm.startsWith("/proc/")
                || norm.equals(DebugLauncher.SESSION_DIR) || norm.startsWith(DebugLauncher.SESSION_DIR + "/")) {
            throw BoxtraceException.usage("--mount-at " + dir + ": must be an absolute path without . or .., "
                    + "not /, /proc or " + DebugLauncher.SESSION_DIR);
        }
        return norm;
    }
}
