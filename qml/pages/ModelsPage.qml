// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Models: the downloads in progress, the models on this computer, the catalog of DeepSeek models
// (with what fits this machine), and the hub (source, mirror, token, search).
Rectangle {
    id: page
    color: Theme.background

    property string language: "en"
    // Why the last GGUF import started from this page was refused.
    property string importError: ""
    property bool importing: false
    signal backRequested()

    function humanBytes(n) {
        if (n >= 1e9) return (n / 1e9).toFixed(1) + " GB"
        if (n >= 1e6) return (n / 1e6).toFixed(0) + " MB"
        return Math.max(0, Math.round(n / 1e3)) + " KB"
    }
    function duration(s) {
        if (s < 0) return ""
        if (s < 90) return qsTr("%1 s left").arg(s)
        if (s < 5400) return qsTr("%1 min left").arg(Math.round(s / 60))
        return qsTr("%1 h left").arg((s / 3600).toFixed(1))
    }
    function fitText(fit) {
        return fit === "fits" ? qsTr("Fits this computer")
             : fit === "tight" ? qsTr("Tight: close other apps")
             : fit === "too-big" ? qsTr("Too big for this computer")
             : qsTr("Memory unknown")
    }
    function fitColor(fit) {
        return fit === "fits" ? "#12b76a" : fit === "tight" ? "#f79009" : fit === "too-big" ? "#f04438" : Theme.textMuted
    }
    function stateText(downloadState) {
        return downloadState === "queued" ? qsTr("Waiting")
             : downloadState === "downloading" ? qsTr("Downloading")
             : downloadState === "paused" ? qsTr("Paused")
             : downloadState === "verifying" ? qsTr("Verifying")
             : downloadState === "done" ? qsTr("Ready")
             : qsTr("Failed")
    }

    ScrollView {
        id: scroll
        anchors.fill: parent
        contentWidth: availableWidth

        ColumnLayout {
            width: Math.min(scroll.availableWidth - 48, 1040)
            x: (scroll.availableWidth - width) / 2
            spacing: 14

            Item { Layout.preferredHeight: 8 }

            RowLayout {
                Layout.fillWidth: true
                Label {
                    text: qsTr("Models")
                    font.pixelSize: 22
                    font.bold: true
                    color: Theme.text
                    Layout.fillWidth: true
                }
                Button {
                    objectName: "backToChat"
                    text: qsTr("Back to chat")
                    onClicked: page.backRequested()
                }
            }

            // Problems with the hub or the catalog.
            Rectangle {
                visible: Models.errorText.length > 0 || Models.catalogError.length > 0 || page.importError.length > 0
                Layout.fillWidth: true
                implicitHeight: errorLabel.implicitHeight + 20
                radius: Theme.radius
                color: Theme.dark ? "#3b1d1d" : "#fef3f2"
                RowLayout {
                    anchors.fill: parent
                    anchors.margins: 10
                    Label {
                        id: errorLabel
                        objectName: "modelsError"
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        textFormat: Text.PlainText  // a server's words: never markup
                        text: page.importError.length > 0 ? page.importError
                              : Models.errorText.length > 0 ? Models.errorText
                              : qsTr("The catalog in the data folder was not used: %1").arg(Models.catalogError)
                        color: Theme.dark ? "#fda29b" : "#b42318"
                    }
                    ActionButton {
                        visible: Models.errorText.length > 0 || page.importError.length > 0
                        text: "\u2715"
                        Accessible.name: qsTr("Dismiss")
                        onClicked: { page.importError = ""; Models.clearError() }
                    }
                }
            }

            // Where downloads come from: first, since every Download button below uses it.
            Label {
                text: qsTr("Download source")
                font.bold: true
                objectName: "downloadSourceTitle"
                color: Theme.text
            }
            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: 12
                Label { text: qsTr("Source"); color: Theme.text }
                ChoiceBox {
                    objectName: "sourceBox"
                    Accessible.name: qsTr("Source")
                    model: [
                        { value: "huggingface", text: qsTr("Hugging Face (or a mirror)") },
                        { value: "modelscope", text: qsTr("ModelScope (魔搭)") }
                    ]
                    textRole: "text"
                    valueRole: "value"
                    currentIndex: Settings.hubSource === "modelscope" ? 1 : 0
                    onActivated: Settings.hubSource = currentValue
                    Layout.preferredWidth: 300
                }
                Label { text: qsTr("Endpoint"); color: Theme.text }
                TextField {
                    objectName: "endpointField"
                    Accessible.name: qsTr("Endpoint")
                    Layout.fillWidth: true
                    text: Settings.hubEndpoint
                    placeholderText: "https://huggingface.co"
                    onEditingFinished: Settings.hubEndpoint = text
                }
                Label { text: qsTr("Access token"); color: Theme.text }
                TextField {
                    Accessible.name: qsTr("Access token")
                    Layout.fillWidth: true
                    echoMode: TextInput.Password
                    text: Settings.hubToken
                    placeholderText: qsTr("Only for gated repositories")
                    onEditingFinished: Settings.hubToken = text
                }
            }

            // Downloads.
            Label {
                visible: downloadsView.count > 0
                text: qsTr("Downloads")
                font.bold: true
                color: Theme.text
            }
            Repeater {
                id: downloadsView
                model: Models.downloads
                delegate: Rectangle {
                    required property string downloadId
                    required property string modelName
                    required property string fileName
                    required property string downloadState
                    required property var received
                    required property var total
                    required property real progress
                    required property real speed
                    required property var etaSeconds
                    required property string error
                    required property string note
                    objectName: "downloadRow"
                    Layout.fillWidth: true
                    implicitHeight: downloadColumn.implicitHeight + 20
                    radius: Theme.radius
                    color: Theme.surface
                    ColumnLayout {
                        id: downloadColumn
                        anchors.fill: parent
                        anchors.margins: 10
                        spacing: 4
                        RowLayout {
                            Layout.fillWidth: true
                            Label {
                                Layout.fillWidth: true
                                elide: Text.ElideMiddle
                                text: modelName + "  \u00b7  " + fileName
                                color: Theme.text
                            }
                            Label { text: page.stateText(downloadState); color: Theme.textMuted }
                            Button {
                                visible: downloadState === "downloading" || downloadState === "queued"
                                text: qsTr("Pause")
                                onClicked: Models.downloads.pause(downloadId)
                            }
                            Button {
                                visible: downloadState === "paused" || downloadState === "failed"
                                text: downloadState === "failed" ? qsTr("Retry") : qsTr("Resume")
                                onClicked: Models.downloads.resume(downloadId)
                            }
                            Button {
                                visible: downloadState !== "done"
                                text: qsTr("Cancel")
                                Accessible.name: qsTr("Cancel the download of %1").arg(fileName)
                                onClicked: Models.downloads.cancel(downloadId)
                            }
                        }
                        ProgressBar {
                            Layout.fillWidth: true
                            from: 0
                            to: 1
                            value: progress
                            visible: downloadState !== "done"
                        }
                        Label {
                            Layout.fillWidth: true
                            wrapMode: Text.Wrap
                            color: error.length > 0 ? (Theme.dark ? "#fda29b" : "#b42318") : Theme.textMuted
                            font.pixelSize: Theme.fontSmall
                            text: error.length > 0 ? error
                                  : downloadState === "downloading"
                                    ? qsTr("%1 of %2").arg(page.humanBytes(received)).arg(total > 0 ? page.humanBytes(total) : "?")
                                      + (speed > 0 ? "  \u00b7  " + page.humanBytes(speed) + "/s  \u00b7  " + page.duration(etaSeconds) : "")
                                      + (note.length > 0 ? "  \u00b7  " + note : "")
                                  : note
                        }
                    }
                }
            }
            Button {
                visible: downloadsView.count > 0
                text: qsTr("Clear finished")
                onClicked: Models.downloads.clearFinished()
            }

            // On this computer.
            RowLayout {
                Layout.fillWidth: true
                Label {
                    text: qsTr("On this computer")
                    font.bold: true
                    color: Theme.text
                    Layout.fillWidth: true
                }
                Button {
                    text: qsTr("Import GGUF\u2026")
                    onClicked: importDialog.open()
                }
            }
            Label {
                visible: ModelHost.modelFiles.length === 0
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Theme.textMuted
                text: qsTr("No models yet. Download one below, or import a GGUF file you already have (it is checked, then linked or copied into %1).").arg(Settings.modelsFolder)
            }
            Repeater {
                model: ModelHost.modelFiles
                delegate: Rectangle {
                    required property var modelData
                    objectName: "localModelRow"
                    Layout.fillWidth: true
                    implicitHeight: 48
                    radius: Theme.radius
                    color: Theme.surface
                    RowLayout {
                        anchors.fill: parent
                        anchors.leftMargin: 12
                        anchors.rightMargin: 8
                        Label {
                            Layout.fillWidth: true
                            elide: Text.ElideMiddle
                            text: modelData.name + "  \u00b7  " + page.humanBytes(modelData.bytes)
                            color: Theme.text
                        }
                        Label {
                            visible: ModelHost.modelPath === modelData.path
                            text: qsTr("Loaded")
                            color: "#12b76a"
                        }
                        Button {
                            visible: ModelHost.modelPath !== modelData.path
                            text: qsTr("Load")
                            Accessible.name: qsTr("Load %1").arg(modelData.name)
                            onClicked: { ModelHost.loadModel(modelData.path); page.backRequested() }
                        }
                        Button {
                            text: qsTr("Show in folder")
                            onClicked: Models.reveal(modelData.path)
                        }
                        Button {
                            text: qsTr("Delete")
                            Accessible.name: qsTr("Delete %1").arg(modelData.name)
                            onClicked: { deleteDialog.path = modelData.path; deleteDialog.name = modelData.name; deleteDialog.open() }
                        }
                    }
                }
            }

            // The catalog.
            Label {
                text: qsTr("DeepSeek models")
                font.bold: true
                color: Theme.text
            }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                color: Theme.textMuted
                text: qsTr("Memory shown for a context of %1 tokens; this computer has %2.").arg(Settings.contextLength).arg(page.humanBytes(Models.totalMemory))
            }
            Flow {
                Layout.fillWidth: true
                spacing: 12
                Repeater {
                    model: Models.catalog
                    delegate: CatalogCard {
                        width: 330
                        entry: modelData
                        language: page.language
                        humanBytes: page.humanBytes
                        fitText: page.fitText
                        fitColor: page.fitColor
                    }
                }
            }

            // Search the hub.
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    id: hubSearch
                    objectName: "hubSearch"
                    Layout.fillWidth: true
                    placeholderText: qsTr("Search the hub for GGUF models, or type owner/name")
                    Accessible.name: placeholderText
                    onAccepted: searchButton.clicked()
                }
                Button {
                    id: searchButton
                    text: qsTr("Search")
                    enabled: hubSearch.text.trim().length > 0 && !Models.busy
                    onClicked: {
                        const t = hubSearch.text.trim()
                        hubResults.repos = []
                        hubResults.files = []
                        hubResults.error = ""
                        if (/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/.test(t))
                            Models.listRepository(t)
                        else
                            Models.searchHub(t)
                    }
                }
            }
            BusyIndicator { visible: Models.busy; running: visible; implicitHeight: 28; implicitWidth: 28 }
            ColumnLayout {
                id: hubResults
                Layout.fillWidth: true
                property var repos: []
                property var files: []
                property string repo: ""
                property string error: ""
                Label {
                    visible: hubResults.error.length > 0
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    text: hubResults.error
                    color: Theme.dark ? "#fda29b" : "#b42318"
                }
                Repeater {
                    model: hubResults.repos
                    delegate: ItemDelegate {
                        required property var modelData
                        Layout.fillWidth: true
                        text: modelData.repo + "  \u00b7  " + qsTr("%1 downloads").arg(modelData.downloads)
                        Accessible.name: modelData.repo
                        onClicked: Models.listRepository(modelData.repo)
                    }
                }
                Label {
                    visible: hubResults.files.length > 0
                    text: hubResults.repo
                    font.bold: true
                    color: Theme.text
                }
                Repeater {
                    model: hubResults.files
                    delegate: RowLayout {
                        required property var modelData
                        Layout.fillWidth: true
                        Label {
                            Layout.fillWidth: true
                            elide: Text.ElideMiddle
                            text: modelData.file + "  \u00b7  " + page.humanBytes(modelData.size)
                                  + (modelData.parts > 1 ? "  \u00b7  " + qsTr("%1 parts").arg(modelData.parts) : "")
                            color: Theme.text
                        }
                        Button {
                            text: qsTr("Download")
                            Accessible.name: qsTr("Download %1").arg(modelData.file)
                            onClicked: Models.downloadFile(hubResults.repo, modelData.file)
                        }
                    }
                }
            }
            Item { Layout.preferredHeight: 24 }
        }
    }

    Connections {
        target: Models
        function onSearchFinished(repos, error) {
            hubResults.repos = repos
            hubResults.error = error.length > 0 ? error : repos.length === 0 ? qsTr("Nothing found.") : ""
        }
        function onRepositoryListed(repo, files, error) {
            hubResults.repo = repo
            hubResults.files = files
            hubResults.error = error.length > 0 ? error : files.length === 0 ? qsTr("%1 has no GGUF files.").arg(repo) : ""
        }
    }

    FileDialog {
        id: importDialog
        objectName: "modelsImportDialog"
        title: qsTr("Import a GGUF model")
        nameFilters: [qsTr("GGUF models (*.gguf)")]
        // Where downloaded files usually are (not the folder the app was started from).
        currentFolder: Chat.startFolder("downloads")
        acceptLabel: qsTr("Import")
        rejectLabel: qsTr("Cancel")
        onAccepted: {
            page.importError = ""
            page.importing = true
            ModelHost.importModel(selectedFile)
        }
    }
    Connections {
        target: ModelHost
        function onModelImported(ok, path, error) {
            if (!ok && page.importing)
                page.importError = error
            page.importing = false
        }
    }

    Dialog {
        id: deleteDialog
        objectName: "deleteModelDialog"
        property string path: ""
        property string name: ""
        anchors.centerIn: parent
        modal: true
        width: 440
        title: qsTr("Delete %1?").arg(name)
        footer: DialogButtons { acceptText: qsTr("Delete") }
        Label {
            width: 400
            wrapMode: Text.Wrap
            text: qsTr("The file is removed from the models folder. Conversations are kept.")
            color: Theme.text
        }
        onAccepted: page.importError = ModelHost.deleteModel(path)
    }
}
