// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// One tool call of an answer: the tool and its arguments, the user's choice while it waits
// (Allow once / Always for this tool / Deny), then its result as its own block, collapsed.
Rectangle {
    id: block

    property var call: ({})          // {id, name, arguments, state, result}
    property bool awaitingUser: false  // the call waits for the user's decision now
    property bool resultOpen: false

    signal decided(string decision)

    readonly property string state_: call.state || ""
    readonly property bool hasResult: (call.result || "").length > 0

    objectName: "toolCallBlock"
    radius: Theme.radius
    color: Theme.surface
    border.color: awaitingUser ? Theme.accent : Theme.border
    implicitHeight: content.implicitHeight + 20

    function prettyArguments(text) {
        try {
            return JSON.stringify(JSON.parse(text), null, 2)
        } catch (e) {
            return text
        }
    }

    function stateText(s) {
        switch (s) {
        case "pending": return qsTr("Waiting for your approval")
        case "allowed": return qsTr("Allowed")
        case "running": return qsTr("Running\u2026")
        case "done": return qsTr("Done")
        case "error": return qsTr("Failed")
        case "denied": return qsTr("Denied")
        case "cancelled": return qsTr("Stopped")
        }
        return s
    }

    ColumnLayout {
        id: content
        x: 12
        y: 10
        width: parent.width - 24
        spacing: 6

        RowLayout {
            Layout.fillWidth: true
            spacing: 8
            Label {
                objectName: "toolCallTitle"
                text: qsTr("Tool call: %1").arg(block.call.name || "")
                textFormat: Text.PlainText
                font.bold: true
                font.pixelSize: Theme.fontSmall
                color: Theme.text
                Layout.fillWidth: true
                elide: Text.ElideRight
            }
            BusyIndicator {
                visible: block.state_ === "running"
                running: visible
                implicitWidth: 18
                implicitHeight: 18
            }
            Label {
                objectName: "toolCallState"
                text: block.stateText(block.awaitingUser || block.state_ !== "pending" ? block.state_ : "")
                       || qsTr("Not run")
                font.pixelSize: Theme.fontSmall
                color: block.state_ === "error" || block.state_ === "denied" ? Theme.danger : Theme.textMuted
            }
        }
        // The arguments, exactly as the model wrote them (pretty-printed when they are JSON).
        TextEdit {
            objectName: "toolCallArguments"
            Layout.fillWidth: true
            readOnly: true
            selectByMouse: true
            wrapMode: TextEdit.WrapAnywhere
            textFormat: TextEdit.PlainText
            text: block.prettyArguments(block.call.arguments || "{}")
            font.family: "monospace"
            font.pixelSize: Theme.fontSmall
            color: Theme.textMuted
        }
        RowLayout {
            visible: block.awaitingUser
            spacing: 6
            PrimaryButton {
                objectName: "allowOnce"
                text: qsTr("Allow once")
                onClicked: block.decided("once")
            }
            Button {
                objectName: "allowAlways"
                text: qsTr("Always for this tool")
                onClicked: block.decided("always")
            }
            Button {
                objectName: "denyCall"
                text: qsTr("Deny")
                onClicked: block.decided("deny")
            }
        }
        // The result, its own block.
        Rectangle {
            objectName: "toolResult"
            visible: block.hasResult
            Layout.fillWidth: true
            radius: Theme.radius
            color: Theme.background
            border.color: Theme.border
            implicitHeight: resultColumn.implicitHeight + 12
            ColumnLayout {
                id: resultColumn
                x: 8
                y: 6
                width: parent.width - 16
                Label {
                    objectName: "toolResultHeader"
                    text: (block.resultOpen ? "\u25be " : "\u25b8 ") + qsTr("Result")
                    font.pixelSize: Theme.fontSmall
                    color: Theme.textMuted
                    MouseArea {
                        anchors.fill: parent
                        cursorShape: Qt.PointingHandCursor
                        onClicked: block.resultOpen = !block.resultOpen
                    }
                }
                TextEdit {
                    objectName: "toolResultText"
                    visible: block.resultOpen
                    Layout.fillWidth: true
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.Wrap
                    textFormat: TextEdit.PlainText  // a tool's output: never markup
                    text: block.call.result || ""
                    font.pixelSize: Theme.fontSmall
                    color: Theme.text
                }
            }
        }
    }
}
