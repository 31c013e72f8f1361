// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Left column: new chat, search, the conversation list, language and About.
Rectangle {
    id: sidebar

    required property Localization localization
    // A deletion waits here so it can be undone: for at least 10 s, and after that until the user's
    // next action (opening or starting a conversation, searching, another deletion, closing the
    // window); only then is it final.
    property var pendingDeleteId: -1
    property bool undoExpired: false

    function commitPendingDelete() {
        if (pendingDeleteId === -1)
            return
        deleteTimer.stop()
        Chat.deleteConversation(pendingDeleteId)
        pendingDeleteId = -1
        undoExpired = false
    }
    function requestDelete(conversationId) {
        commitPendingDelete()
        pendingDeleteId = conversationId
        if (Chat.conversationId === conversationId)
            Chat.newConversation()
        deleteTimer.restart()
    }
    function undoDelete() {
        deleteTimer.stop()
        pendingDeleteId = -1
        undoExpired = false
    }

    signal newChatRequested()
    signal aboutRequested()
    signal settingsRequested()
    signal modelsRequested()
    // A search result was chosen: open the conversation at that message.
    signal resultChosen(var conversationId, var messageId)

    function focusSearch() {
        search.forceActiveFocus()
        search.selectAll()
    }

    function groupName(group) {
        switch (group) {
        case "pinned": return qsTr("Pinned")
        case "today": return qsTr("Today")
        case "yesterday": return qsTr("Yesterday")
        case "week": return qsTr("Previous 7 days")
        case "month": return qsTr("Previous 30 days")
        default: return qsTr("Older")
        }
    }

    FileDialog {
        id: exportOne
        objectName: "exportConversationDialog"
        property var conversationId: 0
        title: qsTr("Export conversation")
        fileMode: FileDialog.SaveFile
        currentFolder: Chat.startFolder("documents")
        acceptLabel: qsTr("Save")
        rejectLabel: qsTr("Cancel")
        // The format follows the chosen filter when the name is typed without an extension.
        defaultSuffix: selectedNameFilter.extensions.length > 0 ? selectedNameFilter.extensions[0] : "md"
        nameFilters: [qsTr("Markdown (*.md)"), qsTr("JSON, to import again (*.json)"), qsTr("Web page (*.html)"), qsTr("Plain text (*.txt)")]
        onAccepted: Chat.exportConversations([conversationId], selectedFile, "", Settings.exportReasoning)
    }

    Timer {
        id: deleteTimer
        objectName: "deleteTimer"
        interval: 10000
        onTriggered: sidebar.undoExpired = true
    }

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
            onClicked: { sidebar.commitPendingDelete(); sidebar.newChatRequested() }
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
            Accessible.name: placeholderText
            enabled: list.count > 0 || text.length > 0
            property var results: []
            onTextChanged: { sidebar.commitPendingDelete(); searchDelay.restart() }
            // Esc clears the search (and a second Esc, with nothing to clear, goes on to stop).
            Keys.onShortcutOverride: (event) => event.accepted = (event.key === Qt.Key_Escape && text.length > 0)
            Keys.onEscapePressed: (event) => {
                if (text.length > 0) {
                    text = ""
                    event.accepted = true
                } else {
                    event.accepted = false
                }
            }
            Timer {
                id: searchDelay
                interval: 150
                onTriggered: {
                    if (search.text.trim().length > 0)
                        Chat.search(search.text)
                    else
                        search.results = []
                }
            }
            Connections {
                target: Chat
                function onSearchFinished(query, results) {
                    if (query === search.text && search.text.trim().length > 0)
                        search.results = results
                }
            }
            color: Theme.text
            placeholderTextColor: Theme.textFaint
            background: Rectangle {
                radius: Theme.radius
                color: Theme.background
                border.color: search.activeFocus ? Theme.accent : Theme.border
            }
        }

        // Search results, while there is a query.
        ListView {
            id: resultList
            objectName: "searchResults"
            visible: search.text.trim().length > 0
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: search.results
            spacing: 2
            Label {
                visible: resultList.count === 0
                width: parent.width
                horizontalAlignment: Text.AlignHCenter
                topPadding: 30
                text: qsTr("Nothing found")
                color: Theme.textMuted
            }
            delegate: ItemDelegate {
                required property var modelData
                width: resultList.width
                Accessible.name: modelData.title.length > 0 ? modelData.title : qsTr("Untitled")
                onClicked: sidebar.resultChosen(modelData.conversationId, modelData.messageId)
                background: Rectangle { radius: Theme.radius; color: parent.hovered ? Theme.surfaceHover : "transparent" }
                contentItem: ColumnLayout {
                    spacing: 2
                    RowLayout {
                        Layout.fillWidth: true
                        Label {
                            Layout.fillWidth: true
                            elide: Text.ElideRight
                            textFormat: Text.PlainText  // conversation content: never markup
                            text: modelData.title.length > 0 ? modelData.title : qsTr("Untitled")
                            color: Theme.text
                            font.bold: true
                            font.pixelSize: Theme.fontSmall
                        }
                        Label {
                            objectName: "searchMatchCount"
                            visible: modelData.matches > 1
                            text: qsTr("%1 matches").arg(modelData.matches)  // shown from two up
                            color: Theme.textFaint
                            font.pixelSize: Theme.fontSmall
                        }
                    }
                    Label {
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        maximumLineCount: 3
                        elide: Text.ElideRight
                        textFormat: Text.StyledText
                        text: modelData.snippetHtml.replace(/<mark>/g, "<b><font color=\"" + Theme.accent + "\">")
                                                   .replace(/<\/mark>/g, "</font></b>")
                        color: Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                    }
                }
            }
        }

        ListView {
            id: list
            objectName: "conversationList"
            visible: search.text.trim().length === 0
            Layout.fillWidth: true
            Layout.fillHeight: true
            clip: true
            model: Chat.conversations
            section.property: "group"
            section.delegate: Label {
                required property string section
                text: sidebar.groupName(section)
                color: Theme.textFaint
                font.pixelSize: Theme.fontSmall
                topPadding: 10
                bottomPadding: 4
                leftPadding: 8
            }
            delegate: ItemDelegate {
                id: row
                required property var conversationId
                required property string title
                required property bool pinned
                property bool renaming: false
                visible: conversationId !== sidebar.pendingDeleteId
                height: visible ? implicitHeight : 0
                width: list.width
                highlighted: conversationId === Chat.conversationId
                Accessible.name: row.title.length > 0 ? row.title : qsTr("Untitled")
                onClicked: { sidebar.commitPendingDelete(); Chat.openConversation(conversationId) }
                background: Rectangle {
                    radius: Theme.radius
                    color: row.highlighted ? Theme.accentSoft : row.hovered ? Theme.surfaceHover : "transparent"
                }
                contentItem: RowLayout {
                    Label {
                        visible: !row.renaming
                        Layout.fillWidth: true
                        elide: Text.ElideRight
                        textFormat: Text.PlainText  // conversation content: never markup
                        text: (row.pinned ? "\u2605 " : "") + (row.title.length > 0 ? row.title : qsTr("Untitled"))
                        color: Theme.text
                    }
                    TextField {
                        id: renameField
                        Accessible.name: qsTr("Conversation title")
                        visible: row.renaming
                        Layout.fillWidth: true
                        text: row.title
                        onAccepted: { Chat.renameConversation(row.conversationId, text); row.renaming = false }
                        Keys.onEscapePressed: row.renaming = false
                    }
                    ActionButton {
                        text: "\u22ef"
                        Accessible.name: qsTr("Conversation actions")
                        visible: row.hovered || row.highlighted
                        onClicked: menu.open()
                        Menu {
                            id: menu
                            MenuItem {
                                text: qsTr("Rename")
                                onTriggered: { row.renaming = true; renameField.forceActiveFocus(); renameField.selectAll() }
                            }
                            MenuItem {
                                text: row.pinned ? qsTr("Unpin") : qsTr("Pin")
                                onTriggered: Chat.setPinned(row.conversationId, !row.pinned)
                            }
                            MenuItem {
                                text: qsTr("Export\u2026")
                                onTriggered: {
                                    exportOne.conversationId = row.conversationId
                                    exportOne.selectedFile = exportOne.currentFolder + "/" + Chat.exportFileName(row.title.length > 0 ? row.title : qsTr("Untitled"))
                                    exportOne.open()
                                }
                            }
                            MenuItem {
                                text: qsTr("Delete")
                                onTriggered: sidebar.requestDelete(row.conversationId)
                            }
                        }
                    }
                }
            }

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

        // Undo for a deletion.
        Rectangle {
            objectName: "undoDelete"
            visible: sidebar.pendingDeleteId !== -1
            Layout.fillWidth: true
            implicitHeight: 40
            radius: Theme.radius
            color: Theme.surface
            border.color: Theme.border
            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 10
                Label { text: qsTr("Conversation deleted"); color: Theme.text; Layout.fillWidth: true }
                Button {
                    flat: true
                    text: qsTr("Undo")
                    objectName: "undoDeleteButton"
                    onClicked: sidebar.undoDelete()
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
            id: modelsButton
            objectName: "modelsButton"
            Layout.fillWidth: true
            flat: true
            text: Models.downloads.busy ? qsTr("Models (downloading\u2026)") : qsTr("Models")
            Accessible.name: qsTr("Models")
            onClicked: sidebar.modelsRequested()
            contentItem: Label {
                text: modelsButton.text
                color: Theme.textMuted
                horizontalAlignment: Text.AlignLeft
                verticalAlignment: Text.AlignVCenter
            }
            background: Rectangle {
                radius: Theme.radius
                color: modelsButton.hovered ? Theme.surfaceHover : "transparent"
            }
        }

        Button {
            id: settings
            objectName: "settingsButton"
            Layout.fillWidth: true
            flat: true
            text: qsTr("Settings")
            onClicked: sidebar.settingsRequested()
            contentItem: Label {
                text: settings.text
                color: Theme.textMuted
                horizontalAlignment: Text.AlignLeft
                verticalAlignment: Text.AlignVCenter
            }
            background: Rectangle {
                radius: Theme.radius
                color: settings.hovered ? Theme.surfaceHover : "transparent"
            }
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
