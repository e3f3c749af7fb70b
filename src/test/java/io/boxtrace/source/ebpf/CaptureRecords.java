package io.boxtrace.source.ebpf;

import io.boxtrace.internal.ffm.BpfObject;
import io.boxtrace.internal.ffm.Tracefs;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Records raw ring-buffer records from the real kernel into test fixtures (run as root, by hand,
 * when boxtrace.h changes): loads the program, follows this JVM, runs a known workload and writes
 * every record. Usage: java -cp ... CaptureRecords DIR
 */
public final class CaptureRecords {

    public static void main(String[] args) throws Exception {
        System.setProperty("jdk.lang.Process.launchMechanism", "FORK");
        Path dir = Files.createDirectories(Path.of(args[0]));
        Tracefs.ensureMounted();
        byte[] elf;
        try (InputStream in = CaptureRecords.class.getResourceAsStream(EbpfSource.OBJECT_RESOURCE)) {
            elf = in.readAllBytes();
        }
        try (BpfObject bpf = BpfObject.open(elf)) {
            bpf.load();
            ByteBuffer self = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt((int) ProcessHandle.current().pid());
            bpf.update(bpf.mapFd("follow"), self.array(), new byte[] {1});
            ByteBuffer cfg = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putInt(0, 8192).putInt(4, 1);
            bpf.update(bpf.mapFd("bt_config_map"), new byte[4], cfg.array());
            AtomicInteger n = new AtomicInteger();
            bpf.ringBuffer("events", rec -> {
                byte[] bytes = new byte[rec.remaining()];
                rec.get(bytes);
                try {
                    Files.write(dir.resolve(String.format("rec-%03d.bin", n.getAndIncrement())), bytes);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            bpf.attachAll();
            // argv with an empty and a non-UTF-8 argument; a failed exec; namespaces; a SIGKILL; exit 3.
            Process p = new ProcessBuilder("/bin/sh", "-c",
                    "/bin/echo fixture '' \"$(printf 'caf\\351')\" >/dev/null; /nonexistent/x 2>/dev/null;"
                            + " unshare -m -u /bin/true; sleep 5 & kill -9 $!; wait; exit 3").start();
            p.waitFor();
            for (int i = 0; i < 10; i++) {
                bpf.poll(100);
            }
            System.out.println("captured " + n.get() + " records; workload pid " + p.pid());
        }
    }
}
