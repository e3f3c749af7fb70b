package io.boxtrace.cli;

import picocli.CommandLine.Option;

/** {@code --source} on every command that reads kernel events. */
public final class SourceMixin {

    /** The event sources a user can ask for. */
    public enum SourceChoice { auto, ebpf, audit, netlink, procfs }

    @Option(names = "--source", paramLabel = "SOURCE", defaultValue = "auto",
            description = "Event source: auto (eBPF where BTF and privileges allow, else kernel audit, else the proc "
                    + "connector, else /proc polling), ebpf, audit, netlink or procfs. Default: ${DEFAULT-VALUE}.")
    SourceChoice source = SourceChoice.auto;

    /** Upper bound of both argv limits: the eBPF program's argv buffer holds 16383 bytes and a NUL. */
    static final int MAX_ARG_LIMIT = 16383;

    @picocli.CommandLine.Spec(picocli.CommandLine.Spec.Target.MIXEE)
    picocli.CommandLine.Model.CommandSpec spec;

    int maxArgs = 128;

    int maxArgBytes = MAX_ARG_LIMIT;

    @Option(names = "--max-args", paramLabel = "N", defaultValue = "128",
            description = "Most argv entries captured per exec by the eBPF and audit sources, 1 to " + MAX_ARG_LIMIT
                    + " (default ${DEFAULT-VALUE}).")
    void maxArgs(int n) {
        maxArgs = inRange("--max-args", n);
    }

    @Option(names = "--max-arg-bytes", paramLabel = "BYTES", defaultValue = "16383",
            description = "Most argv bytes captured per exec by the eBPF and audit sources, 1 to " + MAX_ARG_LIMIT
                    + " (default ${DEFAULT-VALUE}).")
    void maxArgBytes(int n) {
        maxArgBytes = inRange("--max-arg-bytes", n);
    }

    private int inRange(String option, int n) {
        if (n < 1 || n > MAX_ARG_LIMIT) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    option + " must be between 1 and " + MAX_ARG_LIMIT + ", not " + n);
        }
        return n;
    }

    public SourceChoice choice() {
        return source;
    }
}
