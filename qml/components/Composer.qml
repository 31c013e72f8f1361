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

    signal sendRequested(string text)
    signal stopRequested()

    readonly property bool sendable: canSend && !generating && input.text.trim().length > 0

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
    border.color: input.activeFocus ? Theme.accent : Theme.border

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 10
        spacing: 6

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
