// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import DeepDesk.Ui

// The DeepDesk mark: a rounded square in the accent colour with a stylised "D".
Rectangle {
    id: logo
    property int size: 32

    width: size
    height: size
    radius: size * 0.28
    color: Theme.accent

    Text {
        anchors.centerIn: parent
        text: "D"
        color: Theme.accentText
        font.pixelSize: logo.size * 0.6
        font.bold: true
        font.family: Theme.fontFamily
    }
}
