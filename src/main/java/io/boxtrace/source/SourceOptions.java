package io.boxtrace.source;

import java.util.Set;

/**
 * What a source should capture. Sources that can filter in the kernel do so; others deliver
 * everything and leave filtering to the pipeline.
 *
 * @param followPids  when non-empty, only these processes and their descendants (following forks)
 * @param cgroupIds   when non-empty, only tasks in these cgroup v2 ids
 * @param maxArgs     the most argv entries to capture per exec
 * @param maxArgBytes the most argv bytes to capture per exec
 */
public record SourceOptions(Set<Integer> followPids, Set<Long> cgroupIds, int maxArgs, int maxArgBytes) {

    public static final int DEFAULT_MAX_ARGS = 128;
    public static final int DEFAULT_MAX_ARG_BYTES = 16 * 1024;

    public SourceOptions {
        followPids = Set.copyOf(followPids);
        cgroupIds = Set.copyOf(cgroupIds);
    }

    public static SourceOptions all() {
        return new SourceOptions(Set.of(), Set.of(), DEFAULT_MAX_ARGS, DEFAULT_MAX_ARG_BYTES);
    }

    public SourceOptions following(int pid) {
        return new SourceOptions(Set.of(pid), cgroupIds, maxArgs, maxArgBytes);
    }
}
