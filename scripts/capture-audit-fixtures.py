#!/usr/bin/env python3
"""Captures audit netlink messages from the real kernel as test fixtures for the audit decoder.

Run as root on a host without auditd: becomes the audit daemon for a few seconds (AUDIT_SET pid),
installs rules tagged "bt-fixture" with auditctl, runs the workloads named below and writes every
datagram received, as the kernel sent it (nlmsghdr + text), each after its length as a u32
little-endian (nlmsg_len of audit records does not count the header), to OUT_DIR/NAME.bin.
Restores the audit status and removes its rules afterwards. Fixtures are checked in under
src/test/resources/audit; rerun this only to refresh them.

usage: sudo scripts/capture-audit-fixtures.py OUT_DIR
"""
import os, socket, struct, subprocess, sys, time

AUDIT_GET, AUDIT_SET = 1000, 1001
NLM_F_REQUEST, NLM_F_ACK = 1, 4
KEY = "bt-fixture"
AUID = 4242
SYSCALLS = "execve,execveat,clone,clone3,fork,vfork,exit_group,unshare,setns,pivot_root,chroot"


def request(sock, mtype, payload=b""):
    sock.send(struct.pack("=IHHII", 16 + len(payload), mtype, NLM_F_REQUEST | NLM_F_ACK, 1, 0) + payload)


def get_status(sock):
    request(sock, AUDIT_GET)
    while True:
        data = sock.recv(65536)
        _, mtype, _, _, _ = struct.unpack_from("=IHHII", data)
        if mtype == AUDIT_GET:
            return struct.unpack_from("=11I", data, 16)


def set_status(sock, mask, enabled=0, pid=0):
    request(sock, AUDIT_SET, struct.pack("=11I", mask, enabled, 0, pid, 0, 0, 0, 0, 0, 0, 0))


def mark_workload():
    # The machine is shared: only the workload's tree (its login uid, inherited) matches the rule.
    with open("/proc/self/loginuid", "w") as f:
        f.write(str(AUID))


def capture(sock, command, seconds=1.5):
    """Runs command (a shell string) and returns every datagram received until it ended plus seconds."""
    out = []
    proc = subprocess.Popen(["/bin/sh", "-c", command], preexec_fn=mark_workload)
    deadline = None
    sock.settimeout(0.1)
    while True:
        if deadline is None and proc.poll() is not None:
            deadline = time.time() + seconds
        if deadline is not None and time.time() > deadline:
            return b"".join(out)
        try:
            d = sock.recv(1 << 20)
            # The kernel sets nlmsg_len of audit records to the text length only (without the
            # header), so datagrams are framed here with their true length, u32 little-endian.
            out.append(struct.pack("<I", len(d)) + d)
        except socket.timeout:
            pass


WORKLOADS = {
    # fork + exec + exit of a known tree with exit codes
    "tree": "/bin/sh -c '/bin/true one; /bin/sh -c \"exit 3\"; /bin/echo two three >/dev/null'",
    # 200 KB of argv (one argument may be at most 128 KiB) split over many EXECVE records
    "long-argv": "/bin/true $(head -c 100000 /dev/zero | tr '\\0' x) $(head -c 100000 /dev/zero | tr '\\0' y) tail",
    # arguments the kernel hex-encodes: spaces, quotes, non-UTF-8 bytes, an empty one
    "hex-args": "/bin/echo 'with space' 'dq\"x' \"sq'x\" \"$(printf 'bad\\377\\376byte')\" '' plain >/dev/null",
    # namespace operations and a failed exec
    "namespaces": "unshare -U -n /bin/true; chroot / /bin/true; /nonexistent/prog 2>/dev/null; true",
}

def main():
    out_dir = sys.argv[1]
    os.makedirs(out_dir, exist_ok=True)
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 9)
    sock.bind((0, 0))
    before = get_status(sock)
    if before[3] != 0:
        sys.exit("an audit daemon runs (pid %d): stop it first" % before[3])
    subprocess.run(["auditctl", "-a", "always,exit", "-F", "arch=b64", "-S", SYSCALLS, "-F", "auid=%d" % AUID, "-k", KEY], check=True,
                   stdout=subprocess.DEVNULL)
    try:
        set_status(sock, 1 | 4, enabled=1, pid=os.getpid())
        for name, cmd in WORKLOADS.items():
            data = capture(sock, cmd)
            with open(os.path.join(out_dir, name + ".bin"), "wb") as f:
                f.write(data)
            print(name, len(data), "bytes", file=sys.stderr)
    finally:
        set_status(sock, 1 | 4, enabled=before[1], pid=0)
        subprocess.run(["auditctl", "-d", "always,exit", "-F", "arch=b64", "-S", SYSCALLS, "-F", "auid=%d" % AUID, "-k", KEY],
                       stdout=subprocess.DEVNULL)


main()
