package io.boxtrace.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DebugCommandTest {

    @Test
    void mountAtMustBeAPlainAbsolutePathOutsideProcAndTheSessionsDirectory() {
        assertThat(DebugCommand.checkedMountAt("/to-debug")).isEqualTo("/to-debug");
        assertThat(DebugCommand.checkedMountAt("/mnt/c/")).isEqualTo("/mnt/c");
        for (String bad : new String[] {"to-debug", "/", "/proc", "/proc/1", "/a/../b", "/a/./b", "/.boxtrace", "//x"}) {
            assertThatThrownBy(() -> DebugCommand.checkedMountAt(bad)).as(bad)
                    .isInstanceOfSatisfying(BoxtraceException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE));
        }
    }

    @Test
    void theMissingCapabilitiesAreNamed() {
        long all = (1L << Capabilities.CAP_SYS_ADMIN) | (1L << Capabilities.CAP_SYS_PTRACE) | (1L << Capabilities.CAP_SYS_CHROOT);
        assertThat(DebugCommand.missingPrivileges(new Capabilities(all))).isNull();
        assertThat(DebugCommand.missingPrivileges(new Capabilities(1L << Capabilities.CAP_SYS_CHROOT)))
                .isEqualTo("CAP_SYS_ADMIN and CAP_SYS_PTRACE");
        assertThat(DebugCommand.missingPrivileges(new Capabilities(0))).isEqualTo("CAP_SYS_ADMIN and CAP_SYS_PTRACE and CAP_SYS_CHROOT");
    }
}
