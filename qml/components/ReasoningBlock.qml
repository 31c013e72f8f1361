// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// The model's reasoning, quieter than the answer: "Thinking… 12 s" with the seconds counting and
// the text open while it streams, then "Thought for 12 s", collapsed, opened with a click.
ColumnLayout {
    id: block

    property string text: ""
    property bool thinking: false
    property int durationMs: 0
    property bool expanded: thinking
    // Seconds shown while thinking, counted here from when thinking began.
    property real startedAt: 0
    property int liveSeconds: 0

    signal copyRequested(string text)

    spacing: 4
    onThinkingChanged: {
        if (thinking) {
            startedAt = Date.now()
            liveSeconds = 0
            expanded = true
        } else {
            expanded = false
        }
    }
    Component.onCompleted: if (thinking) startedAt = Date.now()

    Timer {
        interval: 250
        repeat: true
        running: block.thinking
        onTriggered: block.liveSeconds = Math.floor((Date.now() - block.startedAt) / 1000)
    }

    RowLayout {
        spacing: 6
        Rectangle {
            objectName: "reasoningHeader"
            implicitWidth: headerLabel.implicitWidth + 28
            implicitHeight: 28
            radius: 14
            color: headerArea.containsMouse ? Theme.surfaceHover : Theme.surface
            Label {
                id: headerLabel
                objectName: "reasoningHeaderLabel"
                anchors.centerIn: parent
                text: (block.expanded ? "\u25be " : "\u25b8 ") +
                      (block.thinking ? qsTr("Thinking\u2026 %1 s").arg(block.liveSeconds)
                                      : block.durationMs < 1000 ? qsTr("Thought for < 1 s")  // as in exports
                                      : qsTr("Thought for %1 s").arg(Math.round(block.durationMs / 1000)))
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
            }
            MouseArea {
                id: headerArea
                anchors.fill: parent
                hoverEnabled: true
                cursorShape: Qt.PointingHandCursor
                onClicked: block.expanded = !block.expanded
            }
        }
        ActionButton {
            objectName: "copyReasoning"
            visible: block.expanded && block.text.length > 0 && !block.thinking
            text: qsTr("Copy")
            font.pixelSize: Theme.fontSmall
            onClicked: block.copyRequested(block.text)
        }
    }

    Rectangle {
        objectName: "reasoningBody"
        visible: block.expanded && block.text.length > 0
        Layout.fillWidth: true
        implicitHeight: reasoningText.implicitHeight + 8
        color: "transparent"
        Rectangle {
            width: 3
            height: parent.height
            radius: 1
            color: Theme.border
        }
        MarkdownView {
            // Markdown and formulas as in answers, quieter; only the growing paragraph is
            // rendered again while it streams.
            id: reasoningText
            x: 14
            width: parent.width - 14
            text: block.text
            proseName: "reasoningText"
            textColor: Theme.textMuted
            pixelSize: Theme.fontSmall + 1
            onCopyRequested: (t) => block.copyRequested(t)
        }
    }
}
