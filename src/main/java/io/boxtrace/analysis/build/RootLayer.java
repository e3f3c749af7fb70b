package io.boxtrace.analysis.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * The snapshot a BuildKit executor writes to: the {@code upperdir} of the overlay mounted as its
 * root. Measured with dockerd 20.10's BuildKit on overlay2 (docs/build.md): a RUN step's executor
 * has {@code upperdir=/var/lib/docker/overlay2/<dir>/diff}, and the image the build writes lists
 * that very {@code <dir>} among its layers ({@code GraphDriver.Data.UpperDir}/{@code LowerDir} of
 * {@code docker image inspect}), while a concurrent build's executors write other directories. The
 * directory name is therefore a fact tying an executor to the build whose image holds it. Reading
 * /proc/PID/mountinfo is racy only for a first program that ends within the pipeline's lag.
 * Stateless; thread-safe.
 */
public final class RootLayer {

    private final Path procRoot;

    public RootLayer(Path procRoot) {
        this.procRoot = procRoot;
    }

    /** The layer directory name of pid's root overlay, if its root is an overlay with an upper dir. */
    public Optional<String> of(int pid) {
        try {
            for (String line : Files.readAllLines(procRoot.resolve(Integer.toString(pid)).resolve("mountinfo"))) {
                String[] f = line.split(" ");
                int dash = line.indexOf(" - ");
                if (f.length > 5 && f[4].equals("/") && dash > 0) {
                    Optional<String> dir = upperDirOf(line.substring(dash + 3));
                    if (dir.isPresent()) {
                        return dir;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone already, or not readable: the step falls back to timing
        }
        return Optional.empty();
    }

    /** From {@code overlay overlay rw,lowerdir=…,upperdir=/x/overlay2/<dir>/diff,workdir=…}: {@code <dir>}. */
    static Optional<String> upperDirOf(String fsTypeSourceOptions) {
        String[] f = fsTypeSourceOptions.split(" ");
        if (f.length < 3 || !f[0].equals("overlay")) {
            return Optional.empty();
        }
        for (String opt : f[2].split(",")) {
            if (opt.startsWith("upperdir=")) {
                return layerDir(opt.substring("upperdir=".length()));
            }
        }
        return Optional.empty();
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
        Set<String> out = new LinkedHashSet<>();
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
