package io.boxtrace.cli;

import io.boxtrace.cli.SourceMixin.SourceChoice;
import io.boxtrace.container.CgroupIdIndex;
import io.boxtrace.container.CgroupPressure;
import io.boxtrace.container.ContainerMetadata;
import io.boxtrace.container.ContainerRegistry;
import io.boxtrace.container.DockerClient;
import io.boxtrace.container.PodmanStore;
import io.boxtrace.render.Escape;
import io.boxtrace.event.Clock;
import io.boxtrace.event.SnapshotEvent;
import io.boxtrace.event.TracedEvent;
import io.boxtrace.internal.ffm.Clocks;
import io.boxtrace.pipeline.ContainerStage;
import io.boxtrace.pipeline.Enricher;
import io.boxtrace.pipeline.StateStage;
import io.boxtrace.source.CgroupListener;
import io.boxtrace.source.EventSource;
import io.boxtrace.source.SourceOptions;
import io.boxtrace.source.audit.AuditSource;
import io.boxtrace.source.ebpf.EbpfSource;
import io.boxtrace.source.netlink.ProcConnectorSource;
import io.boxtrace.source.procfs.ProcReader;
import io.boxtrace.source.procfs.ProcSnapshot;
import io.boxtrace.source.procfs.ProcfsPollingSource;
import io.boxtrace.state.ProcessTable;
import io.boxtrace.state.UserNames;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * The concrete parts of one run on this host, and the only class that names them: clock, /proc
 * reader, snapshot, process table, the chosen source, enrichers. Commands get them from here.
 * Not thread-safe; the table and enrichers are handed to the pipeline thread.
 */
public final class Components implements AutoCloseable {

    /** Exited processes are kept this long for late events. */
    static final long GRACE_NS = 5_000_000_000L;
    static final int MAX_EXITED = 50_000;

    private final PrintWriter err;
    private final String command;
    private final Clock clock;
    private final ProcReader proc;
    private final ProcSnapshot snapshot;
    private final ProcessTable table;
    private final List<Enricher> enrichers = new ArrayList<>();
    private final ContainerMetadata metadata;
    private final ContainerRegistry containers;
    /** Named by the eBPF source as the kernel makes cgroups, read by the registry. */
    private final CgroupIdIndex cgroupIds = CgroupIdIndex.host();
    /** Pressure stalls of containers' cgroups while they exist; off unless a command starts it (build). */
    private final CgroupPressure pressure = CgroupPressure.host();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private Components(PrintWriter err, String command, Clock clock, ProcReader proc) {
        this.err = err;
        this.command = command;
        this.clock = clock;
        this.proc = proc;
        this.snapshot = new ProcSnapshot(proc, clock);
        this.table = new ProcessTable(snapshot::read, GRACE_NS, MAX_EXITED);
        this.metadata = new ContainerMetadata(new DockerClient(DockerClient.defaultSocket()), PodmanStore.host(),
                warning -> {
                    err.println(command + ": " + Escape.text(warning));
                    err.flush();
                });
        this.containers = new ContainerRegistry(proc, metadata, cgroupIds, clock::bootToMono);
        this.enrichers.add(new ContainerStage(containers));
        this.closeables.add(metadata);
        this.closeables.add(pressure);
    }

    /** The containers' pressure stall totals (eBPF source only; {@link CgroupPressure#start} turns it on). */
    public CgroupPressure pressure() {
        return pressure;
    }

    public ContainerRegistry containers() {
        return containers;
    }

    /** Why container names may be missing (a daemon that has not answered), else empty. */
    public java.util.Optional<String> namesPending() {
        return metadata.namesPending();
    }

    /** Waits at most maxMs for the runtimes' answers about containers already seen (their names). */
    public void awaitContainerNames(long maxMs) {
        metadata.awaitLookups(maxMs);
    }

    /** Follows the runtimes' event streams so short-lived containers keep their names (live runs only). */
    /**
     * The name the runtime gives a container that boxtrace saw only through its runtime's command
     * lines (a start that failed before any of its processes ran): Docker's event stream keeps it
     * after the container is gone. Top-level Docker and Podman containers only.
     */
    public java.util.Optional<String> containerName(String runtime, String id) {
        return metadata.lookup(new io.boxtrace.container.CgroupRef(runtime, id, null, null, null))
                .map(io.boxtrace.container.ContainerMeta::name).filter(n -> !n.equals(id));
    }

    public void watchRuntimes() {
        metadata.startEvents();
    }

    public static Components forHost(PrintWriter err, String command) {
        return new Components(err, command, Clock.system(Clocks.bootMinusMonoNs()), ProcReader.system());
    }

    public Clock clock() {
        return clock;
    }

    public ProcReader proc() {
        return proc;
    }

    public ProcessTable table() {
        return table;
    }

