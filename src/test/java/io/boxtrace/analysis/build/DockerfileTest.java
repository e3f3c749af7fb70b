package io.boxtrace.analysis.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dockerfiles as the builders read them, and finding one from a build command line. */
class DockerfileTest {

    @TempDir
    Path tmp;

    @Test
    void instructionsAreNumberedAcrossStagesAndRunLinesBecomeTheArgvTheRuntimeExecs() {
        Dockerfile d = Dockerfile.parse("Dockerfile", """
                # syntax=docker/dockerfile:1
                FROM busybox AS build
                # a comment
                RUN echo one && \\
                    echo two
                RUN ["sh", "-c", "sleep 0.2; exit 4"]

                FROM busybox
                SHELL ["/bin/ash", "-eo", "pipefail", "-c"]
                RUN --mount=type=cache,target=/c --network=none make
                RUN <<EOF
                echo heredoc
                EOF
                """);
        assertThat(d.instructions()).extracting(Dockerfile.Instruction::position).containsExactly(1, 2, 3, 4, 5, 6, 7);
        assertThat(d.runs()).extracting(Dockerfile.Instruction::runArgv).containsExactly(
                List.of("/bin/sh", "-c", "echo one &&     echo two"),
                List.of("sh", "-c", "sleep 0.2; exit 4"),
                List.of("/bin/ash", "-eo", "pipefail", "-c", "make"));
        assertThat(d.instructions().get(1).text()).isEqualTo("RUN echo one &&     echo two");
        assertThat(d.instructions().get(3).text()).isEqualTo("FROM busybox");
    }

    @Test
    void theEscapeDirectiveChangesTheContinuationCharacter() {
        Dockerfile d = Dockerfile.parse("Dockerfile", "# escape=`\nFROM x\nRUN a `\n b\n");
        assertThat(d.runs().getFirst().runArgv()).containsExactly("/bin/sh", "-c", "a  b");
    }

    @Test
    void theClientsCommandLineLocatesTheDockerfile() throws Exception {
        Path ctx = Files.createDirectories(tmp.resolve("ctx"));
        Files.writeString(ctx.resolve("Dockerfile"), "FROM x\nRUN true\n");
        Files.writeString(tmp.resolve("other.Dockerfile"), "FROM x\nRUN false\n");
        StepNaming inContext = DockerfileLocator.locate(
                List.of("env", "DOCKER_BUILDKIT=0", "docker", "build", "-q", "-t", "x", "ctx"), tmp.toString(), null);
        assertThat(inContext.dockerfile().runs().getFirst().runArgv()).containsExactly("/bin/sh", "-c", "true");
        StepNaming byFlag = DockerfileLocator.locate(
                List.of("docker", "build", "--file=other.Dockerfile", "ctx"), tmp.toString(), null);
        assertThat(byFlag.dockerfile().runs().getFirst().runArgv()).containsExactly("/bin/sh", "-c", "false");
        assertThat(DockerfileLocator.locate(List.of("docker", "build", "-f", "-", "ctx"), tmp.toString(), null)
                .noDockerfile()).isEqualTo("the Dockerfile came on standard input");
        assertThat(DockerfileLocator.locate(List.of("docker", "build", "https://example.invalid/r.git"), "/", null)
                .noDockerfile()).startsWith("the build context is remote");
        assertThat(DockerfileLocator.locate(List.of("docker", "build", "nowhere"), tmp.toString(), "x").noDockerfile())
                .isEqualTo("cannot read " + tmp.resolve("nowhere/Dockerfile"));
    }
}
