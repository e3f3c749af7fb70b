package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The host's audit configuration as auditctl shows it, and auditd started and stopped by hand
 * (there is no init system here): what the audit integration tests compare before and after.
 */
final class AuditHost {

    private AuditHost() {
    }

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("%s: %s", String.join(" ", cmd), out).isZero();
        return out;
    }

    /** auditctl -l, exactly. */
    static String rules() throws IOException, InterruptedException {
        return run("auditctl", "-l");
    }

    /** enabled, pid and backlog_limit from auditctl -s. */
    static Map<String, String> status() throws IOException, InterruptedException {
        Map<String, String> out = new TreeMap<>();
        for (String line : run("auditctl", "-s").split("\n")) {
            String[] kv = line.strip().split(" ", 2);
            if (kv.length == 2 && (kv[0].equals("enabled") || kv[0].equals("pid") || kv[0].equals("backlog_limit"))) {
                out.put(kv[0], kv[1]);
            }
        }
        assertThat(out).containsOnlyKeys("enabled", "pid", "backlog_limit");
        return out;
    }

    static int daemonPid() throws IOException, InterruptedException {
        return Integer.parseInt(status().get("pid"));
    }

    /** Starts Debian's auditd (it daemonizes) and waits until the kernel knows it as the audit daemon. */
    static int startAuditd() throws Exception {
        Files.createDirectories(Path.of("/var/log/audit"));
        run("auditd");
        for (int i = 0; i < 100 && daemonPid() == 0; i++) {
            Thread.sleep(50);
        }
        int pid = daemonPid();
        assertThat(pid).as("auditd registered with the kernel").isPositive();
        return pid;
    }

    /** Stops the registered audit daemon (SIGTERM by its pid) and waits until the kernel forgot it. */
    static void stopAuditd() throws Exception {
        int pid = daemonPid();
        if (pid == 0) {
            return;
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroy);
        for (int i = 0; i < 100 && ProcessHandle.of(pid).isPresent(); i++) {
            Thread.sleep(50);
        }
        assertThat(ProcessHandle.of(pid)).as("auditd stopped").isEmpty();
    }
}
