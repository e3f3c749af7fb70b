package io.boxtrace.analysis.startup;

import io.boxtrace.container.ContainerRuntime;
import io.boxtrace.event.ContainerInfo;
import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.TracedEvent;
import java.util.List;
import java.util.Set;

/**
 * What the command lines of a start say about its container, for the facts the runtime could not
 * give: the name of a container that failed before the engine answered for it, and whether the
 * command entered a running container rather than starting one. Stateless.
 */
final class ContainerNames {

    /** Verbs that start a container, or enter one that runs already (exec, attach). */
    private static final Set<String> START_VERBS = Set.of("run", "start", "create");
    private static final Set<String> ENTER_VERBS = Set.of("exec", "attach");

    private ContainerNames() {
    }

    /**
     * The container with its name filled from the runtime's own command lines when the engine gave
     * none (a start that failed leaves nothing to ask): conmon's {@code -n NAME} beside the id, else
     * the client's {@code --name NAME}. Unchanged when the name is known or nothing says it.
     */
    static ContainerInfo withName(ContainerInfo c, List<String> command, List<TracedEvent> events) {
        if (c == null || c.name() != null) {
            return c;
        }
        String name = null;
        for (TracedEvent t : events) {
            if (t.event() instanceof ExecEvent x && !x.failed() && t.container() == null && !x.args().isEmpty()
                    && ContainerRuntime.isScaffoldingName(ContainerRuntime.baseName(x.args().getFirst()))
                    && x.args().stream().anyMatch(a -> a.equals(c.id()))) {
                name = option(x.args(), "-n", "--name");
                if (name != null) {
                    break;
                }
            }
        }
        if (name == null && ContainerRuntime.isStartCommand(command)) {
            name = option(command, "--name", null);
        }
        return name == null || name.isEmpty() ? c
                : new ContainerInfo(c.id(), name, c.image(), c.runtime(), c.labels(), c.parent(), c.cgroup());
    }

    /** The value of option {@code shortName} or {@code longName} ({@code -n X}, {@code --name X}, {@code --name=X}), or null. */
    private static String option(List<String> args, String shortName, String longName) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals(shortName) || a.equals(longName)) && i + 1 < args.size()) {
                return args.get(i + 1);
            }
            for (String n : new String[] {shortName, longName}) {
                if (n != null && n.startsWith("--") && a.startsWith(n + "=")) {
                    return a.substring(n.length() + 1);
                }
            }
        }
        return null;
    }

    /**
     * True when the command entered the container rather than started it: the verb nearest before
     * the word naming the container is exec or attach ({@code docker exec svc …}, {@code runc exec ID
     * …}, {@code lxc-attach -n NAME}). "docker exec outer docker run --name inner …" starts inner.
     */
    static boolean entered(List<String> command, ContainerInfo c) {
        if (c == null) {
            return false;
        }
        for (int i = 0; i < command.size(); i++) {
            String a = command.get(i);
            if (a.equals(c.name()) || (a.length() >= 6 && c.id().startsWith(a))) {
                for (int j = i - 1; j >= 0; j--) {
                    String w = command.get(j);
                    if (ENTER_VERBS.contains(w) || ContainerRuntime.baseName(w).equals("lxc-attach")) {
                        return true;
                    }
                    if (START_VERBS.contains(w)) {
                        return false;
                    }
                }
                return false;
            }
        }
        return false;
    }
}
