// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App

ApplicationWindow {
    id: window

    required property Localization localization
    // True once start-up is complete and no model is loading (`deepdesk --screenshot` waits for it).
    property bool completed: false
    readonly property bool ready: completed && !ModelHost.loading

    width: 1200
    height: 780
    minimumWidth: 760
    minimumHeight: 520
    visible: true
    title: "DeepDesk"
    color: Theme.background
    // The stock controls (spin boxes, combo boxes, dialogs) take their colours from here, so they
    // follow the light or dark theme too.
    palette.window: Theme.background
    palette.windowText: Theme.text
    palette.base: Theme.background
    palette.alternateBase: Theme.surface
    palette.text: Theme.text
    palette.button: Theme.surface
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.accentText
    palette.link: Theme.link
    palette.linkVisited: Theme.link
    palette.placeholderText: Theme.textFaint
    palette.mid: Theme.border
    palette.midlight: Theme.surfaceHover
    palette.dark: Theme.textMuted
    palette.light: Theme.surface
    font.family: Theme.fontFamily
    font.pixelSize: Theme.fontNormal

    // Built once the localization is set (initial properties arrive after the first bindings).
    Loader {
        id: content
        anchors.fill: parent
        active: window.localization !== null
        sourceComponent: mainLayout
    }

    Component {
        id: mainLayout
    RowLayout {
        spacing: 0
        function startNewChat() { sidebar.commitPendingDelete(); pages.currentIndex = 0; chatPage.startNewChat() }
        function commitPendingDelete() { sidebar.commitPendingDelete() }
        function focusSearch() { sidebar.focusSearch() }
        function showModels() { pages.currentIndex = 1 }
        function openChatDialog(name) { chatPage.openDialog(name) }

        Sidebar {
            id: sidebar
            objectName: "sidebar"
            Layout.fillHeight: true
            Layout.preferredWidth: Theme.sidebarWidth
            localization: window.localization
            onNewChatRequested: { pages.currentIndex = 0; chatPage.startNewChat() }
            onResultChosen: (conversationId, messageId) => { pages.currentIndex = 0; chatPage.showMessage(conversationId, messageId) }
            onAboutRequested: aboutDialog.open()
            onSettingsRequested: settingsDialog.open()
            onModelsRequested: pages.currentIndex = 1
        }

        Rectangle {
            Layout.fillHeight: true
            Layout.preferredWidth: 1
            color: Theme.border
        }

        StackLayout {
            id: pages
            objectName: "pages"
            Layout.fillWidth: true
            Layout.fillHeight: true
            currentIndex: 0

            ChatPage {
                id: chatPage
                language: window.localization ? window.localization.effectiveLanguage : "en"
                onModelsRequested: pages.currentIndex = 1
                onProvidersRequested: providersDialog.open()
                onToolsRequested: toolsDialog.open()
                onCollectionsRequested: collectionsDialog.open()
            }
            ModelsPage {
                id: modelsPage
                objectName: "modelsPage"
                language: window.localization ? window.localization.effectiveLanguage : "en"
                onBackRequested: pages.currentIndex = 0
            }
        }
    }
    }

    AboutDialog {
        id: aboutDialog
        objectName: "aboutDialog"
        anchors.centerIn: parent
    }

    SettingsDialog {
        id: settingsDialog
        objectName: "settingsDialog"
        anchors.centerIn: parent
        localization: window.localization
        onProvidersRequested: { close(); providersDialog.open() }
        onToolsRequested: { close(); toolsDialog.open() }
    }

    CollectionsDialog {
        id: collectionsDialog
        objectName: "collectionsDialog"
        anchors.centerIn: parent
    }

    ToolsDialog {
        id: toolsDialog
        objectName: "toolsDialog"
        anchors.centerIn: parent
    }

    ProvidersDialog {
        id: providersDialog
        objectName: "providersDialog"
        anchors.centerIn: parent
    }

    // Enter in a save dialog's file name field saves.
    FileDialogKeys { window: window }

    // Short confirmations (where an export was saved), at the bottom of the window for a while.
    Popup {
        id: notice
        objectName: "notice"
        function show(text) {
            noticeText.text = text
            open()
            noticeTimer.restart()
        }
        x: Math.round((window.width - width) / 2)
        y: window.height - height - 150
        width: Math.min(implicitWidth, window.width - 80)
        padding: 12
        closePolicy: Popup.NoAutoClose
        background: Rectangle {
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border
        }
        contentItem: Label {
            id: noticeText
            objectName: "noticeText"
            color: Theme.text
            wrapMode: Text.WrapAnywhere
            textFormat: Text.PlainText
        }
        Timer {
            id: noticeTimer
            interval: 6000
            onTriggered: notice.close()
        }
    }
    Connections {
        target: Chat
        function onExportFinished(ok, path) {
            if (ok)
                notice.show(qsTr("Saved to %1").arg(path))
        }
        function onAnswerStoppedToLeave() {
            notice.show(qsTr("The answer was stopped to open another conversation; what it wrote is kept."))
        }
    }

    // Esc stops an answer wherever the focus is (the search field keeps it while it has text).
    Shortcut {
        objectName: "stopShortcut"
        sequence: "Esc"
        enabled: Chat.generating
        onActivated: Chat.stop()
    }

    Shortcut {
        sequence: "Ctrl+,"
        onActivated: settingsDialog.open()
    }

    Shortcut {
        sequence: "Ctrl+K"
        onActivated: if (content.item) content.item.focusSearch()
    }

    Shortcut {
        sequence: "Ctrl+Shift+C"
        onActivated: Chat.copyLastAnswer()
    }

    Shortcut {
        sequence: "Ctrl+N"
        onActivated: if (content.item) content.item.startNewChat()
    }

    // Opens a page or dialog by name (`deepdesk --open NAME`).
    function openView(name) {
        switch (name) {
        case "models": content.item.showModels(); break
        case "settings": settingsDialog.open(); break
        case "providers": providersDialog.open(); break
        case "tools": toolsDialog.open(); break
        case "documents": collectionsDialog.open(); break
        case "about": aboutDialog.open(); break
        case "import-model": content.item.openChatDialog("importModelDialog"); break
        case "export-all": settingsDialog.openFileDialog("exportAllDialog"); break
        case "import-conversations": settingsDialog.openFileDialog("importConversationsDialog"); break
        case "models-folder": settingsDialog.openFileDialog("modelsFolderDialog"); break
        }
    }

    // A deletion still waiting for its undo becomes final when the window closes.
    onClosing: if (content.item) content.item.commitPendingDelete()

    Component.onCompleted: {
        Theme.mode = Qt.binding(() => Settings.theme)
        completed = true
    }
}
