#!/usr/bin/env bash
# Sets up nodetorch in this checkout; idempotent, so it is safe (and quick) to run again.
#   1. On Debian/Ubuntu, installs LibTorch, OpenBLAS and Gloo when LibTorch is not found
#      (LIBTORCH, Torch_DIR or a Python torch are used instead when set: see scripts/find-libtorch.cjs).
#   2. Installs the npm dependencies (npm ci) when node_modules is missing or stale.
#   3. Builds the native addon (cmake-js, incremental) and the TypeScript package (tsup).
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\033[1msetup:\033[0m %s\n' "$*"; }

# OpenBLAS is what makes LibTorch fast here (13-19x over the reference BLAS); Gloo is for c10d.
APT_PACKAGES=(libtorch-dev libopenblas0-pthread libgloo-dev cmake g++ make python3)

missing_apt_packages() {
  local missing=()
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
  done
  echo "${missing[@]:-}"
}

if ! node scripts/find-libtorch.cjs >/dev/null 2>&1 || { command -v dpkg-query >/dev/null && [ -z "${LIBTORCH:-}${Torch_DIR:-}" ] && [ -n "$(missing_apt_packages)" ]; }; then
  if command -v apt-get >/dev/null; then
    missing=$(missing_apt_packages)
    log "installing Debian packages: $missing"
    SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    # shellcheck disable=SC2086
    $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    node scripts/find-libtorch.cjs >/dev/null  # prints what was tried and how to fix it
  fi
fi

lock_stamp=node_modules/.package-lock.json
if [ ! -d node_modules ] || [ package-lock.json -nt "$lock_stamp" ] || [ package.json -nt "$lock_stamp" ]; then
  log "installing npm dependencies"
  # onnxruntime-node (a dev dependency) ships its CPU binaries; its postinstall would download CUDA
  # files from another registry and fail the install where that registry cannot be reached.
  ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund
fi

log "building the native addon ($(node scripts/find-libtorch.cjs --cmake))"
npx cmake-js compile --parallel "$(nproc 2>/dev/null || echo 2)" --log-level error >/dev/null
log "building the TypeScript package"
npx tsup --silent
log "ready: $(node -e "import('nodetorch').then(t => { const c = t.config(); console.log('LibTorch ' + c.torchVersion + ', ' + c.blas.split(' ').slice(0, 2).join(' ') + ', CUDA ' + (c.cudaAvailable ? 'yes' : 'no')) })")"
