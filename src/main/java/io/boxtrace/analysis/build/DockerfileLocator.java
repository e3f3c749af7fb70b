package io.boxtrace.analysis.build;

import io.boxtrace.container.ContainerRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds the Dockerfile a build client was given, from its argv and working directory, as the
 * clients do: {@code -f FILE} / {@code --file FILE} relative to the working directory, else
 * {@code Dockerfile} (podman and buildah: {@code Containerfile} first) in the context directory,
 * which is the last argument ({@code docker build [OPTIONS] PATH}). A context on stdin ({@code -}),
 * a URL or an unreadable file gives no Dockerfile and says why. Reads at most
 * {@link Dockerfile#MAX_BYTES}. Stateless.
 */
public final class DockerfileLocator {

    private DockerfileLocator() {
    }

    /**
     * @param argv     the build client's argv (wrappers such as {@code env} allowed before it)
     * @param cwd      the client's working directory, null if unknown
     * @param noOutput why the builder's output was not read, or null (see {@link StepNaming})
     */
    public static StepNaming locate(List<String> argv, String cwd, String noOutput) {
        int verb = verbIndex(argv);
        if (verb < 0 || verb == argv.size() - 1) {
            return new StepNaming(null, "no build context in the command line", noOutput);
        }
        String file = null;
        for (int i = verb + 1; i < argv.size(); i++) {
            String a = argv.get(i);
            if ((a.equals("-f") || a.equals("--file")) && i + 1 < argv.size()) {
                file = argv.get(++i);
            } else if (a.startsWith("--file=")) {
                file = a.substring("--file=".length());
            } else if (a.startsWith("-f") && a.length() > 2 && !a.startsWith("--")) {
                file = a.substring(2);
            }
        }
        String context = argv.getLast();
        if ("-".equals(file) || context.equals("-")) {
            return new StepNaming(null, "the Dockerfile came on standard input", noOutput);
        }
        if (context.contains("://") || context.startsWith("git@")) {
            return new StepNaming(null, "the build context is remote (" + context + ")", noOutput);
        }
        if (context.startsWith("-")) {
            return new StepNaming(null, "no build context as the last argument", noOutput);
        }
        Path base = cwd == null ? null : Path.of(cwd);
        Path ctx = resolve(base, context);
        if (ctx == null) {
            return new StepNaming(null, "the client's working directory is unknown", noOutput);
        }
        List<Path> tries;
        if (file != null) {
            Path f = resolve(base, file);
            tries = f == null ? List.of() : List.of(f);
        } else {
            boolean podman = argv.subList(0, verb).stream().map(ContainerRuntime::baseName)
                    .anyMatch(p -> p.equals("podman") || p.equals("buildah"));
            tries = podman ? List.of(ctx.resolve("Containerfile"), ctx.resolve("Dockerfile"))
                    : List.of(ctx.resolve("Dockerfile"));
        }
        for (Path p : tries) {
            String text = read(p);
            if (text != null) {
                return new StepNaming(Dockerfile.parse(p.toString(), text), null, noOutput);
            }
        }
        return new StepNaming(null, "cannot read " + (tries.isEmpty() ? file : tries.getLast()), noOutput);
    }

    /** The Dockerfile the user named ({@code build --dockerfile FILE}), whatever the command line says. */
    public static StepNaming given(Path file, String noOutput) {
        String text = read(file);
        return text == null ? new StepNaming(null, "cannot read " + file, noOutput)
                : new StepNaming(Dockerfile.parse(file.toString(), text), null, noOutput);
    }

    private static int verbIndex(List<String> argv) {
        for (int i = 0; i < argv.size(); i++) {
            if (ContainerRuntime.ofClient(ContainerRuntime.baseName(argv.get(i))).isPresent()) {
                for (int j = i + 1; j < argv.size(); j++) {
                    if (argv.get(j).equals("build") || argv.get(j).equals("bud")) {
                        return j;
                    }
                }
                return -1;
            }
        }
        return -1;
    }

    private static Path resolve(Path base, String p) {
        Path path = Path.of(p);
        if (path.isAbsolute()) {
            return path;
        }
        return base == null ? null : base.resolve(path).normalize();
    }

    /** The file's text, or null when it is missing, not a regular file, unreadable or too large. */
    private static String read(Path p) {
        try {
            if (!Files.isRegularFile(p)) {
                return null;
            }
            try (InputStream in = Files.newInputStream(p)) {
                byte[] b = in.readNBytes(Dockerfile.MAX_BYTES + 1);
                return b.length > Dockerfile.MAX_BYTES ? null : new String(b, StandardCharsets.UTF_8);
            }
        } catch (IOException | RuntimeException e) {
            return null; // unreadable: the profile says so instead of naming steps
        }
    }
}