    public UserNames users() {
        return UserNames.host();
    }

    /** The /proc snapshot, parents first, for the process table before live events. */
    public List<SnapshotEvent> snapshot() {
        return snapshot.events();
    }

    /** The /proc snapshot with only what {@code tree} shows and attributes with (a third of the reads). */
    public List<SnapshotEvent> treeSnapshot() {
        return snapshot.events(ProcSnapshot.Detail.TREE);
    }

    public ProcSnapshot scanner() {
        return snapshot;
    }

    public List<Enricher> enrichers() {
        return enrichers;
    }

    /** The table as the pipeline's state step; a heal rescans /proc. */
    public StateStage state() {
        return new StateStage() {
            @Override
            public List<TracedEvent> apply(io.boxtrace.event.Event event) {
                return table.apply(event);
            }

            @Override
            public List<TracedEvent> dropGone() {
                // heal with only the scanned processes the table already has: retires the others, adds none
                java.util.List<io.boxtrace.event.ProcessInfo> known = snapshot.rescan(table::get).stream()
                        .filter(p -> table.get(p.pid()).isPresent()).toList();
                return table.heal(known, clock.nowMono());
            }

            @Override
            public List<TracedEvent> heal() {
                return table.heal(snapshot.rescan(table::get), clock.nowMono());
            }
        };
    }

    /** The eBPF source, telling the registry's cgroup index of each cgroup the kernel makes. */
    private EventSource ebpf(SourceOptions options) {
        EbpfSource source = new EbpfSource(options);
        source.onCgroupChanges(CgroupListener.both(cgroupIds, pressure));
        return source;
    }

    /**
     * The source to use. {@code auto} takes eBPF where BTF and privileges allow, else kernel audit,
     * else the proc connector, else /proc polling, and says in one line on stderr which it took and why. An
     * explicit choice that cannot work fails with exit 3, naming what is missing.
     */
    public EventSource chooseSource(SourceChoice choice, SourceOptions options) {
        Capabilities caps = Capabilities.self(proc);
        return switch (choice) {
            case ebpf -> {
                String missing = ebpfUnavailable(caps);
                if (missing != null) {
                    throw BoxtraceException.missing("the eBPF source " + missing);
                }
                yield ebpf(options);
            }
            case netlink -> {
                String missing = caps.missingForNetlink();
                if (missing != null) {
                    throw BoxtraceException.missing("the netlink source needs " + missing);
                }
                yield new ProcConnectorSource(proc, clock::bootToMono);
            }
            case audit -> {
                String missing = caps.missingForAudit();
                if (missing != null) {
                    throw BoxtraceException.missing("the audit source needs " + missing);
                }
                yield audit(options);
            }
            case procfs -> procfs();
            case auto -> new AutoSource(List.of(
                    new AutoSource.Candidate("eBPF", null, () -> ebpf(options), ebpfUnavailable(caps)),
                    // Before the proc connector: the kernel copies argv at exec, so none is lost to
                    // short-lived processes. It changes the host's audit configuration, so say so.
                    new AutoSource.Candidate("kernel audit",
                            "installed audit rules with key boxtrace-" + ProcessHandle.current().pid()
                                    + "; they are removed and the audit status restored at exit",
                            () -> audit(options),
                            caps.missingForAudit() == null ? null : "needs " + caps.missingForAudit()),
                    new AutoSource.Candidate("proc connector (netlink)",
                            "argv read from /proc: short-lived processes may lose it",
                            () -> new ProcConnectorSource(proc, clock::bootToMono),
                            caps.missingForNetlink() == null ? null : "needs " + caps.missingForNetlink()),
                    new AutoSource.Candidate("/proc polling", "misses processes shorter than "
                            + ProcfsPollingSource.DEFAULT_INTERVAL_MS + " ms", this::procfs, null)), err, command);
        };
    }

    /** What keeps the eBPF source from running, or null: privileges first, then kernel and build. */
    private static String ebpfUnavailable(Capabilities caps) {
        String missing = caps.missingForBpf();
        return missing != null ? "needs " + missing : EbpfSource.unavailableReason();
    }

    private EventSource audit(SourceOptions options) {
        long wallMinusMono = clock.toEpochNs(0);
        return new AuditSource(proc, epochNs -> epochNs - wallMinusMono, options);
    }

    private EventSource procfs() {
        return new ProcfsPollingSource(proc, clock, ProcfsPollingSource.DEFAULT_INTERVAL_MS);
    }

    public void addEnricher(Enricher e) {
        enrichers.add(e);
    }

    public void closeLater(AutoCloseable c) {
        closeables.add(c);
    }

    @Override
    public void close() {
        for (AutoCloseable c : closeables) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing is best effort: the run is over
            }
        }
        closeables.clear();
    }
}
