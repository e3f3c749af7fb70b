package io.boxtrace.container;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ContainerInfo;
import org.junit.jupiter.api.Test;

/** Apptainer and Singularity from their documented process titles (never run on this host: not in Debian 12). */
class ApptainerFactsTest {

    @Test
    void anInstanceIsNamedAndItsUserKept() {
        ContainerInfo c = ApptainerFacts.fromTitle("Apptainer instance: alice [web1]", 4026532400L, null).orElseThrow();
        assertThat(c.runtime()).isEqualTo("apptainer");
        assertThat(c.name()).isEqualTo("web1");
        assertThat(c.id()).isEqualTo("apptainer-4026532400");
        assertThat(c.labels()).containsEntry("apptainer.user", "alice");
    }

    @Test
    void singularityKeepsItsOwnName() {
        ContainerInfo c = ApptainerFacts.fromTitle("Singularity runtime parent: /opt/img/tool.simg", 9L,
                "/user.slice/x").orElseThrow();
        assertThat(c.runtime()).isEqualTo("singularity");
        assertThat(c.name()).isEqualTo("tool.simg");
        assertThat(c.cgroup()).isEqualTo("/user.slice/x");
    }

    @Test
    void otherTitlesAreNotApptainer() {
        assertThat(ApptainerFacts.fromTitle("apptainer exec img.sif sh", 1L, null)).isEmpty();
        assertThat(ApptainerFacts.fromTitle("Apptainer runtime parent: ", 1L, null)).isEmpty();
        assertThat(ApptainerFacts.isScaffoldingTitle("Apptainer runtime parent: /x.sif")).isTrue();
        assertThat(ApptainerFacts.isScaffoldingTitle("sleep 300")).isFalse();
    }
}
