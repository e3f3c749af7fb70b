package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.boxtrace.event.Clock;
import io.boxtrace.render.console.Style;
import java.util.List;
import org.junit.jupiter.api.Test;

class TreeNoSuchContainerTest {

    @Test
    void unmatchedContainerIsARuntimeError() {
        TreeCommand tree = new TreeCommand();
        tree.containers.add("nosuchbox");
        BoxtraceException e = catchThrowableOfType(BoxtraceException.class,
                () -> tree.render(List.of(), pid -> null, uid -> "root", new Clock(0, 0), Style.plain()));
        assertThat(e).isNotNull();
        assertThat(e.exitCode()).isEqualTo(ExitCode.RUNTIME_ERROR);
        assertThat(e.getMessage()).contains("nosuchbox");
    }
}
