#!/usr/bin/env bash
# Build and test nodetorch against Debian trixie's LibTorch 2.6, inside a chroot.
#
# The host (bookworm) ships LibTorch 1.13; running this script as well lets every CI run check
# both versions. The chroot is cached (default ~/.cache/trixie-root) and only created, and its
# packages only installed, when missing, so a rerun costs a copy, `npm ci`, the build and the tests.
#
# Usage (as root):
#   scripts/check-libtorch2.sh                  prepare the chroot if needed, then build + test
#   scripts/check-libtorch2.sh --prepare-only   only create/update the chroot, then exit
#   scripts/check-libtorch2.sh --clean          drop the cached CMake build dir first
#   scripts/check-libtorch2.sh -- jit onnx      build, then run only the test files matching these filters
# Environment:
#   TRIXIE_ROOT    chroot location (default $HOME/.cache/trixie-root)
#   TRIXIE_MIRROR  Debian mirror for debootstrap and apt (default http://deb.debian.org/debian)
# Exit status: the tests' status; non-zero with a message if preparation, `npm ci` or the build fail.
set -euo pipefail

R=${TRIXIE_ROOT:-$HOME/.cache/trixie-root}
MIRROR=${TRIXIE_MIRROR:-http://deb.debian.org/debian}
# ca-certificates is not in the recipe's list but update-ca-certificates needs it, and with
# --no-install-recommends nothing else pulls it in.
PACKAGES=(libtorch-dev libgloo-dev nodejs npm cmake g++ make python3 python3-torch
  libopenblas0-pthread ca-certificates)

die() { echo "check-libtorch2: $*" >&2; exit 1; }

PREPARE_ONLY=0 CLEAN=0 FILTERS=()
while [ $# -gt 0 ]; do
  arg=$1
  shift
  case $arg in
    --prepare-only) PREPARE_ONLY=1 ;;
    --clean) CLEAN=1 ;;
    --) FILTERS=("$@"); break ;;
    -h | --help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown argument: $arg (see --help)" ;;
  esac
done

[ "$(id -u)" = 0 ] || die "must run as root (it uses debootstrap, mount and chroot)"
if ! command -v debootstrap >/dev/null; then
  echo "check-libtorch2: debootstrap is missing; installing it with apt-get" >&2
  { apt-get update && apt-get install -y --no-install-recommends debootstrap; } >&2 ||
    die "debootstrap is missing and could not be installed (apt-get install debootstrap)"
  command -v debootstrap >/dev/null || die "debootstrap is still missing after apt-get install"
fi

SRC=$(git -C "$(dirname "$0")" rev-parse --show-toplevel) || die "not inside the nodetorch git checkout"

# Variables passed into the chroot: `env -i` gives a clean environment, plus any proxy settings
# of the host, so npm reaches its registry the same way the host does.
CR_ENV=(PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive
  NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt)
for v in http_proxy https_proxy no_proxy HTTP_PROXY HTTPS_PROXY NO_PROXY; do
  if [ -n "${!v:-}" ]; then CR_ENV+=("$v=${!v}"); fi
done
# Each chroot command runs in its own process group (setsid; the script has no job control, so
# setsid never forks and $! is that group), waited for in the background: a signal then reaches
# the script at once, and stop() can end the whole step (sh -> npm -> node ...) before unmounting.
child=
cr() {
  setsid chroot "$R" /usr/bin/env -i "${CR_ENV[@]}" "$@" &
  child=$!
  local rc=0
  wait "$child" || rc=$?
  child=
  return "$rc"
}
stop() {
  if [ -n "$child" ]; then
    # npm can outlive a SIGTERM (measured: >10 s during `npm ci`), so give the group 10 s, then
    # SIGKILL it and wait until it is gone, so the unmounts below find nothing busy.
    local sig n
    for sig in TERM KILL; do
      kill -"$sig" -- "-$child" 2>/dev/null || break
      for ((n = 0; n < 20; n++)); do
        kill -0 -- "-$child" 2>/dev/null || break 2
        sleep 0.5
      done
    done
    wait "$child" 2>/dev/null || true
  fi
  exit "$1"
}

# Unmount in reverse order; a lazy unmount as the last resort so a busy mount never outlives us.
down() {
  for m in dev/shm dev/pts dev sys proc; do
    if mountpoint -q "$R/$m"; then umount "$R/$m" || umount -l "$R/$m"; fi
  done
  true
}
mnt() { mountpoint -q "$R/$2" || mount "${@:3}" "$1" "$R/$2"; }

# One run at a time per chroot: two runs would unmount each other's /proc and /dev.
mkdir -p "$(dirname "$R")"
exec 9>"$R.lock"
flock -n 9 || { echo "check-libtorch2: waiting for another run using $R" >&2; flock 9; }
trap down EXIT
trap 'stop 130' INT # end the running step, then exit normally so the EXIT trap unmounts
trap 'stop 143' TERM
down # mounts left over by a run that was killed before its trap ran

# --- the chroot ------------------------------------------------------------------------------
prep_start=$SECONDS
if [ ! -e "$R/.ok" ]; then
  echo "check-libtorch2: creating the trixie chroot in $R (a few minutes)" >&2
  # --one-file-system: never follow a leftover bind mount (e.g. of /dev) into the host.
  rm -rf --one-file-system "$R"
  debootstrap --variant=minbase trixie "$R" "$MIRROR" || die "debootstrap of trixie from $MIRROR failed"
  touch "$R/.ok"
fi

mnt proc proc -t proc
mnt sysfs sys -t sysfs
mnt /dev dev --bind
mnt /dev/pts dev/pts --bind
mnt shm dev/shm -t tmpfs -o mode=1777
cp -L --remove-destination /etc/resolv.conf "$R/etc/resolv.conf"

