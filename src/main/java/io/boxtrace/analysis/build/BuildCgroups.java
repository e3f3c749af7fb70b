package io.boxtrace.analysis.build;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises the cgroup of a build container from its path, as measured on this host (cgroup v1
 * hierarchies and the v2 unified one carry the same leaf):
 * <ul>
 * <li>classic builder: {@code /docker/<64 hex>}, the intermediate container ({@code Running in} id)</li>
 * <li>BuildKit in dockerd: {@code /docker/buildkit/<25 lowercase alnum>}, the runc executor's random id,
 *     one per RUN step (standalone buildkitd: {@code /buildkit/<id>})</li>
 * <li>podman build (Buildah): {@code /buildah-buildah<digits>}, one per RUN step</li>
 * </ul>
 * The analysis uses this when the container enricher has not classified the process, so it never
 * depends on a runtime API being reachable. Stateless.
 */
public final class BuildCgroups {

    /** A build container: its id (as the runtime names it, or the cgroup leaf) and runtime. */
    public record Match(String id, String runtime) {
    }

    private static final Pattern BUILDKIT = Pattern.compile("(?:^|/)buildkit/([a-z0-9]{20,32})(?:/|$)");
    private static final Pattern DOCKER = Pattern.compile("(?:^|/)(?:docker/|docker-)([0-9a-f]{64})(?:\\.scope)?(?:/|$)");
    private static final Pattern BUILDAH = Pattern.compile("(?:^|/)(buildah-buildah\\d+)(?:/|$)");

    private BuildCgroups() {
    }

    /** The build container of a cgroup path, or null when the path is not one. */
    public static Match classify(String cgroup) {
        if (cgroup == null) {
            return null;
        }
        Matcher m = BUILDKIT.matcher(cgroup);
        if (m.find()) {
            return new Match(m.group(1), "buildkit");
        }
        m = BUILDAH.matcher(cgroup);
        if (m.find()) {
            return new Match(m.group(1), "podman");
        }
        m = DOCKER.matcher(cgroup);
        if (m.find()) {
            return new Match(m.group(1), "docker");
        }
        return null;
    }
}
