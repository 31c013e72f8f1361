// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.Ui

// Where the user writes. Enter sends, Shift+Enter starts a new line, Esc stops a running answer.
// Drafting is always possible; sending needs `canSend`, and `disabledReason` says why not.
Rectangle {
    id: composer

    property alias text: input.text
    property bool canSend: false
    property string disabledReason: ""
    property bool generating: false
    // Files attached to the next message: [{name, tokens, error, reading}].
    property var attachments: []

    signal sendRequested(string text)
    signal stopRequested()
    signal attachRequested()
    signal filesDropped(var urls)
    signal removeAttachmentRequested(int index)

    readonly property bool hasUsableFile: attachments.some(a => !a.error && !a.reading)
    readonly property bool sendable: canSend && !generating && (input.text.trim().length > 0 || hasUsableFile)
                                     && !attachments.some(a => a.reading)

    // Sends the current text when allowed; returns whether it was sent.
    function send() {
        if (!sendable)
            return false
        const message = input.text
        input.clear()
        sendRequested(message)
        return true
    }

    function focusInput() { input.forceActiveFocus() }

    implicitHeight: column.implicitHeight + 20
    radius: Theme.radiusLarge
    color: Theme.surface
    border.color: input.activeFocus || drop.containsDrag ? Theme.accent : Theme.border

    // Files dropped on the composer are attached.
    DropArea {
        id: drop
        anchors.fill: parent
        keys: ["text/uri-list"]
        onDropped: (event) => {
            if (event.hasUrls) {
                composer.filesDropped(event.urls)
                event.acceptProposedAction()
            }
        }
    }

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 10
        spacing: 6

        // The attached files, as chips: name and about how many tokens, or why it cannot be used.
        Flow {
            objectName: "attachmentChips"
            visible: composer.attachments.length > 0
            Layout.fillWidth: true
            spacing: 6
            Repeater {
                model: composer.attachments
                delegate: Rectangle {
                    required property var modelData
                    required property int index
                    objectName: "attachmentChip"
                    radius: 12
                    color: modelData.error ? "transparent" : Theme.background
                    border.color: modelData.error ? Theme.danger : Theme.border
                    implicitWidth: chipRow.implicitWidth + 16
                    implicitHeight: chipRow.implicitHeight + 8
                    ToolTip.visible: chipMouse.containsMouse && modelData.error.length > 0
                    ToolTip.text: modelData.error
                    MouseArea { id: chipMouse; anchors.fill: parent; hoverEnabled: true }
                    RowLayout {
                        id: chipRow
                        x: 8
                        y: 4
                        spacing: 6
                        Label {
                            objectName: "attachmentChipText"
                            text: modelData.name
                            textFormat: Text.PlainText
                            color: Theme.text
                            font.pixelSize: Theme.fontSmall
                            elide: Text.ElideMiddle
                            Layout.maximumWidth: 260
                        }
                        Label {
                            text: modelData.reading ? qsTr("reading\u2026")
                                  : modelData.error ? qsTr("cannot be used")
                                  : qsTr("~%1 tokens").arg(Number(modelData.tokens).toLocaleString(Qt.locale(), "f", 0))
                            color: modelData.error ? Theme.danger : Theme.textMuted
                            font.pixelSize: Theme.fontSmall
                        }
                        ActionButton {
                            text: "\u00d7"
                            Accessible.name: qsTr("Remove %1").arg(modelData.name)
                            onClicked: composer.removeAttachmentRequested(index)
                        }
                    }
                }
            }
        }

        ScrollView {
            Layout.fillWidth: true
            Layout.preferredHeight: Math.min(Math.max(input.implicitHeight, 44), 200)

            TextArea {
                id: input
                objectName: "composerInput"
                Accessible.name: qsTr("Message")
                placeholderText: qsTr("Message DeepDesk… (Enter to send, Shift+Enter for a new line)")
                placeholderTextColor: Theme.textFaint
                color: Theme.text
                wrapMode: TextEdit.Wrap
                background: null
                Keys.onPressed: (event) => {
                    if (event.key === Qt.Key_Return || event.key === Qt.Key_Enter) {
                        if (event.modifiers & Qt.ShiftModifier)
                            input.insert(input.cursorPosition, "\n")
                        else
                            composer.send()
                        event.accepted = true
                    } else if (event.key === Qt.Key_Escape && composer.generating) {
                        composer.stopRequested()
                        event.accepted = true
                    }
                }
            }
        }

        RowLayout {
            Layout.fillWidth: true
            spacing: 8

            ActionButton {
                objectName: "attachButton"
                text: "+ " + qsTr("Attach")
                Accessible.name: qsTr("Attach files")
                font.pixelSize: Theme.fontSmall
                onClicked: composer.attachRequested()
                ToolTip.visible: hovered
                ToolTip.delay: 600
                ToolTip.text: qsTr("Text, Markdown, code, CSV, JSON or PDF; or drop files here")
            }
            Label {
                objectName: "disabledReason"
                Layout.fillWidth: true
                visible: !composer.canSend && composer.disabledReason.length > 0
                text: composer.disabledReason
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
                elide: Text.ElideRight
            }
            Item { Layout.fillWidth: true; visible: composer.canSend || composer.disabledReason.length === 0 }

            Button {
                id: sendButton
                objectName: "sendButton"
                text: composer.generating ? qsTr("Stop") : qsTr("Send")
                enabled: composer.generating || composer.sendable
                onClicked: composer.generating ? composer.stopRequested() : composer.send()
                contentItem: Label {
                    text: sendButton.text
                    color: sendButton.enabled ? Theme.accentText : Theme.textFaint
                    horizontalAlignment: Text.AlignHCenter
                    verticalAlignment: Text.AlignVCenter
                    font.bold: true
                }
                background: Rectangle {
                    implicitWidth: 72
                    implicitHeight: 34
                    radius: 17
                    color: !sendButton.enabled ? Theme.surfaceHover
                                               : (sendButton.hovered ? Theme.accentFillHover : Theme.accentFill)
                }
            }
        }
    }
}
