package io.boxtrace.source.ebpf;

import io.boxtrace.source.CgroupListener;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A listener that writes down what it was told ("made ID PATH", "removed ID"), for tests. */
final class ToldCgroups implements CgroupListener {

    final List<String> told = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void cgroupCreated(long id, String path) {
        told.add("made " + id + " " + path);
    }

    @Override
    public void cgroupRemoved(long id) {
        told.add("removed " + id);
    }
}
