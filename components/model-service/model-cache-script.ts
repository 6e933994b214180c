/**
 * The shell scripts of the model cache (model-cache.ts): the populate step that downloads one model version into a
 * shared directory at most once, whatever number of pods start together, and the node cache's ownership step.
 *
 * They run in the fetcher images (amazon/aws-cli: Amazon Linux's bash and coreutils; google/cloud-sdk slim and
 * python:3.12-slim: Debian's dash and coreutils; curlimages/curl: Alpine's BusyBox), so they use only POSIX sh and
 * `mkdir`, `mv`, `rm`, `touch`, `stat -c %Y`, `cat`, `sleep`, `id`, which all four have. The lock is a directory:
 * `mkdir` is atomic on local file systems and on NFS (EFS, Filestore, Azure Files NFS), where `flock` is not always
 * supported and BusyBox's `flock` applet is optional.
 *
 * Kubernetes expands `$(NAME)` in a container's command from its environment variables and turns `$$` into `$`
 * (https://kubernetes.io/docs/tasks/inject-data-application/define-interdependent-environment-variables/): the
 * scripts use backquotes for command substitution, `${NAME}` for variables and never `$$`, so their text reaches the
 * shell unchanged.
 */

/** The file that marks a model directory as complete: written into the temporary directory just before the rename. */
export const COMPLETE_MARKER = ".modelship-complete";

/** The subdirectory of a version's cache directory that holds the complete model (what the server mounts). */
export const MODEL_SUBDIRECTORY = "model";

/**
 * Seconds between the lock holder's heartbeats, and seconds without one after which a waiting pod takes the lock over
 * (its holder was killed). Stale is 12 heartbeats: NFS clients cache file attributes for up to 60 s (`acregmax`,
 * https://man7.org/linux/man-pages/man5/nfs.5.html), so a waiter on EFS or Filestore may see a heartbeat a minute late.
 * Waiters poll every 5 s.
 */
export const HEARTBEAT_SECONDS = 15;
export const STALE_SECONDS = 180;
export const POLL_SECONDS = 5;

/**
 * Populates `$1` (a version's cache directory) once: `$2` is the pod's unique id, the rest is the fetcher's command,
 * which downloads into `$1/.partial-$2`.
 *
 * - Complete (`model/.modelship-complete` exists): reused at once, nothing written (a read-only copy works too).
 * - Otherwise the pod takes the lock (`mkdir .lock`, owner id in `.lock/owner`), downloads into its own temporary
 *   directory while touching `.lock/owner` every heartbeat, writes the marker into it and renames it to `model`: the
 *   model appears complete or not at all. Failure or termination releases the lock, so the next pod retries.
 * - Pods that find the lock taken wait, and leave as soon as the marker appears. A lock without a heartbeat for the
 *   stale time (a holder killed with SIGKILL, or its node gone) is renamed away and taken over; the new holder removes
 *   the temporary directories that dead holders left.
 * - Ages are measured by the cache's own file system clock (the mtime of a file the waiter touches), so clock skew
 *   between nodes and an NFS server does not matter.
 *
 * The timings can be overridden through `MODEL_CACHE_HEARTBEAT_SECONDS`, `MODEL_CACHE_STALE_SECONDS` and
 * `MODEL_CACHE_POLL_SECONDS` (tests use short ones).
 */
export const POPULATE_SCRIPT = `set -eu
dir="$1"; id="$2"; shift 2
model="\${dir}/${MODEL_SUBDIRECTORY}"; lock="\${dir}/.lock"; partial="\${dir}/.partial-\${id}"; clock="\${dir}/.clock-\${id}"
beat="\${MODEL_CACHE_HEARTBEAT_SECONDS:-${HEARTBEAT_SECONDS}}"; stale="\${MODEL_CACHE_STALE_SECONDS:-${STALE_SECONDS}}"; poll="\${MODEL_CACHE_POLL_SECONDS:-${POLL_SECONDS}}"
say() { echo "model cache: $*" >&2; }
complete() { [ -f "\${model}/${COMPLETE_MARKER}" ]; }
if complete; then say "\${model} is complete: reused"; exit 0; fi
mkdir -p "\${dir}" 2>/dev/null || true
if [ ! -w "\${dir}" ]; then say "cannot write \${dir} as uid \`id -u\` gid \`id -g\`: the cache volume must be writable by the pod's user or group"; exit 1; fi
owner() { cat "\${lock}/owner" 2>/dev/null || echo "a pod that has not written its name yet"; }
lock_age() {
  touch "\${clock}"; now=\`stat -c %Y "\${clock}"\`
  beat_at=\`stat -c %Y "\${lock}/owner" 2>/dev/null || stat -c %Y "\${lock}" 2>/dev/null || echo "\${now}"\`
  echo $((now - beat_at))
}
waiting=""
while ! mkdir "\${lock}" 2>/dev/null; do
  if complete; then say "\${model} completed by another pod: reused"; rm -f "\${clock}"; exit 0; fi
  age=\`lock_age\`
  if [ "\${age}" -gt "\${stale}" ]; then
    say "the lock of \`owner\` has had no heartbeat for \${age} s: taking it over"
    mv "\${lock}" "\${dir}/.stale-\${id}" 2>/dev/null && rm -rf "\${dir}/.stale-\${id}" || true
    continue
  fi
  if [ -z "\${waiting}" ]; then say "waiting for \`owner\` to finish downloading into \${dir}"; waiting=1; fi
  sleep "\${poll}"
done
beating=""
release() {
  if [ -n "\${beating}" ]; then kill "\${beating}" 2>/dev/null || true; fi
  holder=\`owner\`
  if [ "\${holder}" = "\${id}" ]; then rm -rf "\${lock}"; fi
  rm -f "\${clock}"
}
trap release EXIT
trap 'exit 143' TERM INT HUP
echo "\${id}" > "\${lock}/owner"
( while sleep "\${beat}"; do touch -c "\${lock}/owner" 2>/dev/null || exit 0; done ) >/dev/null 2>&1 &
beating=$!
if complete; then say "\${model} completed meanwhile: reused"; exit 0; fi
rm -rf "\${dir}"/.partial-* "\${dir}"/.stale-*
mkdir "\${partial}"
say "downloading into \${partial}"
"$@"
: > "\${partial}/${COMPLETE_MARKER}"
rm -rf "\${model}"
mv "\${partial}" "\${model}"
say "\${model} is complete"
`;

/**
 * Hands `$1` (a version's directory under the node cache's hostPath, created here when missing) to the pods' user and
 * group. Runs as root with the CHOWN capability alone: without DAC_OVERRIDE it can create entries only in
 * directories root owns (the hostPath, which the kubelet creates as root, mode 0755) and cannot read or write the
 * model files. A symbolic link is refused (only root could have placed one there).
 */
export function prepareScript(uid: number, gid: number): string {
    return `set -eu
d="$1"
if [ -L "\${d}" ]; then echo "model cache: \${d} is a symbolic link: refusing to hand it over" >&2; exit 1; fi
mkdir -p "\${d}"
chown ${uid}:${gid} "\${d}"
`;
}
