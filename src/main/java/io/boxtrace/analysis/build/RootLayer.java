package io.boxtrace.analysis.build;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What a BuildKit executor's first program carries about its step, read from /proc at its exec
 * (docs/build.md, "what was measured"): the overlay mounted as its root, whose {@code upperdir}
 * ({@code /var/lib/docker/overlay2/<dir>/diff}) is the snapshot the step writes and whose
 * {@code lowerdir} lists the snapshots it builds on, newest first, as links under
 * {@code /var/lib/docker/overlay2/l/} that point to {@code ../<dir>/diff}; and its environment at
 * exec (the stage's ARG and ENV values). The image a build writes lists its steps' {@code <dir>}s
 * among its layers, and a step's first lower layer is the previous snapshot of its stage. Reading
 * /proc is racy only for a first program that ends within the pipeline's lag. Stateless; thread-safe.
 */
public final class RootLayer {

    /** No real step environment comes close; a larger one is cut (the variables read stay exact). */
    static final int MAX_ENVIRON_BYTES = 64 * 1024;
    static final int MAX_ENV_VARS = 512;
    static final int MAX_LOWER_DIRS = 512;

    private final Path procRoot;
    private final Path hostRoot;

    /**
     * What was read from an executor's first program.
     *
     * @param upperDir  the layer directory it writes ({@code <dir>})
     * @param lowerDirs the layer directories below, newest first; null when a link could not be resolved
     * @param env       its environment at exec, null when unreadable
     */
    public record ExecutorRoot(String upperDir, List<String> lowerDirs, Map<String, String> env) {
        public ExecutorRoot {
            lowerDirs = lowerDirs == null ? null : List.copyOf(lowerDirs);
            env = env == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        }
    }

    public RootLayer(Path procRoot) {
        this(procRoot, Path.of("/"));
    }

    /** @param hostRoot where the host's {@code /} is (the lower links are resolved under it); a directory in tests */
    public RootLayer(Path procRoot, Path hostRoot) {
        this.procRoot = procRoot;
        this.hostRoot = hostRoot;
    }

    /** The layer directory name of pid's root overlay, if its root is an overlay with an upper dir. */
    public Optional<String> of(int pid) {
        return read(pid).map(ExecutorRoot::upperDir);
    }

    /** pid's root overlay layers and environment, if its root is an overlay with an upper dir. */
    public Optional<ExecutorRoot> read(int pid) {
        Path proc = procRoot.resolve(Integer.toString(pid));
        String options;
        try {
            options = rootOverlayOptions(Files.readAllLines(proc.resolve("mountinfo")));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone already, or not readable: the step falls back to other facts
        }
        if (options == null) {
            return Optional.empty();
        }
        Optional<String> upper = option(options, "upperdir").flatMap(RootLayer::layerDir);
        if (upper.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> lowerdir = option(options, "lowerdir");
        List<String> lowers = lowerdir.isPresent() ? lowerDirs(lowerdir.get()) : List.of(); // null: unresolved
        return Optional.of(new ExecutorRoot(upper.get(), lowers, environ(proc.resolve("environ"))));
    }

    /** The options of the overlay mounted at {@code /} ({@code rw,lowerdir=…,upperdir=…}), or null. */
    static String rootOverlayOptions(List<String> mountinfo) {
        for (String line : mountinfo) {
            String[] f = line.split(" ");
            int dash = line.indexOf(" - ");
            if (f.length > 5 && f[4].equals("/") && dash > 0) {
                String[] tail = line.substring(dash + 3).split(" ");
                if (tail.length >= 3 && tail[0].equals("overlay") && option(tail[2], "upperdir").isPresent()) {
                    return tail[2];
                }
            }
        }
        return null;
    }

    /** From {@code overlay overlay rw,lowerdir=…,upperdir=/x/overlay2/<dir>/diff,workdir=…}: {@code <dir>}. */
    static Optional<String> upperDirOf(String fsTypeSourceOptions) {
        String[] f = fsTypeSourceOptions.split(" ");
        if (f.length < 3 || !f[0].equals("overlay")) {
            return Optional.empty();
        }
        return option(f[2], "upperdir").flatMap(RootLayer::layerDir);
    }

    private static Optional<String> option(String options, String name) {
        for (String opt : options.split(",")) {
            if (opt.startsWith(name + "=")) {
                return Optional.of(opt.substring(name.length() + 1));
            }
        }
        return Optional.empty();
    }

    /**
     * {@code /var/lib/docker/overlay2/l/A:/var/lib/docker/overlay2/l/B} → the directories the links
     * point to, newest first; null when one cannot be resolved (then the chain is unknown, not guessed).
     */
    List<String> lowerDirs(String lowerdir) {
        List<String> out = new ArrayList<>();
        for (String entry : lowerdir.split(":")) {
            if (entry.isEmpty() || out.size() >= MAX_LOWER_DIRS) {
                return null;
            }
            Path p = Path.of(entry);
            Optional<String> dir;
            if (p.getParent() != null && p.getParent().getFileName() != null
                    && p.getParent().getFileName().toString().equals("l")) {
                dir = resolveLink(p);
            } else {
                dir = layerDir(entry);
            }
            if (dir.isEmpty()) {
                return null;
            }
            out.add(dir.get());
        }
        return out;
    }

    /** {@code l/<LINK>} → {@code ../<dir>/diff} → {@code <dir>}. */
    private Optional<String> resolveLink(Path link) {
        try {
            Path onHost = hostRoot.resolve(link.toString().substring(1));
            return layerDir(Files.readSymbolicLink(onHost).toString());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The NUL-separated {@code NAME=value} block of /proc/PID/environ, bounded; null when unreadable. */
    static Map<String, String> environ(Path file) {
        byte[] b;
        try (InputStream in = Files.newInputStream(file)) {
            b = in.readNBytes(MAX_ENVIRON_BYTES);
        } catch (IOException | RuntimeException e) {
            return null;
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String kv : new String(b, StandardCharsets.UTF_8).split("\0")) {
            int eq = kv.indexOf('=');
            if (eq > 0 && env.size() < MAX_ENV_VARS) {
                env.putIfAbsent(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return env;
    }

    /** {@code /var/lib/docker/overlay2/<dir>/diff} → {@code <dir>}; other shapes → the last component. */
    static Optional<String> layerDir(String path) {
        Path p = Path.of(path);
        if (p.getFileName() == null) {
            return Optional.empty();
        }
        Path dir = p.getFileName().toString().equals("diff") && p.getParent() != null ? p.getParent() : p;
        return dir.getFileName() == null ? Optional.empty() : Optional.of(dir.getFileName().toString());
    }

    /** The layer directory names of an image's {@code GraphDriver.Data} (UpperDir and the colon-separated LowerDir). */
    public static Set<String> imageLayers(String upperDir, String lowerDir) {
        return new LinkedHashSet<>(imageLayerList(upperDir, lowerDir));
    }

    /**
     * The same, in order, newest first: an executor of a step on this image has exactly these as the
     * last entries of its {@code lowerdir} (measured: a stage's first RUN has them as its only ones).
     */
    public static List<String> imageLayerList(String upperDir, String lowerDir) {
        List<String> out = new ArrayList<>();
        if (upperDir != null && !upperDir.isEmpty()) {
            layerDir(upperDir).ifPresent(out::add);
        }
        if (lowerDir != null && !lowerDir.isEmpty()) {
            for (String l : lowerDir.split(":")) {
                layerDir(l).ifPresent(out::add);
            }
        }
        return out;
    }
}
