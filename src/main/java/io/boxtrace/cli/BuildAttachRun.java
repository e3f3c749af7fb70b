package io.boxtrace.cli;

import io.boxtrace.analysis.build.BuildAttach;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code boxtrace build --attach}: profiles every build the host runs until Ctrl-C/SIGTERM, one
 * profile per build, printed (and written to numbered files) as each ends.
 */
final class BuildAttachRun {

    private BuildAttachRun() {
    }

    static int run(SourceMixin sourceOptions, BuildOutputs outputs, PrintWriter err) {
        AtomicInteger n = new AtomicInteger();
        try (TraceSession session = TraceSession.open("boxtrace build", sourceOptions, err)) {
            BuildAttach attachSink = new BuildAttach(session.clock(),
                    profile -> outputs.numbered(n.incrementAndGet())
                            .report(profile.withPressure(BuildCommand.pressureOf(session))),
                    BuildAttachRun::liveCwd);
            session.sink(attachSink);
            session.components().pressure().start();
            session.start();
            err.println("boxtrace build: profiling every build on this host until interrupted (Ctrl-C)");
            err.flush();
            int code = session.runUntilInterrupted(Long.MAX_VALUE);
            err.println("boxtrace build: " + n.get() + " build(s) profiled" + (attachSink.ambiguous() == 0 ? ""
                    : ", " + attachSink.ambiguous() + " build container(s) left out: several builds ran at once")
                    + (attachSink.withoutClient() == 0 ? ""
                    : ", " + attachSink.withoutClient() + " build container(s) left out: no build client was running"));
            err.flush();
            return code;
        }
    }

    /** A live process's working directory, or null when it is gone or unreadable. */
    private static String liveCwd(int pid) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", Integer.toString(pid), "cwd")).toString();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
