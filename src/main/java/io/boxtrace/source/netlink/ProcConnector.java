package io.boxtrace.source.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Wire constants and message builders of the kernel's process events connector. Keep in sync with
 * include/uapi/linux/netlink.h, connector.h and cn_proc.h.
 */
final class ProcConnector {

    static final int NETLINK_CONNECTOR = 11;
    static final int CN_IDX_PROC = 1;
    static final int CN_VAL_PROC = 1;

    static final int NLMSG_HDRLEN = 16;   // struct nlmsghdr
    static final int CN_MSG_LEN = 20;     // struct cn_msg without data
    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;

    static final int PROC_CN_MCAST_LISTEN = 1;
    static final int PROC_CN_MCAST_IGNORE = 2;

    // enum proc_event.what
    static final int PROC_EVENT_NONE = 0x00000000;
    static final int PROC_EVENT_FORK = 0x00000001;
    static final int PROC_EVENT_EXEC = 0x00000002;
    static final int PROC_EVENT_UID = 0x00000004;
    static final int PROC_EVENT_GID = 0x00000040;
    static final int PROC_EVENT_SID = 0x00000080;
    static final int PROC_EVENT_PTRACE = 0x00000100;
    static final int PROC_EVENT_COMM = 0x00000200;
    static final int PROC_EVENT_NONZERO_EXIT = 0x20000000;
    static final int PROC_EVENT_COREDUMP = 0x40000000;
    static final int PROC_EVENT_EXIT = 0x80000000;

    // struct proc_event: what u32, cpu u32, timestamp_ns u64 (aligned 8), then the union.
    static final int EV_WHAT = 0;
    static final int EV_CPU = 4;
    static final int EV_TIMESTAMP = 8;
    static final int EV_DATA = 16;

    private ProcConnector() {
    }

    /**
     * The datagram that (un)subscribes: nlmsghdr(NLMSG_DONE) + cn_msg{CN_IDX_PROC, CN_VAL_PROC} +
     * a 4-byte op. The 4-byte form (rather than 6.6's struct proc_input) asks for every event type on
     * any kernel.
     */
    static byte[] subscription(int op, int portId) {
        int len = NLMSG_HDRLEN + CN_MSG_LEN + 4;
        ByteBuffer b = ByteBuffer.allocate(len).order(ByteOrder.nativeOrder());
        b.putInt(len).putShort((short) NLMSG_DONE).putShort((short) 0).putInt(0).putInt(portId);
        b.putInt(CN_IDX_PROC).putInt(CN_VAL_PROC).putInt(0).putInt(0).putShort((short) 4).putShort((short) 0);
        b.putInt(op);
        return b.array();
    }
}
