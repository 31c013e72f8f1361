// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import DeepDesk.Ui

// A quiet text button for message actions (copy, edit, regenerate, ‹ ›): no frame until hovered.
ToolButton {
    id: button
    font.pixelSize: Theme.fontSmall
    padding: 4
    leftPadding: 8
    rightPadding: 8
    contentItem: Label {
        text: button.text
        font: button.font
        color: button.enabled ? (button.hovered ? Theme.text : Theme.textMuted) : Theme.textFaint
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
    }
    background: Rectangle {
        implicitHeight: 26
        radius: 6
        color: button.hovered && button.enabled ? Theme.surfaceHover : "transparent"
    }
}
