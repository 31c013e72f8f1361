// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.Ui

// The conversation area: header with the model in use, the messages, the composer.
Item {
    id: page

    // Display name of the loaded model; empty when none is loaded.
    property string modelName: ""

    function startNewChat() {
        composer.text = ""
        composer.focusInput()
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Header: which model answers.
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 52
            color: Theme.background

            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 20
                anchors.rightMargin: 20
                Rectangle {
                    objectName: "modelStatus"
                    implicitWidth: modelLabel.implicitWidth + 24
                    implicitHeight: 30
                    radius: 15
                    color: Theme.surface
                    border.color: Theme.border
                    Label {
                        id: modelLabel
                        anchors.centerIn: parent
                        text: page.modelName.length > 0 ? page.modelName : qsTr("No model loaded")
                        color: page.modelName.length > 0 ? Theme.text : Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                }
                Item { Layout.fillWidth: true }
            }
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: Theme.border
            }
        }

        // Messages (empty state until the first message).
        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true

            EmptyChatState {
                anchors.centerIn: parent
                width: Math.min(parent.width - 48, Theme.contentMaxWidth)
                onPromptChosen: (prompt) => {
                    composer.text = prompt
                    composer.focusInput()
                }
            }
        }

        ColumnLayout {
            Layout.alignment: Qt.AlignHCenter
            Layout.fillWidth: true
            Layout.maximumWidth: Theme.contentMaxWidth
            Layout.leftMargin: 24
            Layout.rightMargin: 24
            Layout.bottomMargin: 12
            spacing: 6

            Composer {
                id: composer
                Layout.fillWidth: true
                canSend: page.modelName.length > 0
                disabledReason: qsTr("Load a model to start chatting.")
            }

            Label {
                Layout.alignment: Qt.AlignHCenter
                text: qsTr("Models run on this computer. Your conversations never leave it.")
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
            }
        }
    }
}
