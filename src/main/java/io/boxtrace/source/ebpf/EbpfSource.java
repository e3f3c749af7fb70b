package io.boxtrace.source.ebpf;

import io.boxtrace.event.LostEvent;
import io.boxtrace.internal.ffm.BpfObject;
import io.boxtrace.internal.ffm.Errno;
import io.boxtrace.internal.ffm.LibBpf;
import io.boxtrace.internal.ffm.NativeException;
import io.boxtrace.internal.ffm.Tracefs;
import io.boxtrace.source.CgroupListener;
import io.boxtrace.source.EventSource;
import io.boxtrace.source.SourceOptions;
import io.boxtrace.source.SourceSink;
import io.boxtrace.source.SourceStats;
import io.boxtrace.source.SourceUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Process and namespace events captured in the kernel by boxtrace's eBPF program (src/main/bpf),
 * loaded through the system's libbpf: every exec with its full argv read from the new image,
 * failed execs, forks with clone flags, one exit per process, unshare/setns/pivot_root/chroot.
 *
 * <p>A dedicated platform thread polls the ring buffer and, every {@value #LOST_POLL_MS} ms, the
 * kernel's count of records it could not reserve, which becomes a {@link LostEvent}.
 * {@link #follow} filters in the kernel: only that process and its descendants pass.
 *
 * <p>Lifetime: {@link #start} once; {@link #close} from any thread wakes and stops the reader and
 * detaches everything.
 */
public final class EbpfSource implements EventSource {

    static final String OBJECT_RESOURCE = "/bpf/boxtrace.bpf.o";
    /**
     * Also the most a record waits (the kernel side wakes us only past 256 KiB). Measured with
     * bench/exec-storm.sh: 20 → 100 ms cut the reader's and pipeline's CPU per exec by a fifth, since
     * each wake-up starts on caches the traced workload has cooled; stopping does not wait for it
     * ({@link #close} wakes the reader).
     */
    private static final int POLL_TIMEOUT_MS = 100;
    private static final int LOST_POLL_MS = 100;

    private final SourceOptions options;
    private final AtomicLong events = new AtomicLong();
    private final AtomicLong lost = new AtomicLong();
    private final AtomicLong decodeErrors = new AtomicLong();
    private CgroupListener cgroupListener;
    private final List<Integer> pendingFollows = new ArrayList<>();
    private final List<Long> pendingCgroups = new ArrayList<>();
    /** Records decoded during one poll; touched by the reader thread only. */
    private final List<io.boxtrace.event.Event> batch = new ArrayList<>();
    private volatile boolean closed;
    private BpfObject bpf;
    private int followFd = -1;
    private int configFd = -1;
    private boolean followEnabled;
    private boolean cgroupEnabled;
    private int cgroupsFd = -1;
    private Thread thread;
    /** The program being loaded by {@link #prepare}, until {@link #start} takes it. */
    private java.util.concurrent.CompletableFuture<BpfObject> loading;

    public EbpfSource(SourceOptions options) {
        this.options = options;
        options.followPids().forEach(pendingFollows::add);
    }

    @Override
    public String name() {
        return "ebpf";
    }

    /** Why this source cannot work here, or null when it can (as far as can be told before loading). */
    public static String unavailableReason() {
        if (!Files.isReadable(Path.of("/sys/kernel/btf/vmlinux"))) {
            return "this kernel exposes no BTF (/sys/kernel/btf/vmlinux)";
        }
        try (InputStream in = EbpfSource.class.getResourceAsStream("/bpf/UNAVAILABLE")) {
            if (in != null) {
                return "the eBPF program was not built: " + new String(in.readAllBytes()).strip()
                        + " (install clang llvm bpftool libbpf-dev and rebuild)";
            }
        } catch (IOException ignored) {
            // fall through to the object check
        }
        if (EbpfSource.class.getResource(OBJECT_RESOURCE) == null) {
            return "the eBPF program is missing from the jar (rebuild with clang and bpftool installed)";
        }
        try {
            LibBpf.drainMessages();
        } catch (UnsatisfiedLinkError e) {
            return e.getMessage();
        }
        return null;
    }

    @Override
    public synchronized void start(SourceSink sink) throws SourceUnavailableException {
        String reason = unavailableReason();
        if (reason != null) {
            throw new SourceUnavailableException(reason);
        }
        try {
            bpf = loaded();
            configFd = bpf.mapFd("bt_config_map");
            followFd = bpf.mapFd("follow");
            cgroupsFd = bpf.mapFd("cgroups");
            for (long id : options.cgroupIds()) {
                addCgroup(id);
            }
            for (long id : pendingCgroups) {
                addCgroup(id);
            }
            for (int pid : pendingFollows) {
                addFollow(pid);
            }
            writeConfig();
            RecordDecoder decoder = new RecordDecoder(options.maxArgs(), cgroupListener);
            bpf.ringBuffer("events", record -> {
                long before = decoder.malformed();
                decoder.decode(record, batch::add);
                decodeErrors.addAndGet(decoder.malformed() - before);
            });
            bpf.attachAll();
        } catch (NativeException e) {
            close();
            throw unavailable(e);
        } catch (IOException e) {
            close();
            throw new SourceUnavailableException("cannot read the embedded eBPF program: " + e.getMessage(), e);
        }
        int lostFd = bpf.mapFd("lost");
        int cpus = bpf.possibleCpus();
        thread = Thread.ofPlatform().name("boxtrace-ebpf").daemon(true).start(() -> readLoop(sink, lostFd, cpus));
    }

    /**
     * Loads the program (the kernel's verifier takes most of the time to attach) on a thread of its
     * own, so that {@link #start} finds it loaded. Measured by bench/attach-time.sh.
     */
    @Override
    public synchronized void prepare() {
        if (loading != null || closed || unavailableReason() != null) {
            return;
        }
        loading = new java.util.concurrent.CompletableFuture<>();
        Thread.ofPlatform().name("boxtrace-ebpf-load").daemon(true).start(() -> {
            try {
                loading.complete(load());
            } catch (NativeException | IOException | RuntimeException e) {
                loading.completeExceptionally(e);
            }
        });
    }

    private BpfObject load() throws NativeException, IOException {
        Tracefs.ensureMounted();
        BpfObject o = BpfObject.open(readObject());
        try {
            o.load();
        } catch (NativeException | RuntimeException e) {
            o.close();
            throw e;
        }
        return o;
    }

    /** The program, loaded by {@link #prepare} or now. */
    private BpfObject loaded() throws NativeException, IOException {
        if (loading == null) {
            return load();
        }
        try {
            BpfObject o = loading.join();
            loading = null;
            return o;
        } catch (java.util.concurrent.CompletionException e) {
            loading = null;
            switch (e.getCause()) {
                case NativeException n -> throw n;
                case IOException io -> throw io;
                case RuntimeException r -> throw r;
                default -> throw e;
            }
        }
    }

    private SourceUnavailableException unavailable(NativeException e) {
        String log = LibBpf.drainMessages();
        String what = switch (e.errno()) {
            case Errno.EPERM, Errno.EACCES -> "the eBPF source needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN): "
                    + e.call() + " was refused";
            case Errno.ENOENT -> e.call() + ": a tracepoint is missing from this kernel";
            default -> e.getMessage();
        };
        String lastLine = log.lines().filter(l -> !l.isBlank()).reduce((a, b) -> b).orElse("");
        return new SourceUnavailableException(lastLine.isEmpty() ? what : what + " (libbpf: " + lastLine + ")", e);
    }

    private byte[] readObject() throws IOException {
        try (InputStream in = EbpfSource.class.getResourceAsStream(OBJECT_RESOURCE)) {
            if (in == null) {
                throw new IOException("no " + OBJECT_RESOURCE + " in the jar");
            }
            return in.readAllBytes();
        }
    }

    private void readLoop(SourceSink sink, int lostFd, int cpus) {
        byte[] key = new byte[4];
        byte[] perCpu = new byte[8 * Math.max(1, cpus)];
        long reported = 0;
        long nextLostCheck = 0;
        try {
            while (!closed) {
                int n = bpf.poll(POLL_TIMEOUT_MS);
                if (!batch.isEmpty()) {
                    // One hand-over per poll rather than per record: the pipeline thread wakes once.
                    events.addAndGet(batch.size());
                    sink.acceptAll(batch);
                    batch.clear();
                }
                if (n < 0 && -n != Errno.EINTR) {
                    throw new IllegalStateException("waiting on the ring buffer failed: " + Errno.describe(-n));
                }
                long now = System.nanoTime();
                if (now >= nextLostCheck) {
                    nextLostCheck = now + LOST_POLL_MS * 1_000_000L;
                    long total = sumPerCpu(lostFd, key, perCpu);
                    if (total > reported) {
                        lost.addAndGet(total - reported);
                        sink.accept(new LostEvent(now, name(), total - reported, "ring buffer full"));
                        reported = total;
                    }
                }
            }
        } catch (RuntimeException e) {
            sink.failed(e);
        }
    }

    private long sumPerCpu(int fd, byte[] key, byte[] values) {
        if (!bpf.lookup(fd, key, values)) {
            return 0;
        }
        ByteBuffer b = ByteBuffer.wrap(values).order(ByteOrder.nativeOrder());
        long sum = 0;
        while (b.remaining() >= 8) {
            sum += b.getLong();
        }
        return sum;
    }

    /** Filters in the kernel from now on: only pid and its descendants. */
    @Override
    public synchronized void onCgroupChanges(CgroupListener listener) {
        this.cgroupListener = listener;
    }

    @Override
    public synchronized void follow(int pid) {
        if (bpf == null) {
            pendingFollows.add(pid);
            return;
        }
        try {
            addFollow(pid);
            writeConfig();
        } catch (NativeException e) {
            throw new IllegalStateException("cannot update the eBPF follow map: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void restrictToCgroups(java.util.Set<Long> ids) {
        if (ids.isEmpty()) {
            return;
        }
        if (bpf == null) {
            pendingCgroups.addAll(ids);
            return;
        }
        try {
            for (long id : ids) {
                addCgroup(id);
            }
            writeConfig();
        } catch (NativeException e) {
            throw new IllegalStateException("cannot update the eBPF cgroup map: " + e.getMessage(), e);
        }
    }

    private void addCgroup(long id) throws NativeException {
        ByteBuffer k = ByteBuffer.allocate(8).order(ByteOrder.nativeOrder()).putLong(id);
        bpf.update(cgroupsFd, k.array(), new byte[] {1});
        cgroupEnabled = true;
    }

    private void addFollow(int pid) throws NativeException {
        ByteBuffer k = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(pid);
        bpf.update(followFd, k.array(), new byte[] {1});
        followEnabled = true;
    }

    private void writeConfig() throws NativeException {
        ByteBuffer v = ByteBuffer.allocate(RecordLayout.CONFIG_SIZE).order(ByteOrder.nativeOrder());
        v.putInt(RecordLayout.C_MAX_ARG_BYTES, Math.min(options.maxArgBytes(), RecordLayout.ARGS_MAX - 1));
        v.putInt(RecordLayout.C_FOLLOW_ENABLED, followEnabled ? 1 : 0);
        v.putInt(RecordLayout.C_CGROUP_ENABLED, cgroupEnabled ? 1 : 0);
        bpf.update(configFd, new byte[4], v.array());
    }

    @Override
    public SourceStats stats() {
        return new SourceStats(events.get(), lost.get(), 0, decodeErrors.get());
    }

    @Override
    public void close() {
        closed = true;
        synchronized (this) {
            if (bpf != null) {
                bpf.wakeReader();
            }
        }
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (this) {
            if (bpf != null) {
                // A reader still inside a hand-over (a stuck consumer) keeps reading the ring's mapping.
                bpf.close(t == null || !t.isAlive() || t == Thread.currentThread());
                bpf = null;
            }
            if (loading != null) {
                loading.thenAccept(BpfObject::close); // prepared but never started
                loading = null;
            }
        }
    }
}
