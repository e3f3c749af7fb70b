package io.boxtrace.container;

import io.boxtrace.event.ContainerInfo;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Apptainer (and Singularity, its former name) from its documented process titles; it is not
 * packaged for Debian 12 and was never run on this host (README). Its starter rewrites its command
 * line to {@code Apptainer runtime parent: <image>} ({@code Singularity runtime parent: <image>})
 * and stays outside the container as the parent of the container's first process; an instance's
 * process is titled {@code Apptainer instance: <user> [<name>]}. A container gets its own mount
 * namespace always, a pid namespace only with {@code --pid}/{@code --containall}, a cgroup only
 * with resource limits: the mount namespace's inode is its id, and the instance name or the
 * image's file name its name. Pure; thread-safe.
 */
public final class ApptainerFacts {

    private static final Pattern PARENT = Pattern.compile("^(Apptainer|Singularity) runtime parent: (.{1,4096})$");
    private static final Pattern INSTANCE = Pattern.compile("^(Apptainer|Singularity) instance: ([^ ]{1,64}) \\[([^\\]]{1,128})]");

    private ApptainerFacts() {
    }

    /**
     * The container a starter's (or instance's) process title stands for.
     *
     * @param title     the scaffolding process's command line, joined by spaces
     * @param namespace the inode of the namespace that identifies the container (pid when it has
     *                  one of its own, else mount)
     * @param cgroup    the container process's cgroup, or null
     */
    public static Optional<ContainerInfo> fromTitle(String title, long namespace, String cgroup) {
        if (title == null) {
            return Optional.empty();
        }
        String t = title.strip();
        Matcher instance = INSTANCE.matcher(t);
        if (instance.find()) {
            String runtime = instance.group(1).toLowerCase(java.util.Locale.ROOT);
            return Optional.of(new ContainerInfo(runtime + "-" + namespace, instance.group(3), null, runtime,
                    Map.of(runtime + ".user", instance.group(2)), null, cgroup));
        }
        Matcher parent = PARENT.matcher(t);
        if (parent.matches()) {
            String runtime = parent.group(1).toLowerCase(java.util.Locale.ROOT);
            String image = parent.group(2).strip();
            int slash = image.lastIndexOf('/');
            String name = slash >= 0 && slash < image.length() - 1 ? image.substring(slash + 1) : image;
            return Optional.of(new ContainerInfo(runtime + "-" + namespace, name, image, runtime, Map.of(), null, cgroup));
        }
        return Optional.empty();
    }

    /** True for a process title Apptainer or Singularity gives its scaffolding. */
    public static boolean isScaffoldingTitle(String title) {
        return title != null && (PARENT.matcher(title.strip()).matches() || INSTANCE.matcher(title.strip()).find());
    }
}
