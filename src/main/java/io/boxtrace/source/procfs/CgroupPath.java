package io.boxtrace.source.procfs;

/**
 * Picks the one cgroup path that best tells where a process belongs, from /proc/PID/cgroup text,
 * on cgroup v2, v1 and hybrid hosts alike: the v2 ({@code 0::}) path when it is not the root (on
 * hybrid hosts Docker and Podman place processes in the unified hierarchy too), else the v1
 * {@code name=systemd} path, else the first v1 controller path that is not the root, else "/".
 */
public final class CgroupPath {

    private CgroupPath() {
    }

    public static String choose(String procCgroupText) {
        String v2 = null;
        String systemd = null;
        String firstV1 = null;
        for (String line : procCgroupText.split("\n")) {
            int a = line.indexOf(':');
            int b = a < 0 ? -1 : line.indexOf(':', a + 1);
            if (b < 0) {
                continue;
            }
            String controllers = line.substring(a + 1, b);
            String path = line.substring(b + 1).trim();
            if (line.startsWith("0:") && controllers.isEmpty()) {
                v2 = path;
            } else if (controllers.equals("name=systemd")) {
                systemd = path;
            } else if (firstV1 == null && !path.equals("/") && !path.isEmpty()) {
                firstV1 = path;
            }
        }
        if (v2 != null && !v2.equals("/")) {
            return v2;
        }
        if (systemd != null && !systemd.equals("/")) {
            return systemd;
        }
        if (firstV1 != null) {
            return firstV1;
        }
        return v2 != null ? v2 : systemd != null ? systemd : "/";
    }
}
