#!/usr/bin/env sh
# Install the unpacked IR Groups folder for the current user: a launcher in the menu and
# `irgroups` / `irgroups-gui` on the PATH (~/.local/bin). Run from the unpacked folder.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dest="${XDG_DATA_HOME:-$HOME/.local/share}"
mkdir -p "$HOME/.local/bin" "$dest/applications" "$dest/icons/hicolor/scalable/apps"
ln -sf "$here/irgroups/irgroups-gui" "$HOME/.local/bin/irgroups-gui"
ln -sf "$here/irgroups/irgroups" "$HOME/.local/bin/irgroups"
cp "$here/irgroups.svg" "$dest/icons/hicolor/scalable/apps/irgroups.svg"
sed "s#^Exec=irgroups-gui#Exec=$here/irgroups/irgroups-gui#" "$here/irgroups.desktop" > "$dest/applications/irgroups.desktop"
echo "IR Groups installed: menu entry 'IR Groups', commands irgroups-gui and irgroups in ~/.local/bin"
