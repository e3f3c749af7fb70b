package io.boxtrace.analysis.build;

import java.util.Locale;

/** Which image builder ran a build, as recognised from its output. Stable names in JSON ({@code "classic"}, ...). */
public enum Builder {
    /** Docker's legacy builder: {@code Step N/M : ...}, one intermediate container per RUN */
    CLASSIC,
    /** BuildKit (inside dockerd or buildkitd): {@code #N [m/M] ...} plain progress, runc executor per RUN */
    BUILDKIT,
    /** podman build (Buildah): {@code STEP N/M: ...}, runc/crun container per RUN */
    PODMAN,
    /** the output was not recognised: steps stay unnamed, processes are grouped per container */
    UNKNOWN;

    public String jsonName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
