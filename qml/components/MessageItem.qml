// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// One message of the conversation. The user's on the right; the assistant's with its reasoning
// block above the answer, its actions (copy, regenerate, branch switcher) and its state.
Item {
    id: item

    required property int index
    required property var messageId
    required property string role
    required property string content
    required property string reasoning
    required property var reasoningMs
    required property bool thinking
    required property string status
    required property string errorText
    required property real tokensPerSecond
    required property var generatedTokens
    required property int siblingIndex
    required property int siblingCount
    required property var toolCalls
    required property var attachments
    required property var sources
    property bool isLast: false
    property bool editing: false
    property bool errorExplainedBelow: false

    implicitHeight: column.implicitHeight + 20

    ColumnLayout {
        id: column
        width: parent.width
        y: 10
        spacing: 6

        // The files attached to the user's message.
        Flow {
            visible: item.role === "user" && item.attachments && item.attachments.length > 0
            Layout.alignment: Qt.AlignRight
            Layout.maximumWidth: parent.width * 0.8
            spacing: 6
            Repeater {
                model: item.role === "user" && item.attachments ? item.attachments : []
                delegate: Rectangle {
                    required property var modelData
                    objectName: modelData.source ? "sourceChip" : "sentAttachment"
                    radius: 12
                    color: sourceMouse.containsMouse ? Theme.surfaceHover : Theme.surface
                    border.color: modelData.source ? Theme.accent : Theme.border
                    ToolTip.visible: sourceMouse.containsMouse && modelData.source
                    ToolTip.text: qsTr("Open the source")
                    // A source from a collection opens in the desktop's application for it.
                    MouseArea {
                        id: sourceMouse
                        anchors.fill: parent
                        enabled: modelData.source
                        hoverEnabled: modelData.source
                        cursorShape: modelData.source ? Qt.PointingHandCursor : Qt.ArrowCursor
                        onClicked: Collections.openSource(modelData.collection, modelData.path)
                    }
                    implicitWidth: sentLabel.implicitWidth + 16
                    implicitHeight: sentLabel.implicitHeight + 8
                    Label {
                        id: sentLabel
                        objectName: "sentAttachmentText"
                        x: 8
                        y: 4
                        text: modelData.source ? modelData.name
                              : modelData.name + "  \u00b7  " +
                                qsTr("~%1 tokens").arg(Number(modelData.tokens).toLocaleString(Qt.locale(), "f", 0))
                        textFormat: Text.PlainText
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                }
            }
        }

        // The user's message.
        Rectangle {
            visible: item.role === "user" && !item.editing && item.content.length > 0
            Layout.alignment: Qt.AlignRight
            Layout.maximumWidth: parent.width * 0.8
            implicitWidth: userText.implicitWidth + 28
            implicitHeight: userText.implicitHeight + 20
            radius: Theme.radiusLarge
            color: Theme.accentSoft
            TextEdit {
                id: userText
                objectName: "userText"
                x: 14
                y: 10
                width: Math.min(implicitWidth, column.width * 0.8 - 28)
                readOnly: true
                selectByMouse: true
                wrapMode: TextEdit.Wrap
                text: item.content
                color: Theme.text
                font.family: Theme.fontFamily
                font.pixelSize: Theme.fontNormal
            }
        }

        // Editing a user message: resend makes a new branch.
        ColumnLayout {
            visible: item.editing
            Layout.fillWidth: true
            TextArea {
                id: editArea
                Accessible.name: qsTr("Edit message")
                Layout.fillWidth: true
                wrapMode: TextEdit.Wrap
                text: item.content
                background: Rectangle { radius: Theme.radius; border.color: Theme.accent; color: Theme.background }
            }
            RowLayout {
                Layout.alignment: Qt.AlignRight
                Button { text: qsTr("Cancel"); onClicked: item.editing = false }
                PrimaryButton {
                    text: qsTr("Send")
                    onClicked: {
                        item.editing = false
                        Chat.editAndResend(item.messageId, editArea.text)
                    }
                }
            }
        }

        // The assistant's reasoning and answer.
        ReasoningBlock {
            visible: item.role === "assistant" && (item.reasoning.length > 0 || item.thinking)
            Layout.fillWidth: true
            text: item.reasoning
            thinking: item.thinking
            durationMs: Number(item.reasoningMs)
            onCopyRequested: (t) => Chat.copyToClipboard(t)
        }
        MarkdownView {
            id: answerView
            visible: item.role === "assistant"
            Layout.fillWidth: true
            text: item.content
            // The sources the answer cites as [n] are links: a click opens the file, the pointer
            // on one says which it is.
            citations: item.sources ? item.sources.length : 0
            onCitationActivated: (n) => {
                const s = item.sources[n - 1]
                if (s)
                    Collections.openSource(s.collection, s.path)
            }
            onCopyRequested: (t) => Chat.copyToClipboard(t)
            ToolTip {
                objectName: "citationToolTip"
                readonly property var source: answerView.hoveredCitation > 0 ? item.sources[answerView.hoveredCitation - 1] : undefined
                text: source ? source.label : ""
                visible: text.length > 0
                delay: 300
            }
        }
        // The tools the answer called, each with its arguments, the user's choice and its result.
        Repeater {
            model: item.role === "assistant" && item.toolCalls ? item.toolCalls : []
            delegate: ToolCallBlock {
                required property var modelData
                required property int index
                Layout.fillWidth: true
                call: modelData
                awaitingUser: Chat.toolMessageId === item.messageId && modelData.state === "pending"
                onDecided: (decision) => Chat.decideToolCall(item.messageId, index, decision)
            }
        }
        BusyIndicator {
            visible: item.role === "assistant" && item.status === "streaming" && item.content.length === 0 &&
                     !item.thinking && item.reasoning.length === 0
            running: visible
            implicitWidth: 28
            implicitHeight: 28
        }
        Label {
            objectName: "messageState"
            visible: item.status === "interrupted" || (item.status === "error" && !item.errorExplainedBelow)
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            color: item.status === "error" ? "#d92d20" : "#b54708"
            font.pixelSize: Theme.fontSmall
            textFormat: Text.PlainText  // conversation content: never markup
            text: item.status === "error" ? qsTr("Error: %1").arg(item.errorText)
                                          : qsTr("This answer was interrupted.")
        }

        // Actions.
        RowLayout {
            visible: item.status !== "streaming" && !item.editing
            Layout.alignment: item.role === "user" ? Qt.AlignRight : Qt.AlignLeft
            spacing: 2
            ActionButton {
                visible: item.siblingCount > 1
                objectName: "previousBranch"
                text: "\u2039"
                Accessible.name: qsTr("Previous version")
                enabled: item.siblingIndex > 0 && !Chat.generating
                onClicked: Chat.switchBranch(item.messageId, -1)
            }
            Label {
                objectName: "branchLabel"
                visible: item.siblingCount > 1
                text: (item.siblingIndex + 1) + "/" + item.siblingCount
                color: Theme.textMuted
                font.pixelSize: Theme.fontSmall
            }
            ActionButton {
                visible: item.siblingCount > 1
                objectName: "nextBranch"
                text: "\u203a"
                Accessible.name: qsTr("Next version")
                enabled: item.siblingIndex < item.siblingCount - 1 && !Chat.generating
                onClicked: Chat.switchBranch(item.messageId, 1)
            }
            ActionButton {
                text: qsTr("Copy")
                font.pixelSize: Theme.fontSmall
                onClicked: Chat.copyToClipboard(item.content)
            }
            ActionButton {
                visible: item.role === "user"
                enabled: !Chat.generating
                text: qsTr("Edit")
                font.pixelSize: Theme.fontSmall
                onClicked: item.editing = true
            }
            ActionButton {
                objectName: "continueButton"
                visible: item.role === "assistant" && item.isLast && item.status === "interrupted"
                enabled: !Chat.generating && ModelHost.modelLoaded
                text: qsTr("Continue")
                font.pixelSize: Theme.fontSmall
                onClicked: Chat.continueAnswer()
            }
            ActionButton {
                visible: item.role === "assistant" && item.isLast
                enabled: !Chat.generating && ModelHost.modelLoaded
                text: qsTr("Regenerate")
                font.pixelSize: Theme.fontSmall
                onClicked: Chat.regenerate()
            }
            Label {
                visible: item.role === "assistant" && Number(item.generatedTokens) > 0
                text: qsTr("%1 tokens \u00b7 %2 tok/s").arg(Number(item.generatedTokens)).arg(item.tokensPerSecond.toFixed(1))
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
                leftPadding: 6
            }
        }
    }
}
