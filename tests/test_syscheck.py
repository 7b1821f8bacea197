"""`make run`'s check of the system libraries Qt's display plugin needs (fake ldd output)."""
import sys

import pytest

from irgroups_gui import syscheck

LDD_MISSING = """\tlinux-vdso.so.1 (0x00007ffd)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f99)
\tlibxcb-icccm.so.4 => not found
\tlibfoo-unknown.so.3 => not found
"""
LDD_OK = "\tlibxcb.so.1 => /lib/x86_64-linux-gnu/libxcb.so.1 (0x00007f99)\n"
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check runs on Linux only")


@pytest.mark.parametrize("env, plugin", [
    ({"DISPLAY": ":0"}, "xcb"),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"}, None),
    ({"DISPLAY": ":0", "QT_QPA_PLATFORM": "minimal:enable_fonts"}, None),
    ({}, None),
    ({"WAYLAND_DISPLAY": "wayland-0"}, "wayland"),
    ({"WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "xcb"),
    ({"QT_QPA_PLATFORM": "wayland", "WAYLAND_DISPLAY": "wayland-0", "DISPLAY": ":0"}, "wayland"),
    ({"QT_QPA_PLATFORM": "xcb"}, None),  # no display to connect to: Qt's own message says so
])
def test_which_plugin_is_checked(env, plugin):
    assert syscheck.platform_plugin(env) == plugin


def test_missing_libraries_are_parsed_once_each_in_order():
    assert syscheck.missing_libraries("x.so", lambda p: LDD_MISSING) == [
        "libxcb-cursor.so.0", "libxcb-icccm.so.4", "libfoo-unknown.so.3"]


@linux_only
def test_message_names_the_libraries_and_the_packages_to_install():
    msg = syscheck.check({"DISPLAY": ":0"}, ldd=lambda p: LDD_MISSING)
    assert "libxcb-cursor.so.0  (package libxcb-cursor0)" in msg
    assert "sudo apt-get install libxcb-cursor0 libxcb-icccm4 libfoo-unknown.so.3" in msg
    assert "'xcb'" in msg


@linux_only
def test_nothing_to_say_when_all_is_there_or_no_window_is_shown():
    assert syscheck.check({"DISPLAY": ":0"}, ldd=lambda p: LDD_OK) is None
    called = []
    assert syscheck.check({"DISPLAY": ":0", "QT_QPA_PLATFORM": "offscreen"},
                          ldd=lambda p: called.append(p) or LDD_MISSING) is None
    assert called == []


@linux_only
def test_the_real_plugin_file_is_found_and_ldd_runs_on_it():
    path = syscheck.plugin_file("xcb")
    assert path is not None and path.name == "libqxcb.so"
    assert "libQt6XcbQpa" in syscheck.run_ldd(path)
