// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.Ui

// A starter prompt on the empty chat page; clicking it puts the prompt in the composer.
Rectangle {
    id: card

    property string title
    property string prompt

    signal chosen(string prompt)

    implicitHeight: column.implicitHeight + 24
    radius: Theme.radius
    color: hover.hovered ? Theme.surfaceHover : Theme.surface
    border.color: Theme.border

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 12
        spacing: 4
        Label {
            Layout.fillWidth: true
            text: card.title
            color: Theme.text
            font.bold: true
            elide: Text.ElideRight
        }
        Label {
            Layout.fillWidth: true
            text: card.prompt
            color: Theme.textMuted
            font.pixelSize: Theme.fontSmall
            wrapMode: Text.WordWrap
            maximumLineCount: 2
            elide: Text.ElideRight
        }
    }

    HoverHandler { id: hover; cursorShape: Qt.PointingHandCursor }
    TapHandler { onTapped: card.chosen(card.prompt) }
}
