#!/usr/bin/env bash
# BuildKit steps of every stage tied by facts (docs/build.md, "what was measured"): two concurrent
# `boxtrace build -- docker build` of a 5-stage Dockerfile whose parallel stages run identical RUN
# lines told apart only by ENV and --build-arg (a, b) or only by the RUN below (c, d), with a final
# stage after COPY --from of all four. Per repetition: how each of the 18 RUN steps was tied, and
# whether its commands are its own executor's (each stage's commands carry `sleep 0.<stage><build>`).
#
# usage: sudo bench/buildkit-stages.sh [REPS]      default 3; results on stdout
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
reps=${1:-3}
"$root/boxtrace" --version >/dev/null
work=$(mktemp -d)
tag=bt-bench-bkst$$
trap 'rm -rf "$work"; docker rmi -f "$tag-1" "$tag-2" >/dev/null 2>&1 || true' EXIT
cat >"$work/Dockerfile" <<'DOCKERFILE'
FROM boxtrace-test/busybox:latest AS a
ARG BUILD
ENV STAGE=1
RUN sleep 0.5 && sleep 0.$STAGE$BUILD && echo $STAGE$BUILD > /out
RUN sleep 0.2 && sleep 0.3$STAGE$BUILD && cat /out
FROM boxtrace-test/busybox:latest AS b
ARG BUILD
ENV STAGE=2
RUN sleep 0.5 && sleep 0.$STAGE$BUILD && echo $STAGE$BUILD > /out
RUN sleep 0.2 && sleep 0.3$STAGE$BUILD && cat /out
FROM boxtrace-test/busybox:latest AS c
ARG BUILD
RUN echo 0.31$BUILD > /id && sleep 0.4
RUN sleep 0.3 && sleep $(cat /id) && true
FROM boxtrace-test/busybox:latest AS d
ARG BUILD
RUN echo 0.32$BUILD > /id && sleep 0.4
RUN sleep 0.3 && sleep $(cat /id) && true
FROM boxtrace-test/busybox:latest
COPY --from=a /out /a
COPY --from=b /out /b
COPY --from=c /id /c
COPY --from=d /id /d
RUN cat /a /b /c /d && sleep 0.3
DOCKERFILE
echo "$(date -u +%FT%TZ), kernel $(uname -r), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), dockerd $(docker version --format '{{.Server.Version}}')"
for r in $(seq 1 "$reps"); do
  for n in 1 2; do
    DOCKER_BUILDKIT=1 "$root/boxtrace" build --json "$work/p$n.json" -- /usr/bin/docker build --no-cache \
      --progress=plain --build-arg BUILD=$n -t "$tag-$n" "$work" >"$work/out$n.txt" 2>&1 &
  done
  wait
  python3 - "$r" "$work/p1.json" "$work/p2.json" <<'PY'
import json, sys, collections
rep, files = sys.argv[1], sys.argv[2:]
how, right, executors, runs = collections.Counter(), 0, set(), 0
expect = {"a 2/3": "0.1{b}", "a 3/3": "0.31{b}", "b 2/3": "0.2{b}", "b 3/3": "0.32{b}",
          "c 3/3": "0.31{b}", "d 3/3": "0.32{b}", "c 2/3": "echo 0.31$BUILD", "d 2/3": "echo 0.32$BUILD",
          "stage-4 6/6": "cat /a /b /c /d"}
def argvs(nodes):
    for n in nodes:
        yield n["args"]; yield from argvs(n["children"])
for build, f in enumerate(files, 1):
    for s in json.load(open(f))["steps"]:
        if not s["instruction"].startswith("RUN "):
            continue
        runs += 1
        how[s["attribution"]] += 1
        executors.add(s.get("container"))
        want = expect.get(s["position"])
        seen = [a for a in argvs(s["processes"]) if a]
        if want.startswith("0."):
            ok = ["sleep", want.format(b=build)] in seen
        elif want.startswith("echo"):
            ok = bool(seen) and want in seen[0][-1]  # the first program: /bin/sh -c <the RUN line as written>
        else:
            ok = want.split() in seen
        right += ok
print(f"rep {rep}: {runs} RUN steps, {right} with their own executor's commands, "
      f"{len(executors - {None})} distinct executors; " + ", ".join(f"{k} {v}" for k, v in sorted(how.items())))
PY
done
