package io.boxtrace.container;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the container(s) in a cgroup path, for every runtime and driver boxtrace knows, on
 * cgroup v1, v2 and hybrid hosts alike (the path is the same shape in each hierarchy):
 *
 * <ul>
 * <li>Docker: {@code /docker/<64hex>} (cgroupfs), {@code /system.slice/docker-<64hex>.scope} (systemd)</li>
 * <li>Podman: {@code /libpod_parent/libpod-<64hex>}, {@code /machine.slice/libpod-<64hex>.scope};
 *     its conmon runs in {@code libpod-conmon-<64hex>} (scaffolding, not the container)</li>
 * <li>BuildKit executors: {@code .../buildkit/<id>} (inside dockerd: {@code /docker/buildkit/<id>})</li>
 * <li>Kubernetes: {@code /kubepods[/burstable|/besteffort]/pod<uid>/<64hex>} and the systemd form
 *     {@code kubepods-...-pod<uid>.slice/(cri-containerd|crio|docker)-<64hex>.scope}</li>
 * <li>CRI-O {@code crio-<64hex>}, containerd {@code cri-containerd-<64hex>}; containerd without
 *     Kubernetes ({@code /<namespace>/<id>} as ctr and nerdctl create it) is recognised by the caller
 *     from the pid namespace, since the path alone is ambiguous</li>
 * <li>LXC: {@code /lxc/<name>}, {@code /lxc.payload.<name>} (its monitor runs in {@code lxc.monitor.<name>}:
 *     scaffolding)</li>
 * <li>systemd-nspawn registered with machined: {@code machine.slice/machine-<escaped name>.scope}, the
 *     container in its {@code payload} child, nspawn itself in {@code supervisor} (scaffolding); libvirt's
 *     {@code machine-qemu…} scopes are virtual machines, not containers</li>
 * <li>podman build (Buildah): {@code /buildah-buildah<digits>}, one per RUN step</li>
 * </ul>
 *
 * Nested containers (Docker in Docker) give paths with several ids; the innermost is returned with
 * the others as its parents. The leaf patterns live in {@link ContainerRuntime}. Stateless and thread-safe.
 */
public final class CgroupParser {

    private static final String HEX64 = "[0-9a-f]{64}";
    private static final Pattern POD = Pattern.compile("pod([0-9a-f]{8}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{4}[-_][0-9a-f]{12})");
    private static final Pattern BARE_ID = Pattern.compile("^(" + HEX64 + ")$");

    private CgroupParser() {
    }

    /** The innermost container named by the path, with enclosing ones as parents; empty on the host. */
    public static Optional<CgroupRef> parse(String path) {
        if (path == null || path.equals("/") || path.isEmpty()) {
            return Optional.empty();
        }
        String[] parts = path.split("/");
        List<CgroupRef> found = new ArrayList<>();
        String podUid = null;
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            if (part.isEmpty() || part.startsWith("libpod-conmon-")) {
                continue;
            }
            Matcher pod = POD.matcher(part);
            if ((part.startsWith("kubepods") || part.startsWith("pod")) && pod.find()) {
                podUid = pod.group(1).replace('_', '-');
                continue;
            }
            if (i > 0 && parts[i - 1].equals("buildkit")) {
                found.add(new CgroupRef(ContainerRuntime.BUILDKIT.id(), part, null, null, null));
                continue;
            }
            if (part.startsWith("machine-") && part.endsWith(".scope") && part.length() > 14) {
                String name = unescapeUnit(part.substring(8, part.length() - 6));
                boolean supervisor = i + 1 < parts.length && parts[i + 1].equals("supervisor");
                if (!supervisor && !name.startsWith("qemu-")) {
                    found.add(new CgroupRef(ContainerRuntime.NSPAWN.id(), name, null, null, null));
                }
                if (supervisor) {
                    break;
                }
                continue;
            }
            if (i > 0 && parts[i - 1].equals("lxc")) {
                found.add(new CgroupRef(ContainerRuntime.LXC.id(), part, null, null, null));
                continue;
            }
            CgroupRef ref = match(part, podUid, i > 0 ? parts[i - 1] : "");
            if (ref != null) {
                found.add(ref);
            }
        }
        CgroupRef inner = null;
        for (CgroupRef r : found) {
            inner = r.withParent(inner);
        }
        return Optional.ofNullable(inner);
    }

    /** systemd's unit name escaping: {@code \\xNN} is the byte NN ({@code -} is {@code \\x2d}). */
    static String unescapeUnit(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '\\' && i + 3 < s.length() && s.charAt(i + 1) == 'x') {
                try {
                    out.append((char) Integer.parseInt(s.substring(i + 2, i + 4), 16));
                    i += 3;
                    continue;
                } catch (NumberFormatException ignored) {
                    // not an escape: keep the backslash
                }
            }
            out.append(s.charAt(i));
        }
        return out.toString();
    }

    private static CgroupRef match(String part, String podUid, String previous) {
        for (ContainerRuntime r : ContainerRuntime.values()) {
            Optional<String> id = r.idInCgroupLeaf(part);
            if (id.isPresent()) {
                ContainerRuntime shown = podUid != null && r != ContainerRuntime.PODMAN ? ContainerRuntime.KUBERNETES : r;
                return new CgroupRef(shown.id(), id.get(), podUid, null, null);
            }
        }
        Matcher bare = BARE_ID.matcher(part);
        if (bare.matches()) {
            // A bare 64-hex directory: Docker's cgroupfs driver (/docker/<id>), or a pod's container.
            ContainerRuntime runtime = podUid != null ? ContainerRuntime.KUBERNETES : previous.equals("docker") ? ContainerRuntime.DOCKER : ContainerRuntime.UNKNOWN;
            return new CgroupRef(runtime.id(), part, podUid, null, null);
        }
        return null;
    }
}