# The host may reach the npm registry through a TLS-intercepting proxy whose CA lives in
# /usr/local/share/ca-certificates; the chroot must trust it too.
mkdir -p "$R/usr/local/share/ca-certificates"
if [ -d /usr/local/share/ca-certificates ]; then
  cp -rL /usr/local/share/ca-certificates/. "$R/usr/local/share/ca-certificates/"
fi

# Packages: installed once; the marker records the list, so editing PACKAGES reinstalls.
if [ "$(cat "$R/.pkgs-ok" 2>/dev/null)" != "${PACKAGES[*]}" ]; then
  echo "check-libtorch2: installing ${PACKAGES[*]}" >&2
  cr apt-get update || die "apt-get update in the chroot failed"
  cr apt-get install -y --no-install-recommends "${PACKAGES[@]}" || die "apt-get install in the chroot failed"
  cr apt-get clean
  echo "${PACKAGES[*]}" >"$R/.pkgs-ok"
fi
cr update-ca-certificates >/dev/null || die "update-ca-certificates in the chroot failed"

# npm in the chroot: trust the system bundle (which now holds the copied CAs) and mirror the
# host's registry/proxy settings when the host has npm. Auth tokens are deliberately not copied.
{
  echo "cafile=/etc/ssl/certs/ca-certificates.crt"
  printf '%s\n' audit=false fund=false update-notifier=false
  if command -v npm >/dev/null; then
    for key in registry proxy https-proxy noproxy strict-ssl; do
      val=$(cd / && npm config get "$key" 2>/dev/null) || continue
      case $val in "" | null | undefined) continue ;; esac
      echo "$key=$val"
    done
  fi
} >"$R/root/.npmrc"

# version.h spells the version as three macros (TORCH_VERSION itself spans two lines).
TORCH_VERSION=$(awk '/^#define TORCH_VERSION_(MAJOR|MINOR|PATCH) /{v = v (v == "" ? "" : ".") $3} END{print v}' \
  "$R/usr/include/torch/csrc/api/include/torch/version.h" 2>/dev/null || true)
[ -n "$TORCH_VERSION" ] || die "no LibTorch version header in the chroot"
echo "check-libtorch2: chroot ready in $((SECONDS - prep_start)) s: LibTorch $TORCH_VERSION," \
  "node $(cr node --version), npm $(cr npm --version)" >&2

if [ "$PREPARE_ONLY" = 1 ]; then exit 0; fi

# --- the project ----------------------------------------------------------------------------
echo "== LibTorch $TORCH_VERSION (trixie chroot) =="

# Fresh copy of the checkout (tracked + untracked-but-not-ignored files, so no node_modules,
# build or dist). The CMake build dir is kept across runs: the path inside the chroot never
# changes and tar keeps the files' mtimes, so make rebuilds exactly what changed. node_modules
# is not kept: `npm ci` deletes it anyway, and the npm cache in the chroot's /root/.npm makes
# reinstalling fast.
B=$R/build
mkdir -p "$B/cache"
rm -rf --one-file-system "$B/cache/build"
if [ "$CLEAN" = 0 ] && [ -d "$B/src/build" ]; then mv "$B/src/build" "$B/cache/build"; fi
rm -rf --one-file-system "$B/src"
mkdir -p "$B/src"
# `git ls-files -c` still lists tracked files deleted from the work tree: skip those.
(cd "$SRC" && git ls-files -z -co --exclude-standard |
  while IFS= read -r -d '' f; do if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi; done |
  tar --null -T - -cf -) | tar -xpf - -C "$B/src"
# -T: a `build` symlink in the copy (from a worktree) is replaced, not moved into.
if [ -d "$B/cache/build" ]; then rm -rf --one-file-system "$B/src/build" && mv -T "$B/cache/build" "$B/src/build"; fi

# --ignore-scripts: the chroot's npm 9 would otherwise run our own install script, which builds the
# addon once more before `npm run build` (the dependencies need no scripts: their binaries are
# optional packages, as the host's npm 11, which runs none, shows). better-sqlite3 (the prediction
# log) is the exception: its binary is built from source, about 200 s. Its prebuilt download is not
# reachable, and node-gyp would fetch Node's headers too: nodedir points it at Debian's /usr/include/node.
if [ -e "$B/src/package-lock.json" ]; then install=(npm ci --ignore-scripts); else install=(npm install --ignore-scripts); fi
cr sh -c "cd /build/src && ${install[*]}" || die "${install[*]} failed in the chroot"
cr sh -c 'cd /build/src && npm_config_nodedir=/usr npm rebuild better-sqlite3' || die "building better-sqlite3 failed in the chroot"
cr sh -c 'cd /build/src && npm run build' || die "npm run build failed against LibTorch $TORCH_VERSION"

status=0
# The node-gyp build of bindings.gyp is checked on the host; here it would only repeat the compile.
if [ ${#FILTERS[@]} -gt 0 ]; then
  cr sh -c "cd /build/src && NODETORCH_SKIP_GYP_TEST=1 NODETORCH_SKIP_PACK_TEST=1 node scripts/run-tests.mjs ${FILTERS[*]}" || status=$?
else
  cr sh -c 'cd /build/src && NODETORCH_SKIP_GYP_TEST=1 NODETORCH_SKIP_PACK_TEST=1 npm test' || status=$?
fi
echo "== LibTorch $TORCH_VERSION (trixie chroot): tests $([ $status = 0 ] && echo passed || echo "FAILED (exit $status)") =="
exit "$status"
