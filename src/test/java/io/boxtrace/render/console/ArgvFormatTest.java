package io.boxtrace.render.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgvFormatTest {
    @Test
    void quotesOnlyWhatAShellWouldNeed() {
        assertThat(ArgvFormat.join(List.of("sh", "-c", "echo 'hi' && ls", "", "a\nb", "/usr/bin/x=1")))
                .isEqualTo("sh -c 'echo '\\''hi'\\'' && ls' '' 'a\\x0ab' /usr/bin/x=1");
    }
}
