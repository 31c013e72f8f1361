// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Settings: sampling, system prompt, context and threads, the models folder, theme and language,
// and export or import of every conversation. Changes apply at once and are remembered.
Dialog {
    id: dialog

    required property Localization localization
    signal providersRequested()
    signal toolsRequested()

    function exportAll() {
        exportDialog.selectedFile = exportDialog.currentFolder + "/" + Chat.exportFileName("")
        exportDialog.open()
    }

    function openFileDialog(name) {
        if (name === "exportAllDialog")
            exportAll()
        else if (name === "importConversationsDialog")
            importDialog.open()
        else if (name === "modelsFolderDialog")
            folderDialog.open()
    }

    title: qsTr("Settings")
    modal: true
    width: Math.min(620, parent ? parent.width - 40 : 620)
    height: Math.min(720, parent ? parent.height - 40 : 720)
    // Popups do not inherit the window's palette here: the theme's colours, again.
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
    background: Rectangle {
        color: Theme.background
        radius: Theme.radiusLarge
        border.color: Theme.border
    }
    footer: DialogButtonBox {
        // Our own button: Qt's standard ones are labelled by Qt's translations, which may be absent.
        Button {
            text: qsTr("Close")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        background: Rectangle { color: "transparent" }
    }
    header: Label {
        text: dialog.title
        color: Theme.text
        font.pixelSize: Theme.fontLarge
        font.bold: true
        padding: 16
        bottomPadding: 4
    }

    component SettingLabel: Label {
        color: Theme.text
        Layout.preferredWidth: 200
        wrapMode: Text.Wrap
    }
    component Hint: Label {
        color: Theme.textFaint
        font.pixelSize: Theme.fontSmall
        Layout.fillWidth: true
        Layout.columnSpan: 2
        wrapMode: Text.Wrap
    }

    ScrollView {
        objectName: "settingsScroll"
        anchors.fill: parent
        contentWidth: availableWidth
        clip: true

        GridLayout {
            width: parent.width
            columns: 2
            columnSpacing: 16
            rowSpacing: 10

            Label { text: qsTr("Answers"); font.bold: true; color: Theme.text; Layout.columnSpan: 2 }
            Hint {
                visible: ModelHost.reasoningModel
                text: qsTr("This is a reasoning model (R1 family): DeepSeek advises temperature 0.6 and no system prompt, so the system prompt is not sent to it.")
            }
            SettingLabel { text: qsTr("Temperature") }
            NumberField {
                Accessible.name: qsTr("Temperature")
                objectName: "temperatureField"; from: 0; to: 2; stepSize: 0.05; decimals: 2
                value: Settings.temperature
                onValueEdited: (v) => Settings.temperature = v
            }
            SettingLabel { text: qsTr("Top-p") }
            NumberField {
                Accessible.name: qsTr("Top-p")
                objectName: "topPField"; from: 0; to: 1; stepSize: 0.05; decimals: 2
                value: Settings.topP
                onValueEdited: (v) => Settings.topP = v
            }
            SettingLabel { text: qsTr("Top-k (0: off)") }
            NumberField {
                Accessible.name: qsTr("Top-k (0: off)")
                objectName: "topKField"; from: 0; to: 1000; stepSize: 1; decimals: 0
                value: Settings.topK
                onValueEdited: (v) => Settings.topK = v
            }
            SettingLabel { text: qsTr("Min-p") }
            NumberField {
                Accessible.name: qsTr("Min-p")
                objectName: "minPField"; from: 0; to: 1; stepSize: 0.01; decimals: 2
                value: Settings.minP
                onValueEdited: (v) => Settings.minP = v
            }
            SettingLabel { text: qsTr("Repetition penalty") }
            NumberField {
                Accessible.name: qsTr("Repetition penalty")
                from: 0.5; to: 2; stepSize: 0.05; decimals: 2
                value: Settings.repeatPenalty
                onValueEdited: (v) => Settings.repeatPenalty = v
            }
            SettingLabel { text: qsTr("Longest answer (tokens)") }
            NumberField {
                Accessible.name: qsTr("Longest answer (tokens)")
                objectName: "maxTokensField"; from: 16; to: 131072; stepSize: 256; decimals: 0
                value: Settings.maxTokens
                onValueEdited: (v) => Settings.maxTokens = v
            }
            SettingLabel { text: qsTr("Seed (0: random)") }
            NumberField {
                Accessible.name: qsTr("Seed (0: random)")
                from: 0; to: 2147483647; stepSize: 1; decimals: 0
                value: Settings.seed
                onValueEdited: (v) => Settings.seed = v
            }
            SettingLabel { text: qsTr("System prompt") }
            TextArea {
                Accessible.name: qsTr("System prompt")
                Layout.fillWidth: true
                Layout.preferredHeight: 80
                wrapMode: TextEdit.Wrap
                text: Settings.systemPrompt
                placeholderText: qsTr("Used for new conversations")
                onEditingFinished: Settings.systemPrompt = text
                background: Rectangle { radius: Theme.radius; color: Theme.background; border.color: Theme.border }
            }

            Label { text: qsTr("Model"); font.bold: true; color: Theme.text; Layout.columnSpan: 2; Layout.topMargin: 8 }
            SettingLabel { text: qsTr("Context length (tokens)") }
            NumberField {
                Accessible.name: qsTr("Context length (tokens)")
                objectName: "contextField"; from: 256; to: 131072; stepSize: 512; decimals: 0
                value: Settings.contextLength
                onValueEdited: (v) => Settings.contextLength = v
            }
            SettingLabel { text: qsTr("Threads (0: all cores)") }
            NumberField {
                Accessible.name: qsTr("Threads (0: all cores)")
                from: 0; to: 256; stepSize: 1; decimals: 0
                value: Settings.threads
                onValueEdited: (v) => Settings.threads = v
            }
            Hint { text: qsTr("Context length and threads apply the next time a model is loaded.") }
            SettingLabel { text: qsTr("Models folder") }
            RowLayout {
                Layout.fillWidth: true
                TextField {
                    Accessible.name: qsTr("Models folder")
                    Layout.fillWidth: true
                    text: Settings.modelsFolder
                    onEditingFinished: Settings.modelsFolder = text
                }
                Button { text: qsTr("Choose\u2026"); onClicked: folderDialog.open() }
            }

            SettingLabel { text: qsTr("Remote providers") }
            Button {
                Accessible.name: qsTr("Remote providers")
                text: qsTr("Manage\u2026")
                onClicked: dialog.providersRequested()
            }
            Hint { text: qsTr("DeepSeek platform, vLLM, SGLang, Ollama or any OpenAI-compatible server, for models too large for this computer.") }

            SettingLabel { text: qsTr("Tools (MCP)") }
            Button {
                objectName: "toolsSettingsButton"
                Accessible.name: qsTr("Tools (MCP servers)")
                text: qsTr("Manage\u2026")
                onClicked: dialog.toolsRequested()
            }
            Hint { text: qsTr("MCP servers whose tools the model may call: files, search, code. Each call waits for your approval.") }

            Label { text: qsTr("Local API server"); font.bold: true; color: Theme.text; Layout.columnSpan: 2; Layout.topMargin: 8 }
            SettingLabel { text: qsTr("Serve the loaded model") }
            Switch {
                objectName: "serverSwitch"
                Accessible.name: qsTr("Serve the loaded model as an OpenAI-compatible API")
                checked: Settings.serverEnabled
                onToggled: Settings.serverEnabled = checked
            }
            Hint { text: qsTr("Editors, scripts and other apps can use the loaded model through the OpenAI API (chat and completions, streaming, reasoning_content).") }
            SettingLabel { text: qsTr("Address") }
            TextField {
                Accessible.name: qsTr("Server address")
                Layout.fillWidth: true
                text: Settings.serverHost
                onEditingFinished: Settings.serverHost = text
            }
            Hint { text: qsTr("127.0.0.1: this computer only. 0.0.0.0: other devices on your network too (set a key).") }
            SettingLabel { text: qsTr("Port") }
            NumberField {
                Accessible.name: qsTr("Server port")
                from: 1; to: 65535; stepSize: 1; decimals: 0
                value: Settings.serverPort
                onValueEdited: (v) => Settings.serverPort = v
            }
            SettingLabel { text: qsTr("API key (optional)") }
            TextField {
                Accessible.name: qsTr("Server API key")
                Layout.fillWidth: true
                echoMode: TextInput.PasswordEchoOnEdit
                text: Settings.serverApiKey
                placeholderText: qsTr("No key asked for")
                onEditingFinished: Settings.serverApiKey = text
            }
            Label {
                objectName: "serverStatus"
                Layout.columnSpan: 2
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                visible: Settings.serverEnabled
                color: Server.error.length > 0 ? Theme.danger : Theme.text
                text: Server.error.length > 0 ? qsTr("The server could not start: %1").arg(Server.error)
                    : Server.url.length > 0 ? qsTr("Serving %1 at %2").arg(ModelHost.modelName).arg(Server.url)
                    : qsTr("It starts when a model is loaded on this computer.")
            }
            Rectangle {
                Layout.columnSpan: 2
                Layout.fillWidth: true
                visible: Settings.serverEnabled && Server.url.length > 0
                implicitHeight: exampleText.implicitHeight + 16
                radius: Theme.radius
                color: Theme.surface
                border.color: Theme.border
                Text {
                    id: exampleText
                    anchors.left: parent.left
                    anchors.right: copyExample.left
                    anchors.verticalCenter: parent.verticalCenter
                    anchors.margins: 8
                    text: Server.example
                    font.family: "monospace"
                    font.pixelSize: Theme.fontSmall
                    color: Theme.text
                    wrapMode: Text.WrapAnywhere
                    textFormat: Text.PlainText
                }
                Button {
                    id: copyExample
                    anchors.right: parent.right
                    anchors.top: parent.top
                    anchors.margins: 6
                    text: qsTr("Copy")
                    Accessible.name: qsTr("Copy the example request")
                    onClicked: Chat.copyToClipboard(Server.example)
                }
            }

            Label { text: qsTr("Appearance"); font.bold: true; color: Theme.text; Layout.columnSpan: 2; Layout.topMargin: 8 }
            SettingLabel { text: qsTr("Theme") }
            ChoiceBox {
                Accessible.name: qsTr("Theme")
                objectName: "themeBox"
                model: [
                    { value: "system", text: qsTr("Follow the system") },
                    { value: "light", text: qsTr("Light") },
                    { value: "dark", text: qsTr("Dark") }
                ]
                textRole: "text"
                valueRole: "value"
                currentIndex: Math.max(0, ["system", "light", "dark"].indexOf(Settings.theme))
                // As wide as its longest choice, in either language.
                implicitContentWidthPolicy: ComboBox.WidestText
                Layout.minimumWidth: 180
                onActivated: Settings.theme = currentValue
            }
            SettingLabel { text: qsTr("Language") }
            LanguageSwitch { objectName: "settingsLanguage"; localization: dialog.localization; showLabel: false; Layout.fillWidth: true }

            Label { text: qsTr("Conversations"); font.bold: true; color: Theme.text; Layout.columnSpan: 2; Layout.topMargin: 8 }
            SettingLabel { text: qsTr("Export all conversations") }
            Button { Accessible.name: qsTr("Export all conversations"); text: qsTr("Export\u2026"); onClicked: dialog.exportAll() }
            SettingLabel { text: qsTr("Reasoning in exports") }
            Switch {
                objectName: "exportReasoning"
                text: qsTr("Include each answer's reasoning")
                checked: Settings.exportReasoning
                onToggled: Settings.exportReasoning = checked
                Layout.fillWidth: true
            }
            Hint { text: qsTr("Web page: a collapsible block. Markdown: a quoted section.") }
            SettingLabel { text: qsTr("Import a DeepDesk export (JSON)") }
            Button { Accessible.name: qsTr("Import a DeepDesk export (JSON)"); text: qsTr("Import\u2026"); onClicked: importDialog.open() }
            Hint { id: importResult; text: "" }
        }
    }

    FolderDialog {
        id: folderDialog
        objectName: "modelsFolderDialog"
        title: qsTr("Models folder")
        currentFolder: "file://" + Settings.modelsFolder
        acceptLabel: qsTr("Choose")
        rejectLabel: qsTr("Cancel")
        onAccepted: Settings.modelsFolder = selectedFolder.toString().replace(/^file:\/\//, "")
    }
    FileDialog {
        id: exportDialog
        objectName: "exportAllDialog"
        title: qsTr("Export all conversations")
        fileMode: FileDialog.SaveFile
        currentFolder: Chat.startFolder("documents")
        acceptLabel: qsTr("Save")
        rejectLabel: qsTr("Cancel")
        // The format follows the chosen filter when the name is typed without an extension.
        defaultSuffix: selectedNameFilter.extensions.length > 0 ? selectedNameFilter.extensions[0] : "md"
        nameFilters: [qsTr("Markdown (*.md)"), qsTr("JSON, to import again (*.json)"), qsTr("Web page (*.html)"), qsTr("Plain text (*.txt)")]
        onAccepted: Chat.exportConversations([], selectedFile, "", Settings.exportReasoning)
    }
    FileDialog {
        id: importDialog
        objectName: "importConversationsDialog"
        title: qsTr("Import conversations")
        nameFilters: [qsTr("DeepDesk export (*.json)")]
        currentFolder: Chat.startFolder("documents")
        acceptLabel: qsTr("Open")
        rejectLabel: qsTr("Cancel")
        onAccepted: Chat.importConversations(selectedFile)
    }
    Connections {
        target: Chat
        function onImportFinished(n) {
            importResult.text = n > 0 ? qsTr("Conversations imported: %1").arg(n) : ""
        }
    }
}
