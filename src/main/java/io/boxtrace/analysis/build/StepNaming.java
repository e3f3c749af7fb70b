package io.boxtrace.analysis.build;

/**
 * What names a build's steps when the builder's output does not, and why each source is missing,
 * so the profile says what was missing rather than guessing.
 *
 * @param dockerfile   the build's Dockerfile, or null when it could not be read
 * @param noDockerfile why there is no Dockerfile (stdin, a URL, unreadable), null when there is one
 * @param noOutput     why the builder's output was not read ({@code --from}: recordings do not hold it;
 *                     {@code --attach}: another process's output), null when boxtrace read it
 *                     Immutable.
 */
public record StepNaming(Dockerfile dockerfile, String noDockerfile, String noOutput) {

    /** Nothing but the builder's output, as before a Dockerfile was looked for. */
    public static final StepNaming OUTPUT_ONLY = new StepNaming(null, "not looked for", null);
}
