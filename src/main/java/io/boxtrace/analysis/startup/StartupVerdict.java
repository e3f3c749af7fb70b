package io.boxtrace.analysis.startup;

import io.boxtrace.container.ContainerRuntime;
import io.boxtrace.event.ProcessName;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Where a start that never ran the user's program stopped, and which process failed. The culprit
 * comes from the runtime chain, never from "the last process that exited non-zero": the start's
 * processes include the engine's own helpers (a CNI plugin's iptables probes exit 1 by design, and
 * podman cleans the network up after a failure), which fail as a matter of course. In order:
 * <ol>
 * <li>the OCI runtime asked to create, run, start or exec (runc, crun) that exited with an error, and
 * below it, its init stage that exited with an error (the stage that could not exec the program);
 * stages it killed are its own clean-up, not the cause;</li>
 * <li>else the client, when it exited with an error (the engine refused before any runtime ran);</li>
 * <li>else only the last phase reached.</li>
 * </ol>
 * Stateless.
 */
final class StartupVerdict {

    private static final Set<String> OCI_RUNTIMES = Set.of("runc", "crun");
    private static final Set<String> RUNTIME_VERBS = Set.of("create", "run", "start", "exec");

    private StartupVerdict() {
    }

    record Verdict(String stoppedAt, StartupReport.Proc failed) {
    }

    static Verdict of(List<StartupReport.Proc> roots, List<StartupReport.Phase> phases, int clientPid) {
        String phase = phases.isEmpty() ? "before the runtime was reached"
                : "after " + phases.getLast().name() + ", before the user's program ran";
        List<StartupReport.Proc> all = new ArrayList<>();
        flatten(roots, all);
        StartupReport.Proc runtime = null;
        for (StartupReport.Proc p : all) {
            if (verb(p) != null && failed(p) && (runtime == null || p.startNs() < runtime.startNs())) {
                runtime = p;
            }
        }
        if (runtime != null) {
            StartupReport.Proc stage = null;
            List<StartupReport.Proc> below = new ArrayList<>();
            flatten(runtime.children(), below);
            for (StartupReport.Proc p : below) {
                if (p.endNs() != 0 && !p.replaced() && p.exitCode() > 0 && (stage == null || p.startNs() > stage.startNs())) {
                    stage = p;
                }
            }
            if (stage != null) {
                return new Verdict(describe(runtime) + ": its " + describe(stage) + " " + phase, stage);
            }
            return new Verdict(describe(runtime) + " " + phase, runtime);
        }
        for (StartupReport.Proc p : all) {
            if (p.pid() == clientPid && !p.replacedParent() && lastImage(p).endNs() != 0 && failed(lastImage(p))) {
                StartupReport.Proc client = lastImage(p);
                return new Verdict(describe(client) + " " + phase, client);
            }
        }
        return new Verdict("the user's program never ran (" + (phases.isEmpty() ? phase : "after " + phases.getLast().name()) + ")", null);
    }

    private static StartupReport.Proc lastImage(StartupReport.Proc p) {
        for (StartupReport.Proc k : p.children()) {
            if (k.replacedParent()) {
                return lastImage(k);
            }
        }
        return p;
    }

    private static boolean failed(StartupReport.Proc p) {
        return p.endNs() != 0 && !p.replaced() && (p.exitCode() > 0 || p.signal() != 0);
    }

    /** "create" for {@code runc … create … ID}, null for anything that is not an OCI runtime asked to start. */
    static String verb(StartupReport.Proc p) {
        if (p.args().isEmpty() || !(OCI_RUNTIMES.contains(ContainerRuntime.baseName(p.args().getFirst()))
                || OCI_RUNTIMES.contains(p.comm()))) {
            return null;
        }
        return p.args().stream().filter(RUNTIME_VERBS::contains).findFirst().orElse(null);
    }

    private static String describe(StartupReport.Proc p) {
        String verb = verb(p);
        String name = ProcessName.of(p.comm(), p.args());
        return (verb == null ? name : name + " " + verb) + " (pid " + p.pid() + ") "
                + (p.signal() != 0 ? "was killed by signal " + p.signal() : "exited " + p.exitCode());
    }

    private static void flatten(List<StartupReport.Proc> procs, List<StartupReport.Proc> out) {
        for (StartupReport.Proc p : procs) {
            out.add(p);
            flatten(p.children(), out);
        }
    }
}
