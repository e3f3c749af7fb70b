package io.boxtrace.source.audit;

import io.boxtrace.event.Task;

/**
 * A successful fork, vfork, clone or clone3 as its caller's SYSCALL record tells it: the return
 * value is the child's pid in the caller's pid namespace, which is the host pid only when the
 * caller lives in the host's.
 *
 * @param flags      the clone flags (fork: SIGCHLD; vfork: CLONE_VM|CLONE_VFORK|SIGCHLD)
 * @param flagsKnown false for clone3, whose flags sit in a struct the record does not show (it may
 *                   have made a thread)
 */
record CloneRecord(long timeNs, Task parent, int childValue, long flags, boolean flagsKnown) {
}
