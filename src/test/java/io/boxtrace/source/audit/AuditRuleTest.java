package io.boxtrace.source.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** struct audit_rule_data as boxtrace writes it (offsets from include/uapi/linux/audit.h). */
class AuditRuleTest {

    @Test
    void layoutMatchesTheKernelStruct() {
        // __u32 flags, action, field_count, mask[64], fields[64], values[64], fieldflags[64], buflen; char buf[]
        assertThat(AuditRule.OFF_MASK).isEqualTo(12);
        assertThat(AuditRule.OFF_FIELDS).isEqualTo(12 + 256);
        assertThat(AuditRule.OFF_VALUES).isEqualTo(12 + 512);
        assertThat(AuditRule.OFF_FIELDFLAGS).isEqualTo(12 + 768);
        assertThat(AuditRule.HEADER_SIZE).isEqualTo(1040);
    }

    @Test
    void anExitRuleForExecveAndCloneWithItsKey() {
        byte[] rule = AuditRule.exitRule(AuditSyscalls.ARCH_X86_64, new int[] {56, 59, 435}, "boxtrace-42", 42);
        ByteBuffer b = ByteBuffer.wrap(rule).order(ByteOrder.nativeOrder());
        assertThat(rule).hasSize(1040 + "boxtrace-42".length());
        assertThat(b.getInt(0)).isEqualTo(AuditRule.FILTER_EXIT);
        assertThat(b.getInt(4)).isEqualTo(AuditRule.ACTION_ALWAYS);
        assertThat(b.getInt(8)).isEqualTo(3);
        assertThat(b.getInt(12 + 4)).isEqualTo((1 << (56 - 32)) | (1 << (59 - 32)));
        assertThat(b.getInt(12 + 4 * 13)).isEqualTo(1 << (435 % 32));
        assertThat(b.getInt(AuditRule.OFF_FIELDS)).isEqualTo(AuditRule.FIELD_ARCH);
        assertThat(b.getInt(AuditRule.OFF_VALUES)).isEqualTo((int) AuditSyscalls.ARCH_X86_64);
        assertThat(b.getInt(AuditRule.OFF_FIELDS + 4)).isEqualTo(AuditRule.FIELD_PID);
        assertThat(b.getInt(AuditRule.OFF_FIELDFLAGS + 4)).isEqualTo(AuditRule.OP_NOT_EQUAL);
        assertThat(b.getInt(AuditRule.OFF_VALUES + 4)).isEqualTo(42);
        assertThat(AuditRule.key(ByteBuffer.wrap(rule))).isEqualTo("boxtrace-42");
        assertThat(AuditSetup.owner(AuditRule.key(ByteBuffer.wrap(rule)))).isEqualTo(42);
        assertThat(AuditSetup.owner("auditd-rule")).isEqualTo(-1);
    }

    @Test
    void syscallNumbersPerArch() {
        assertThat(AuditSyscalls.kind(AuditSyscalls.ARCH_X86_64, 59)).isEqualTo(AuditSyscalls.Kind.EXEC);
        assertThat(AuditSyscalls.kind(AuditSyscalls.ARCH_I386, 11)).isEqualTo(AuditSyscalls.Kind.EXEC);
        assertThat(AuditSyscalls.kind(AuditSyscalls.ARCH_I386, 59)).isNull();
        assertThat(AuditSyscalls.numbers(AuditSyscalls.ARCH_X86_64)).contains(56, 57, 58, 59, 231, 272, 308, 155, 161, 322, 435);
    }
}
