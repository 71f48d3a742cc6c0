# SPDX-License-Identifier: GPL-3.0-or-later
# Shared by build-aux/run and build-aux/test: the Debian 12 packages Frontdesk
# needs, and installing the missing ones.

FRONTDESK_PACKAGES=(
  build-essential pkg-config meson ninja-build gettext python3
  libglib2.0-dev libgtk-4-dev libgtk-4-bin libadwaita-1-dev libsoup-3.0-dev
  libsqlite3-dev sqlite3 libcairo2-dev libpango1.0-dev libjson-glib-dev libsecret-1-dev glib-networking
  desktop-file-utils appstream-util
  xvfb xauth dbus dbus-x11 at-spi2-core python3-pyatspi
  gnome-keyring
  poppler-utils imagemagick curl xdotool
  clang clang-tools libclang-rt-14-dev
  fonts-cantarell fonts-dejavu-core
)

# Installs what is missing when run as root; otherwise prints the command and fails.
ensure_packages () {
  local missing=()
  local pkg
  for pkg in "${FRONTDESK_PACKAGES[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$pkg")
    fi
  done
  [ ${#missing[@]} -eq 0 ] && return 0

  if [ "$(id -u)" -ne 0 ]; then
    echo "Frontdesk needs these Debian packages. Install them as root with:" >&2
    echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
    return 1
  fi

  echo "Installing ${#missing[@]} missing packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# meson setup that also works on a tree configured before
setup_build () {
  local dir=$1; shift
  if [ -f "$dir/build.ninja" ]; then
    meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@"
  fi
}

# The FHIR server the tests and the demo run: Node and the pinned packages of
# tests/fhir-server, installed from its lockfile
ensure_fhir_server () {
  local dir=$1/tests/fhir-server
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    if [ "$(id -u)" -ne 0 ]; then
      echo "The test FHIR server needs Node.js and npm: apt-get install -y nodejs npm" >&2
      return 1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nodejs npm
  fi
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules" ]; then
    echo "Installing the test FHIR server's packages"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || return 1
    touch "$dir/node_modules"
  fi
}
