// SPDX-License-Identifier: GPL-3.0-or-later
pragma Singleton
import QtQuick

// Colours, sizes and fonts in one place. Dark follows the system palette.
QtObject {
    id: theme

    readonly property SystemPalette systemPalette: SystemPalette { colorGroup: SystemPalette.Active }
    // "system" follows the desktop; "light" and "dark" are the user's choice (Settings).
    property string mode: "system"
    readonly property bool dark: mode === "dark" || (mode === "system" && systemPalette.window.hslLightness < 0.5)

    readonly property color background: dark ? "#17181b" : "#ffffff"
    readonly property color sidebar: dark ? "#111214" : "#f5f6f8"
    readonly property color surface: dark ? "#222428" : "#f3f4f6"
    readonly property color surfaceHover: dark ? "#2b2e33" : "#e9ebef"
    readonly property color border: dark ? "#2e3137" : "#e2e4e8"
    readonly property color text: dark ? "#e8e9ec" : "#1f2329"
    readonly property color textMuted: dark ? "#9aa0a8" : "#667085"
    readonly property color textFaint: dark ? "#6b7078" : "#98a2b3"
    readonly property color accent: "#4d6bfe"
    readonly property color accentHover: "#3d5ae8"
    // Filled buttons with white text: dark enough for it (contrast 4.5 and more).
    readonly property color accentFill: "#3b57e0"
    readonly property color accentFillHover: "#2f48c2"
    readonly property color accentText: "#ffffff"
    readonly property color accentSoft: dark ? "#232b4d" : "#eef1ff"
    readonly property color link: dark ? "#9db0ff" : "#3451e0"
    readonly property color danger: dark ? "#f97066" : "#d92d20"

    readonly property string fontFamily: "Noto Sans CJK SC"
    readonly property int fontSmall: 12
    readonly property int fontNormal: 14
    readonly property int fontLarge: 18
    readonly property int fontHeadline: 26

    readonly property int radius: 10
    readonly property int radiusLarge: 16
    readonly property int spacing: 8
    readonly property int sidebarWidth: 272
    readonly property int contentMaxWidth: 780
}
