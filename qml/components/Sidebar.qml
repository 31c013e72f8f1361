// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Left column: new chat, search, the conversation list, language and About.
Rectangle {
    id: sidebar

    required property Localization localization
    // The conversations to list; empty until conversations are stored.
    property alias conversations: list.model

    signal newChatRequested()
    signal aboutRequested()

    color: Theme.sidebar

    ColumnLayout {
        anchors.fill: parent
        anchors.margins: 12
        spacing: 10

        RowLayout {
            Layout.fillWidth: true
            Layout.topMargin: 4
            spacing: 10
            AppLogo { size: 30 }
            Label {
                text: "DeepDesk"
                color: Theme.text
                font.pixelSize: Theme.fontLarge
                font.bold: true
                Layout.fillWidth: true
            }
        }

        Button {
            id: newChat
            objectName: "newChatButton"
            Layout.fillWidth: true
            Layout.topMargin: 6
            text: qsTr("New chat")
            icon.name: "list-add"
            onClicked: sidebar.newChatRequested()
            ToolTip.visible: hovered
            ToolTip.text: qsTr("Start a new conversation (Ctrl+N)")
            background: Rectangle {
                radius: Theme.radius
                color: newChat.hovered ? Theme.surfaceHover : Theme.background
                border.color: Theme.border
            }
            contentItem: Label {
                text: "+  " + newChat.text
                color: Theme.text
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
        }

        TextField {
            id: search
            objectName: "searchField"
            Layout.fillWidth: true
            placeholderText: qsTr("Search conversations")
            enabled: list.count > 0
            color: Theme.text
            placeholderTextColor: Theme.textFaint
            background: Rectangle {
                radius: Theme.radius
                color: Theme.background
                border.color: search.activeFocus ? Theme.accent : Theme.border
            }
        }

        ListView {
            id: list
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: []

            ColumnLayout {
                objectName: "emptyConversations"
                visible: list.count === 0
                anchors.horizontalCenter: parent.horizontalCenter
                anchors.top: parent.top
                anchors.topMargin: 40
                width: parent.width - 24
                spacing: 6
                Label {
                    Layout.fillWidth: true
                    horizontalAlignment: Text.AlignHCenter
                    text: qsTr("No conversations yet")
                    color: Theme.textMuted
                    font.bold: true
                }
                Label {
                    Layout.fillWidth: true
                    horizontalAlignment: Text.AlignHCenter
                    wrapMode: Text.WordWrap
                    text: qsTr("Your chats are kept on this computer and will be listed here.")
                    color: Theme.textFaint
                    font.pixelSize: Theme.fontSmall
                }
            }
        }

        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 1
            color: Theme.border
        }

        LanguageSwitch {
            Layout.fillWidth: true
            localization: sidebar.localization
        }

        Button {
            id: about
            objectName: "aboutButton"
            Layout.fillWidth: true
            flat: true
            text: qsTr("About DeepDesk")
            onClicked: sidebar.aboutRequested()
            contentItem: Label {
                text: about.text
                color: Theme.textMuted
                horizontalAlignment: Text.AlignLeft
                verticalAlignment: Text.AlignVCenter
            }
            background: Rectangle {
                radius: Theme.radius
                color: about.hovered ? Theme.surfaceHover : "transparent"
            }
        }
    }
}
