// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App

ApplicationWindow {
    id: window

    required property Localization localization
    // True once start-up is complete (`deepdesk --screenshot` waits for it).
    property bool ready: false

    width: 1200
    height: 780
    minimumWidth: 760
    minimumHeight: 520
    visible: true
    title: "DeepDesk"
    color: Theme.background
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontNormal

    RowLayout {
        anchors.fill: parent
        spacing: 0

        Sidebar {
            Layout.fillHeight: true
            Layout.preferredWidth: Theme.sidebarWidth
            localization: window.localization
            onNewChatRequested: chatPage.startNewChat()
            onAboutRequested: aboutDialog.open()
        }

        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: 1
            color: Theme.border
        }

        ChatPage {
            id: chatPage
            Layout.fillWidth: true
            Layout.fillHeight: true
        }
    }

    AboutDialog {
        id: aboutDialog
        anchors.centerIn: parent
    }

    Shortcut {
        sequence: "Ctrl+N"
        onActivated: chatPage.startNewChat()
    }

    Component.onCompleted: ready = true
}
