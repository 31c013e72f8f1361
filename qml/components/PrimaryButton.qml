// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import DeepDesk.Ui

// The main action of a place (Download, Send, Add): the accent colour with white text, readable
// in both themes (the Basic style's `highlighted` draws it in the palette's dark grey).
Button {
    id: button
    // false: drawn as an ordinary button (a card that is not the recommended one).
    property bool primary: true
    contentItem: Label {
        text: button.text
        font: button.font
        color: !button.enabled ? Theme.textFaint : button.primary ? Theme.accentText : Theme.text
        horizontalAlignment: Text.AlignHCenter
        verticalAlignment: Text.AlignVCenter
        elide: Text.ElideRight
    }
    background: Rectangle {
        implicitWidth: 80
        implicitHeight: 36
        radius: 8
        color: !button.enabled ? Theme.surface
             : !button.primary ? (button.hovered || button.down ? Theme.surfaceHover : Theme.surface)
             : button.down || button.hovered ? Theme.accentFillHover : Theme.accentFill
        border.width: button.visualFocus ? 2 : (button.primary ? 0 : 1)
        border.color: button.visualFocus ? Theme.text : Theme.border
    }
}
