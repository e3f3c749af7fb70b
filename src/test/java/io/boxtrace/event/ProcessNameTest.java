package io.boxtrace.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ProcessNameTest {

    @Test
    void commAfterExecIsTheName() {
        assertThat(ProcessName.of("sleep", List.of("/bin/sleep", "5"))).isEqualTo("sleep");
    }

    @Test
    void busyboxAppletReExecingSelfIsNamedByArgv0() {
        assertThat(ProcessName.of("exe", List.of("/bin/ls", "-l"))).isEqualTo("ls");
        assertThat(ProcessName.of("exe", List.of("sh"))).isEqualTo("sh");
    }

    @Test
    void exeWithoutArgvOrUnknownStaysAsIs() {
        assertThat(ProcessName.of("exe", List.of())).isEqualTo("exe");
        assertThat(ProcessName.of(null, List.of())).isNull();
        assertThat(ProcessName.of("exe", List.of("/usr/bin/"))).isEqualTo("exe");
    }
}
