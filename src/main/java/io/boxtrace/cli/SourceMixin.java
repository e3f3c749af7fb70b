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

    @Option(names = "--max-args", paramLabel = "N", defaultValue = "128",
            description = "Most argv entries captured per exec by the eBPF and audit sources (default ${DEFAULT-VALUE}).")
    int maxArgs = 128;

    @Option(names = "--max-arg-bytes", paramLabel = "BYTES", defaultValue = "16384",
            description = "Most argv bytes captured per exec by the eBPF and audit sources (default ${DEFAULT-VALUE}).")
    int maxArgBytes = 16384;

    public SourceChoice choice() {
        return source;
    }
}
