package io.boxtrace.source.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.boxtrace.event.ExecEvent;
import io.boxtrace.event.Task;
import io.boxtrace.source.procfs.ProcReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What /proc says at an exec is believed only when it is the process's own, at one moment. */
class ExecCompleterTest {

    @TempDir
    Path proc;

    private ExecEvent complete(String cmdline) throws IOException {
        Path d = Files.createDirectories(proc.resolve("42"));
        Files.writeString(d.resolve("cmdline"), cmdline);
        Files.createSymbolicLink(d.resolve("exe"), Path.of("/bin/busybox"));
        ExecEvent raw = new ExecEvent(1_000, Task.ids(42, 42), null, List.of(), false, null, 0, ExecEvent.ArgvSource.GONE);
        return new ExecCompleter(new ProcReader(proc), boot -> boot).complete(raw);
    }

    @Test
    void aLoneSlashIsTheKernelsBogusCmdlineNotAnArgv() throws IOException {
        ExecEvent e = complete("/\0");
        assertThat(e.args()).isEmpty();
        assertThat(e.detail()).isEqualTo(ExecEvent.ArgvSource.GONE);
    }

    @Test
    void anOrdinaryCmdlineWithItsExeIsTaken() throws IOException {
        ExecEvent e = complete("/bin/sh\0-c\0echo hi\0");
        assertThat(e.args()).containsExactly("/bin/sh", "-c", "echo hi");
        assertThat(e.detail()).isEqualTo(ExecEvent.ArgvSource.PROC);
    }
}
