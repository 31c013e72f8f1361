// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Document collections: folders indexed on this computer, so that a conversation can answer from
// them with numbered sources. Indexing runs in the background with its progress here; a folder is
// indexed again (only what changed) a moment after it changes.
Dialog {
    id: dialog

    title: qsTr("Documents")
    modal: true
    width: Math.min(660, parent ? parent.width - 40 : 660)
    height: Math.min(640, parent ? parent.height - 40 : 640)
    palette.window: Theme.background
    palette.windowText: Theme.text
    palette.base: Theme.background
    palette.text: Theme.text
    palette.button: Theme.surface
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.accentText
    palette.placeholderText: Theme.textFaint
    palette.mid: Theme.border
    palette.dark: Theme.textMuted
    palette.light: Theme.surface
    background: Rectangle {
        color: Theme.background
        radius: Theme.radiusLarge
        border.color: Theme.border
    }
    header: Label {
        text: dialog.title
        color: Theme.text
        font.pixelSize: Theme.fontLarge
        font.bold: true
        padding: 16
        bottomPadding: 4
    }
    footer: DialogButtonBox {
        Button {
            text: qsTr("Close")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        background: Rectangle { color: "transparent" }
    }

    property string message: ""

    Connections {
        target: Collections
        function onIndexed(id, summary) { dialog.message = summary }
        function onFailed(error) { dialog.message = error }
    }

    FolderDialog {
        id: folderDialog
        objectName: "collectionFolderDialog"
        title: qsTr("Choose a folder of documents")
        currentFolder: Chat.startFolder("documents")
        acceptLabel: qsTr("Index")
        rejectLabel: qsTr("Cancel")
        onAccepted: Collections.addFolder(selectedFolder)
    }

    FileDialog {
        id: embeddingDialog
        objectName: "embeddingModelDialog"
        title: qsTr("Choose an embedding model")
        nameFilters: [qsTr("GGUF models (*.gguf)")]
        currentFolder: Chat.startFolder("models")
        acceptLabel: qsTr("Use")
        rejectLabel: qsTr("Cancel")
        onAccepted: Collections.setEmbeddingModel(selectedFile)
    }

    ScrollView {
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        ColumnLayout {
            width: parent.width
            spacing: 10

            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Theme.textMuted
                text: qsTr("Index a folder of notes, papers or code (text, Markdown, PDF…). Choose it for a conversation beside the model picker: each message then goes with the passages most relevant to it, and the answer cites them by number. Everything stays on this computer.")
            }

            // Search by meaning: an embedding model gives every passage a vector.
            Rectangle {
                objectName: "embeddingCard"
                Layout.fillWidth: true
                implicitHeight: embeddingColumn.implicitHeight + 20
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.border
                ColumnLayout {
                    id: embeddingColumn
                    anchors.fill: parent
                    anchors.margins: 10
                    spacing: 6
                    RowLayout {
                        Layout.fillWidth: true
                        Label {
                            Layout.fillWidth: true
                            text: qsTr("Search by meaning")
                            color: Theme.text
                            font.bold: true
                        }
                        Button {
                            objectName: "chooseEmbeddingModel"
                            text: Collections.embeddingModel.length > 0 ? qsTr("Change\u2026") : qsTr("Choose a model\u2026")
                            onClicked: embeddingDialog.open()
                        }
                        Button {
                            objectName: "embeddingOff"
                            visible: Collections.embeddingModel.length > 0
                            text: qsTr("Turn off")
                            onClicked: Collections.setEmbeddingModel("")
                        }
                    }
                    Label {
                        objectName: "embeddingStatus"
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        textFormat: Text.PlainText
                        color: Collections.embeddingError.length > 0 ? Theme.danger : Theme.textMuted
                        font.pixelSize: Theme.fontSmall
                        text: Collections.embeddingError.length > 0
                              ? Collections.embeddingError
                              : Collections.embeddingModel.length > 0
                                ? qsTr("Passages are found by keywords and by meaning with %1.").arg(Collections.embeddingModel.split("/").pop())
                                : qsTr("Off: passages are found by their words. Choose an embedding model (a GGUF file such as Qwen3-Embedding-0.6B) to find them by meaning too, in Chinese and English alike.")
                    }
                }
            }

            Repeater {
                model: Collections.collections
                delegate: Rectangle {
                    id: card
                    required property var modelData
                    objectName: "collectionCard"
                    Layout.fillWidth: true
                    implicitHeight: cardColumn.implicitHeight + 20
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: Theme.border
                    ColumnLayout {
                        id: cardColumn
                        anchors.fill: parent
                        anchors.margins: 10
                        spacing: 4
                        RowLayout {
                            Layout.fillWidth: true
                            Label { text: card.modelData.name; font.bold: true; color: Theme.text; textFormat: Text.PlainText }
                            Label {
                                Layout.fillWidth: true
                                text: card.modelData.folder
                                textFormat: Text.PlainText
                                color: Theme.textMuted
                                elide: Text.ElideMiddle
                            }
                            Button {
                                text: qsTr("Index again")
                                enabled: !card.modelData.indexing
                                onClicked: Collections.reindex(card.modelData.id)
                            }
                            Button {
                                text: qsTr("Remove")
                                Accessible.name: qsTr("Remove %1").arg(card.modelData.name)
                                onClicked: Collections.remove(card.modelData.id)
                            }
                        }
                        Label {
                            objectName: "collectionStats"
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSmall
                            text: card.modelData.indexing
                                  ? (card.modelData.phase === "embedding"
                                     ? qsTr("Finding the meaning of passage %1 of %2: %3").arg(card.modelData.done + 1).arg(card.modelData.total).arg(card.modelData.current)
                                     : qsTr("Indexing %1 of %2: %3").arg(card.modelData.done + 1).arg(card.modelData.total).arg(card.modelData.current))
                                  : card.modelData.vectors > 0
                                    ? qsTr("%1 files, %2 passages, %3 searchable by meaning").arg(card.modelData.files).arg(card.modelData.chunks).arg(card.modelData.vectors)
                                    : qsTr("%1 files, %2 passages").arg(card.modelData.files).arg(card.modelData.chunks)
                        }
                        ProgressBar {
                            visible: card.modelData.indexing
                            Layout.fillWidth: true
                            from: 0
                            to: Math.max(1, card.modelData.total)
                            value: card.modelData.done
                        }
                        Label {
                            visible: card.modelData.errors.length > 0
                            Layout.fillWidth: true
                            wrapMode: Text.Wrap
                            color: Theme.danger
                            font.pixelSize: Theme.fontSmall
                            textFormat: Text.PlainText
                            text: qsTr("Skipped: %1").arg(card.modelData.errors.slice(0, 5).join("; "))
                        }
                    }
                }
            }

            Label {
                visible: dialog.message.length > 0
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Theme.textMuted
                textFormat: Text.PlainText
                text: dialog.message
            }
            PrimaryButton {
                objectName: "addCollection"
                text: qsTr("Add a folder\u2026")
                onClicked: folderDialog.open()
            }
        }
    }
}
