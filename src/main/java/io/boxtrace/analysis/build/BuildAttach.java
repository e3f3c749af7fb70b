package io.boxtrace.analysis.build;

import io.boxtrace.container.ContainerRuntime;

import io.boxtrace.event.Clock;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.ExitEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.pipeline.Sink;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code build --attach}: profiles every build the host runs, one {@link BuildProfileAnalysis} per
 * build client ({@code docker|podman|buildah ... build}) from its exec to its exit. A build container
 * belongs to a build only when that is certain: podman's containers descend from their client (its
 * own analysis follows them), and an engine's containers (classic builder, BuildKit) are given to a
 * build only while it is the only build client running; with several at once they are left out and
 * counted ({@link #ambiguous}) rather than risk giving one build another's commands. The builder's
 * output is not visible here, so steps are the build's containers, unnamed.
 *
 * <p>Pipeline thread only; profiles are handed to the callback on that thread.
 */
public final class BuildAttach implements Sink {

    private final Clock clock;
    private final Consumer<BuildProfile> onProfile;
    private final Map<Integer, Active> active = new LinkedHashMap<>();
    /** build container id → its build; null value: seen while several builds ran (ambiguous). */
    private final Map<String, Active> owners = new HashMap<>();
    private long ambiguous;
    private long withoutClient;

    private static final class Active {
        final int pid;
        /** The client argv: its last exec that is a build command (env ... docker build becomes docker build). */
        List<String> args;
        final long startNs;
        /** The client's working directory at its exec (its Dockerfile's path is relative to it), or null. */
        String cwd;
        final BuildProfileAnalysis analysis = new BuildProfileAnalysis();
        /** The builder as told by where its first step container ran (the output, which names it, is not seen). */
        Builder stepsBuilder = Builder.UNKNOWN;

        Active(int pid, List<String> args, long startNs, String cwd) {
            this.pid = pid;
            this.args = args;
            this.startNs = startNs;
            this.cwd = cwd;
            analysis.followClient(pid);
        }
    }

    /** Reads a live process's working directory (/proc/PID/cwd), or null. */
    private final java.util.function.IntFunction<String> cwdOf;

    public BuildAttach(Clock clock, Consumer<BuildProfile> onProfile) {
        this(clock, onProfile, pid -> null);
    }

    /**
     * @param cwdOf reads a live process's working directory: the client's, at its exec, locates its
     *              Dockerfile (the process table's copy is its parent's, taken at the fork, and a
     *              shell's {@code cd} before the exec changes it)
     */
    public BuildAttach(Clock clock, Consumer<BuildProfile> onProfile, java.util.function.IntFunction<String> cwdOf) {
        this.clock = clock;
        this.onProfile = onProfile;
        this.cwdOf = cwdOf;
    }

    static boolean isBuildClient(List<String> args) {
        return ContainerRuntime.isBuildCommand(args);
    }

    @Override
    public void accept(TracedEvent t) {
        if (t.event() instanceof ExecEvent x && !x.failed() && !x.task().isThread() && isBuildClient(x.args())) {
            Active known = active.get(x.task().pid());
            String live = cwdOf.apply(x.task().pid());
            String cwd = live != null ? live : x.cwd() != null ? x.cwd() : t.process() == null ? null : t.process().cwd();
            Active wrapper = known == null ? active.get(x.task().ppid()) : null;
            if (wrapper != null) {
                // A wrapper that forked the client (timeout, time, sudo): one build, which ends when the client
                // does; its analysis already follows the wrapper's descendants.
                active.remove(x.task().ppid());
                wrapper.args = x.args();
                wrapper.cwd = cwd != null ? cwd : wrapper.cwd;
                active.put(x.task().pid(), wrapper);
            } else if (known == null) {
                active.put(x.task().pid(), new Active(x.task().pid(), x.args(), x.timeNs(), cwd));
            } else {
                known.args = x.args(); // a wrapper (env, sudo) exec'd the client itself in the same process
                known.cwd = cwd != null ? cwd : known.cwd;
            }
        }
        String container = containerId(t);
        if (container != null && !isPodmanChild(t)) {
            if (!owners.containsKey(container)) {
                owners.put(container, active.size() == 1 ? active.values().iterator().next() : null);
                if (active.size() > 1) {
                    ambiguous++;
                } else if (active.isEmpty()) {
                    withoutClient++;
                }
            }
            Active owner = owners.get(container);
            if (owner != null) {
                if (owner.stepsBuilder == Builder.UNKNOWN) {
                    owner.stepsBuilder = ContainerRuntime.of(t.container().runtime()) == ContainerRuntime.BUILDKIT
                            ? Builder.BUILDKIT : Builder.CLASSIC;
                }
                owner.analysis.accept(t);
            }
        } else if (!active.isEmpty()) { // no iterator per event while no build runs
            for (Active a : active.values()) {
                a.analysis.accept(t);
            }
        }
        if (t.event() instanceof ExitEvent x && !x.task().isThread() && active.containsKey(x.task().pid())) {
            finish(active.remove(x.task().pid()), x);
        }
    }

    /** Podman's build containers are its client's descendants: every analysis sees them and keeps its own. */
    private static boolean isPodmanChild(TracedEvent t) {
        ContainerInfo c = t.container();
        return c != null && ContainerRuntime.of(c.runtime()) == ContainerRuntime.PODMAN;
    }

    private static String containerId(TracedEvent t) {
        ContainerInfo c = t.container();
        return c != null && ContainerRuntime.of(c.runtime()).buildsImages() ? c.id() : null;
    }

    private void finish(Active a, ExitEvent exit) {
        BuildOutputParser parser = BuildOutputParser.detecting();
        parser.finish(exit.timeNs());
        int status = exit.killedBySignal() ? 128 + exit.signal() : exit.exitCode();
        onProfile.accept(BuildProfileAssembler.assemble(builder(parser.builder(), a), parser.steps(), a.analysis, a.args,
                clock.toInstant(a.startNs), a.startNs, exit.timeNs(), status, Set.of(),
                DockerfileLocator.locate(a.args, a.cwd, "--attach does not see the builder's output")));
        owners.values().removeIf(o -> o == a);
    }

    /**
     * The builder, without its output: an engine's build container under {@code buildkit/} is
     * BuildKit's, any other engine container the classic builder's (it runs each RUN as an ordinary
     * container); podman and buildah clients are Buildah. Unknown when no step ran.
     */
    private static Builder builder(Builder fromOutput, Active a) {
        if (fromOutput != Builder.UNKNOWN) {
            return fromOutput;
        }
        boolean podman = a.args.stream().map(ContainerRuntime::baseName).map(ContainerRuntime::ofClient)
                .flatMap(java.util.Optional::stream).findFirst().filter(r -> r == ContainerRuntime.PODMAN).isPresent();
        return podman ? Builder.PODMAN : a.stepsBuilder;
    }

    /** Build containers left out because several (two or more) build clients ran when they appeared. */
    public long ambiguous() {
        return ambiguous;
    }

    /** Build containers left out because no build client was running when they appeared. */
    public long withoutClient() {
        return withoutClient;
    }
}
