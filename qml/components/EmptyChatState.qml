// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.Ui

// What a new conversation shows before the first message: a greeting and starter prompts.
ColumnLayout {
    id: emptyState

    signal promptChosen(string prompt)

    spacing: 14

    AppLogo {
        size: 52
        Layout.alignment: Qt.AlignHCenter
    }

    Label {
        Layout.alignment: Qt.AlignHCenter
        text: qsTr("What can I help you with?")
        color: Theme.text
        font.pixelSize: Theme.fontHeadline
        font.bold: true
    }

    Label {
        Layout.alignment: Qt.AlignHCenter
        Layout.maximumWidth: 560
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.WordWrap
        text: qsTr("Chat with DeepSeek-R1, DeepSeek-Coder and other DeepSeek models on your own computer: private, and working offline.")
        color: Theme.textMuted
    }

    GridLayout {
        Layout.alignment: Qt.AlignHCenter
        Layout.topMargin: 12
        Layout.preferredWidth: Math.min(emptyState.width, 640)
        columns: 2
        columnSpacing: 10
        rowSpacing: 10

        Repeater {
            model: [
                { title: qsTr("Explain a concept"), prompt: qsTr("Explain how attention works in a transformer, with a small example.") },
                { title: qsTr("Write code"), prompt: qsTr("Write a Python function that merges two sorted lists in linear time.") },
                { title: qsTr("Solve step by step"), prompt: qsTr("A train travels 300 km in 2.5 hours. What is its average speed? Reason step by step.") },
                { title: qsTr("Draft a message"), prompt: qsTr("Write a short, polite email asking my professor for a one-week extension.") }
            ]
            delegate: SuggestionCard {
                required property var modelData
                required property int index
                objectName: "suggestion_" + index
                Layout.fillWidth: true
                Layout.fillHeight: true
                Layout.preferredWidth: 1
                title: modelData.title
                prompt: modelData.prompt
                onChosen: (prompt) => emptyState.promptChosen(prompt)
            }
        }
    }
}
