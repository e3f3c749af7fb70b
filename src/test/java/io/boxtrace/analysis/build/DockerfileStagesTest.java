package io.boxtrace.analysis.build;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What a Dockerfile says about each RUN's executor, checked against what the executors showed on
 * this host's BuildKit (2026-12-03, docs/build.md): environments printed from /proc/$$/environ,
 * BuildKit's own step numbers, and which instructions make a snapshot between two RUNs.
 */
class DockerfileStagesTest {

    private static final List<String> BUSYBOX = List.of("014900e55ea0");

    private static DockerfileStages stages(String text, Map<String, String> buildArgs) {
        return DockerfileStages.of(Dockerfile.parse("Dockerfile", text), buildArgs,
                ref -> ref.equals("boxtrace-test/busybox:latest") ? Optional.of(BUSYBOX) : Optional.empty());
    }

    @Test
    void theEnvironmentHoldsTheStagesArgsWithAValueAndItsEnvsAsMeasured() {
        // Built with --build-arg GIVEN=gv --build-arg UNDECL=u; the executors showed
        // a: PATH=/bin WITHDEF=d1 GIVEN=gv GLOBAL=g STAGE=a DERIVED=d1-x HOME=/root
        // b's first RUN: PATH=/bin STAGE=b HOME=/root; its second: PATH=/bin STAGE=b GIVEN=gv HOME=/root
        DockerfileStages s = stages("""
                ARG GLOBAL=g
                FROM boxtrace-test/busybox:latest AS a
                ARG WITHDEF=d1
                ARG NODEF
                ARG GIVEN
                ARG GLOBAL
                ENV STAGE=a DERIVED=${WITHDEF}-x
                RUN echo stepA
                FROM boxtrace-test/busybox:latest AS b
                COPY --from=a /etc/passwd /ah
                ENV STAGE=b
                RUN echo stepB
                ARG GIVEN=bdef
                RUN echo stepB2
                """, Map.of("GIVEN", "gv", "UNDECL", "u"));
        assertThat(s.runs()).extracting(DockerfileStages.Run::env).containsExactly(
                Map.of("WITHDEF", "d1", "GIVEN", "gv", "GLOBAL", "g", "STAGE", "a", "DERIVED", "d1-x"),
                Map.of("STAGE", "b"),
                Map.of("STAGE", "b", "GIVEN", "gv"));
    }

    @Test
    void aValueReferringToTheBaseImagesVariablesIsLeftOutNotGuessed() {
        Map<String, String> args = new HashMap<>();
        args.put("FROMENV", null); // --build-arg FROMENV with nothing in the client's environment
        DockerfileStages s = stages("""
                FROM boxtrace-test/busybox:latest
                ARG FROMENV
                ARG N=1
                ENV PATH=$PATH:/opt/bin Q="two words" R='$N' S=${N:-0}x
                RUN true
                """, args);
        assertThat(s.runs().getFirst().env()).isEqualTo(Map.of("N", "1", "Q", "two words", "R", "$N", "S", "1x"));
        DockerfileStages old = stages("FROM boxtrace-test/busybox:latest\nARG N=1\nENV T ${N}y z\nRUN true\n", Map.of());
        assertThat(old.runs().getFirst().env()).isEqualTo(Map.of("N", "1", "T", "1y z"));
    }

    @Test
    void runsAreNumberedAsBuildKitPrintsThemAndChainedThroughTheirStage() {
        // As printed: [a 2/5] RUN, [a 3/5] RUN, [a 4/5] COPY, [a 5/5] RUN, [b 2/2] RUN, [stage-2 4/4] RUN
        DockerfileStages s = stages("""
                FROM boxtrace-test/busybox:latest AS a
                ARG V=dflt
                ENV E=ea
                RUN echo stepA1
                RUN echo stepA2
                COPY f /f
                RUN echo stepA3
                FROM boxtrace-test/busybox:latest AS b
                ARG V=dflt
                RUN echo stepB1
                FROM boxtrace-test/busybox:latest
                COPY --from=a /f /fa
                COPY --from=b /etc/passwd /pb
                RUN echo stepC
                """, Map.of());
        List<DockerfileStages.Run> r = s.runs();
        assertThat(r).extracting(x -> x.stageName() + " " + x.vertex() + "/" + x.vertices())
                .containsExactly("a 2/5", "a 3/5", "a 5/5", "b 2/2", "null 4/4");
        assertThat(r.get(3).stage()).isEqualTo(1);
        assertThat(r.get(4).stage()).isEqualTo(2);
        assertThat(r.get(0).previous()).isNull();
        assertThat(r.get(1).previous()).isEqualTo(r.get(0));
        assertThat(r.get(1).direct()).isTrue(); // only ENV/ARG between: A1's snapshot is A2's first lower layer
        assertThat(r.get(2).previous()).isEqualTo(r.get(1));
        assertThat(r.get(2).direct()).isFalse(); // a COPY snapshot lies between (measured: A2's upper second)
        assertThat(r.get(4).previous()).isNull(); // COPY --from copies files, not the other stage's layers
        assertThat(r).allMatch(x -> x.baseLayers().equals(BUSYBOX));
    }

    @Test
    void aStageBuiltOnAnotherContinuesItsChainWorkdirMakesASnapshotAndUnknownBasesAreNull() {
        // Measured: [a 3/6] WORKDIR is a vertex and a snapshot; [c 1/1] RUN after FROM a AS c has a's last RUN
        // snapshot as its first lower layer and a's ENV in its environment.
        DockerfileStages s = stages("""
                FROM boxtrace-test/busybox:latest AS a
                ENV K=v
                RUN echo r1
                WORKDIR /newdir
                USER root
                LABEL x=y
                RUN echo r2
                FROM a AS c
                ARG Z=1
                RUN echo r4
                FROM registry.invalid/other AS o
                RUN echo r5
                FROM scratch AS s
                RUN ["/r6"]
                """, Map.of());
        List<DockerfileStages.Run> r = s.runs();
        assertThat(r).extracting(x -> x.stageName() + " " + x.vertex() + "/" + x.vertices())
                .containsExactly("a 2/4", "a 4/4", "c 1/1", "o 2/2", "s 2/2");
        assertThat(r.get(1).direct()).isFalse();
        assertThat(r.get(2).previous()).isEqualTo(r.get(1));
        assertThat(r.get(2).direct()).isTrue();
        assertThat(r.get(2).env()).isEqualTo(Map.of("K", "v", "Z", "1"));
        assertThat(r.get(2).baseLayers()).isEqualTo(BUSYBOX);
        assertThat(r.get(3).baseLayers()).isNull();
        assertThat(r.get(4).baseLayers()).isEmpty();
    }

    @Test
    void buildArgsComeFromTheClientsCommandLineAndEnvironment() {
        Map<String, String> a = BuildArgs.of(List.of("/usr/bin/docker", "build", "--build-arg", "A=1", "--build-arg=B=x=y",
                "--build-arg", "C", "--build-arg", "D", "-t", "img", "."), Map.of("C", "from-env"));
        assertThat(a).containsEntry("A", "1").containsEntry("B", "x=y").containsEntry("C", "from-env").containsKey("D");
        assertThat(a.get("D")).isNull();
        assertThat(a).hasSize(4);
    }
}
