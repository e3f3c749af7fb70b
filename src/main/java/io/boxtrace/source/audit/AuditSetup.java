package io.boxtrace.source.audit;

import io.boxtrace.internal.ffm.NativeException;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.function.IntPredicate;

/**
 * boxtrace's footprint in the kernel's audit configuration, and taking it back: its own rules
 * (tagged {@code boxtrace-PID}), and the status fields it changed (enabled, backlog_limit), each
 * restored at the end only if it still holds the value boxtrace set (someone else's later change
 * wins) and only when no other live boxtrace still relies on it.
 *
 * <p>A state file per run ({@code STATE_DIR/audit-PID.properties}) records the values found at
 * start, so a run that was killed (SIGKILL, crash) is cleaned up by the next: its rules are
 * deleted and its status changes undone. A run that starts while another runs inherits the other's
 * original values, so whichever ends last restores what was there before either.
 *
 * <p>Not thread-safe; used from start, close and the shutdown hook, which the source serialises.
 */
final class AuditSetup {

    static final String KEY_PREFIX = "boxtrace-";
    private static final String ENABLED_BEFORE = "enabled_before";
    private static final String BACKLOG_BEFORE = "backlog_limit_before";
    private static final String ENABLED_SET = "enabled_set";
    private static final String BACKLOG_SET = "backlog_limit_set";

    private final AuditControl control;
    private final Path stateDir;
    private final int self;
    private final IntPredicate alive;
    private final Properties state = new Properties();
    private List<byte[]> installed = List.of();
    private boolean restored;

    AuditSetup(AuditControl control, Path stateDir, int self, IntPredicate alive) {
        this.control = control;
        this.stateDir = stateDir;
        this.self = self;
        this.alive = alive;
    }

    String key() {
        return KEY_PREFIX + self;
    }

    /** Deletes the rules and undoes the status changes of earlier runs that did not end cleanly. */
    int cleanStale() throws NativeException {
        int removed = 0;
        for (byte[] rule : control.listRules()) {
            int owner = owner(AuditRule.key(ByteBuffer.wrap(rule)));
            if (owner > 0 && owner != self && !alive.test(owner)) {
                control.deleteRule(rule);
                removed++;
            }
        }
        for (Path file : stateFiles()) {
            int owner = ownerOfFile(file);
            if (owner > 0 && owner != self && !alive.test(owner)) {
                Properties dead = read(file);
                if (!otherLiveRuns()) {
                    undo(dead, control.status(null));
                }
                deleteQuietly(file);
            }
        }
        return removed;
    }

    /**
     * Installs boxtrace's rules and turns auditing on; raises the backlog limit to at least
     * minBacklog. Returns the status as found before.
     */
    AuditStatus install(List<byte[]> rules, int minBacklog) throws NativeException, IOException {
        AuditStatus before = control.status(null);
        Properties inherited = oldestLiveState();
        state.setProperty(ENABLED_BEFORE, inherited != null ? inherited.getProperty(ENABLED_BEFORE)
                : Integer.toString(before.enabled()));
        state.setProperty(BACKLOG_BEFORE, inherited != null ? inherited.getProperty(BACKLOG_BEFORE)
                : Integer.toString(before.backlogLimit()));
        state.setProperty(ENABLED_SET, "1");
        state.setProperty(BACKLOG_SET, Integer.toString(Math.max(before.backlogLimit(), minBacklog)));
        write();
        installed = List.copyOf(rules);
        for (byte[] r : installed) {
            control.addRule(r);
        }
        if (before.enabled() == 0) {
            control.set(AuditStatus.set(AuditStatus.MASK_ENABLED, 1, 0, 0), "enabling audit (AUDIT_SET enabled=1)", null);
        }
        if (before.backlogLimit() < minBacklog) {
            control.set(AuditStatus.set(AuditStatus.MASK_BACKLOG_LIMIT, 0, 0, minBacklog),
                    "raising the audit backlog limit", null);
        }
        return before;
    }

    /** Deletes this run's rules and undoes its status changes. Idempotent. */
    void restore() throws NativeException {
        if (restored) {
            return;
        }
        restored = true;
        NativeException first = null;
        for (byte[] r : installed) {
            try {
                control.deleteRule(r);
            } catch (NativeException e) {
                first = first == null ? e : first;
            }
        }
        if (!state.isEmpty() && !otherLiveRuns()) {
            undo(state, control.status(null));
        }
        deleteQuietly(stateFile(self));
        if (first != null) {
            throw first;
        }
    }

    private void undo(Properties p, AuditStatus now) throws NativeException {
        int enabledBefore = intOf(p, ENABLED_BEFORE);
        int backlogBefore = intOf(p, BACKLOG_BEFORE);
        if (backlogBefore > 0 && now.backlogLimit() == intOf(p, BACKLOG_SET) && now.backlogLimit() != backlogBefore) {
            control.set(AuditStatus.set(AuditStatus.MASK_BACKLOG_LIMIT, 0, 0, backlogBefore),
                    "restoring the audit backlog limit", null);
        }
        if (enabledBefore == 0 && now.enabled() == intOf(p, ENABLED_SET)) {
            control.set(AuditStatus.set(AuditStatus.MASK_ENABLED, 0, 0, 0), "restoring audit enabled=0", null);
        }
    }

    /** Whether another live boxtrace has rules installed (it still needs auditing on). */
    private boolean otherLiveRuns() throws NativeException {
        for (byte[] rule : control.listRules()) {
            int owner = owner(AuditRule.key(ByteBuffer.wrap(rule)));
            if (owner > 0 && owner != self && alive.test(owner)) {
                return true;
            }
        }
        return false;
    }

    private Properties oldestLiveState() {
        Properties best = null;
        int bestPid = Integer.MAX_VALUE;
        for (Path f : stateFiles()) {
            int owner = ownerOfFile(f);
            if (owner > 0 && owner != self && alive.test(owner) && owner < bestPid) {
                best = read(f);
                bestPid = owner;
            }
        }
        return best;
    }

    /** The pid in a boxtrace rule key, or -1 for anyone else's key. */
    static int owner(String key) {
        if (key == null || !key.startsWith(KEY_PREFIX)) {
            return -1;
        }
        try {
            return Integer.parseInt(key.substring(KEY_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int ownerOfFile(Path f) {
        String n = f.getFileName().toString();
        if (!n.startsWith("audit-") || !n.endsWith(".properties")) {
            return -1;
        }
        try {
            return Integer.parseInt(n.substring(6, n.length() - ".properties".length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private List<Path> stateFiles() {
        if (!Files.isDirectory(stateDir)) {
            return List.of();
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(stateDir, "audit-*.properties")) {
            List<Path> out = new java.util.ArrayList<>();
            ds.forEach(out::add);
            return out;
        } catch (IOException e) {
            return List.of();
        }
    }

    private Path stateFile(int pid) {
        return stateDir.resolve("audit-" + pid + ".properties");
    }

    private void write() throws IOException {
        Files.createDirectories(stateDir);
        try (Writer w = Files.newBufferedWriter(stateFile(self))) {
            state.store(w, "boxtrace audit source: status before this run, for restoring it if the run is killed");
        }
    }

    private static Properties read(Path f) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        } catch (IOException | IllegalArgumentException e) {
            // unreadable: nothing to restore from it
        }
        return p;
    }

    private static int intOf(Properties p, String key) {
        try {
            return Integer.parseInt(p.getProperty(key, "-1").strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a leftover file is cleaned by the next run
        }
    }
}
