package io.boxtrace.source.netlink;

import io.boxtrace.internal.ffm.NetlinkSocket;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Records raw proc connector datagrams from the real kernel into test fixtures (run as root, by
 * hand, when the fixtures need renewing): subscribes, runs a known workload, and keeps every
 * datagram about it. Usage: java -cp ... CaptureFixtures DIR
 */
public final class CaptureFixtures {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        Files.createDirectories(dir);
        try (NetlinkSocket s = NetlinkSocket.open(ProcConnector.NETLINK_CONNECTOR, ProcConnector.CN_IDX_PROC, 65536)) {
            s.setReceiveTimeout(200);
            s.send(ProcConnector.subscription(ProcConnector.PROC_CN_MCAST_LISTEN, (int) ProcessHandle.current().pid()));
            // A shell that renames itself, runs a child that exits 3, and one killed by SIGKILL.
            Process p = new ProcessBuilder("/bin/sh", "-c",
                    "echo fixture > /proc/self/comm; /bin/sh -c 'exit 3'; sleep 5 & kill -9 $!; wait").start();
            long deadline = System.nanoTime() + 2_000_000_000L;
            int n = 0;
            while (System.nanoTime() < deadline) {
                ByteBuffer d = s.receive();
                if (d == null) {
                    continue;
                }
                byte[] bytes = new byte[d.remaining()];
                d.get(bytes);
                Files.write(dir.resolve(String.format("dgram-%03d.bin", n++)), bytes);
            }
            p.waitFor();
            System.out.println("captured " + n + " datagrams; workload pid " + p.pid());
            s.release();
        }
    }
}
