// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Dialogs
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// The conversation area: header with the model picker and status, the messages, the composer.
Item {
    id: page

    // Display name of the loaded model; empty when none is loaded.
    readonly property string modelName: ModelHost.modelName

    property string language: "en"
    // Why the last GGUF import started from this page was refused.
    property string importError: ""
    property bool importing: false
    signal modelsRequested()
    signal providersRequested()
    signal toolsRequested()
    signal collectionsRequested()

    // The picker's entries: local files, then every remote provider's models, then actions.
    function pickerEntries() {
        let entries = ModelHost.modelFiles.map((m) => ({ name: m.name, path: m.path, kind: "local" }))
        for (const p of Providers.providers)
            for (const m of p.models)
                entries.push({ name: m + "  \u00b7  " + p.name, path: "", kind: "remote", provider: p.id, model: m })
        entries.push({ name: qsTr("Import GGUF\u2026"), path: "", kind: "import" })
        entries.push({ name: qsTr("Remote providers\u2026"), path: "", kind: "providers" })
        return entries
    }

    function openDialog(name) {
        if (name === "importModelDialog")
            importDialog.open()
    }

    function startNewChat() {
        Chat.newConversation()
        composer.text = ""
        composer.focusInput()
    }

    // Opens a conversation scrolled to one of its messages (from a search result).
    function showMessage(conversationId, messageId) {
        Chat.openConversation(conversationId, messageId)
    }

    Connections {
        target: Chat
        function onConversationOpened(focusMessageId) {
            if (focusMessageId === 0)
                return
            for (let i = 0; i < messageList.count; ++i) {
                if (Chat.messages.data(Chat.messages.index(i, 0), 257) === focusMessageId) {
                    messageList.follow = false
                    messageList.positionViewAtIndex(i, ListView.Beginning)
                    return
                }
            }
        }
    }

    function humanBytes(n) {
        if (n >= 1e9) return (n / 1e9).toFixed(1) + " GB"
        return Math.round(n / 1e6) + " MB"
    }

    // Loads `path` after checking it fits in memory; a model that does not fit asks first.
    function requestLoad(path) {
        ModelHost.loadChecked(path)
    }

    Connections {
        target: ModelHost
        function onMemoryWarning(path, estimate) {
            memoryDialog.path = path
            memoryDialog.estimate = estimate
            memoryDialog.open()
        }
    }

    ColumnLayout {
        anchors.fill: parent
        spacing: 0

        // Header: model picker and status.
        Rectangle {
            Layout.fillWidth: true
            Layout.preferredHeight: 52
            color: Theme.background

            RowLayout {
                anchors.fill: parent
                anchors.leftMargin: 20
                anchors.rightMargin: 20
                spacing: 10

                ChoiceBox {
                    id: modelPicker
                    objectName: "modelPicker"
                    Accessible.name: qsTr("Model")
                    // The model's name gives way (down to 150 px, elided) on a narrow window rather
                    // than the header run over the title and the figures.
                    Layout.fillWidth: true
                    Layout.maximumWidth: 300
                    Layout.minimumWidth: 140
                    model: page.pickerEntries()
                    textRole: "name"
                    displayText: ModelHost.loading ? qsTr("Loading\u2026")
                               : page.modelName.length > 0
                                 ? (ModelHost.modelSource === "remote" ? page.modelName + "  \u00b7  " + ModelHost.remoteProviderName : page.modelName)
                               : ModelHost.modelFiles.length > 0 ? qsTr("Choose a model")
                               : qsTr("No model loaded")
                    onActivated: (i) => {
                        const entry = model[i]
                        if (entry.kind === "import")
                            importDialog.open()
                        else if (entry.kind === "providers")
                            page.providersRequested()
                        else if (entry.kind === "remote")
                            ModelHost.useRemoteModel(entry.provider, entry.model)
                        else
                            page.requestLoad(entry.path)
                    }
                }
                // Thinking, for models that think: off, a budget in tokens, or unlimited; kept
                // with the conversation. An R1-style model always thinks: Off closes its
                // reasoning at once (local only: a server decides for it).
                ChoiceBox {
                    id: thinkingPicker
                    objectName: "thinkingPicker"
                    readonly property bool remote: ModelHost.modelSource === "remote"
                    readonly property bool r1: ModelHost.thinkingKind === "r1"
                    visible: ModelHost.modelLoaded && !ModelHost.loading && ModelHost.thinkingKind.length > 0 &&
                             !(remote && r1)
                    Accessible.name: qsTr("Thinking")
                    Layout.preferredWidth: Math.min(implicitWidth, 190)  // a long choice elides
                    textRole: "text"
                    valueRole: "value"
                    // Off, the budgets (local models: the engine keeps them exactly), the
                    // conversation's own budget when it is another one, Unlimited.
                    readonly property var choices: {
                        const budget = Chat.thinkingBudget
                        const tokens = (n) => qsTr("Thinking: up to %1 tokens").arg(Number(n).toLocaleString(Qt.locale(), "f", 0))
                        const list = [{ value: 0, text: r1 ? qsTr("Thinking off (closes it at once)") : qsTr("Thinking off") }]
                        const presets = remote ? [] : [1024, 4096, 16384]
                        for (const n of presets)
                            list.push({ value: n, text: tokens(n) })
                        if (budget > 0 && presets.indexOf(budget) < 0)
                            list.push({ value: budget, text: tokens(budget) })
                        list.push({ value: -1, text: qsTr("Thinking: unlimited") })
                        return list
                    }
                    // The shown choice follows the conversation (a user's pick sets currentIndex
                    // itself, which a binding would not survive).
                    function showBudget() {
                        const at = choices.map(e => e.value).indexOf(Chat.thinkingBudget)
                        currentIndex = at >= 0 ? at : choices.length - 1
                    }
                    model: choices
                    // Later: a new model resets the current index once it is set.
                    onModelChanged: Qt.callLater(showBudget)
                    Component.onCompleted: Qt.callLater(showBudget)
                    Connections {
                        target: Chat
                        function onThinkingBudgetChanged() { Qt.callLater(thinkingPicker.showBudget) }
                    }
                    onActivated: Chat.thinkingBudget = currentValue
                    ToolTip.visible: hovered
                    ToolTip.delay: 600
                    ToolTip.text: qsTr("How much the model may think before it answers, for this conversation")
                }
                // The document collection this conversation answers from (none, or one of them).
                ChoiceBox {
                    id: collectionPicker
                    objectName: "collectionPicker"
                    Accessible.name: qsTr("Documents")
                    Layout.preferredWidth: Math.min(implicitWidth, 170)  // a long name elides
                    textRole: "text"
                    valueRole: "value"
                    readonly property var choices: {
                        const list = [{ value: 0, text: qsTr("Documents: none") }]
                        for (const c of Collections.collections)
                            list.push({ value: c.id, text: qsTr("Documents: %1").arg(c.name) })
                        list.push({ value: -1, text: qsTr("Manage documents\u2026") })
                        return list
                    }
                    model: choices
                    function showChoice() {
                        const at = choices.map(e => e.value).indexOf(Chat.collectionId)
                        currentIndex = at >= 0 ? at : 0
                    }
                    onModelChanged: Qt.callLater(showChoice)
                    Component.onCompleted: Qt.callLater(showChoice)
                    Connections {
                        target: Chat
                        function onCollectionIdChanged() { Qt.callLater(collectionPicker.showChoice) }
                    }
                    onActivated: {
                        if (currentValue === -1) {
                            Qt.callLater(showChoice)
                            page.collectionsRequested()
                        } else {
                            Chat.collectionId = currentValue
                        }
                    }
                    ToolTip.visible: hovered
                    ToolTip.delay: 600
                    ToolTip.text: qsTr("Answer from a folder of documents indexed on this computer, citing the passages used")
                }
                // The MCP tools the model may call (each call is asked for); opens their settings.
                ActionButton {
                    objectName: "toolsButton"
                    font.pixelSize: Theme.fontNormal
                    Accessible.name: qsTr("Tools")
                    text: Chat.offeredToolCount > 0 ? qsTr("Tools: %1").arg(Chat.offeredToolCount) : qsTr("Tools")
                    onClicked: page.toolsRequested()
                    ToolTip.visible: hovered
                    ToolTip.delay: 600
                    ToolTip.text: qsTr("MCP servers whose tools the model may call, each call with your approval")
                }
                ProgressBar {
                    objectName: "loadProgress"
                    visible: ModelHost.loading
                    Layout.preferredWidth: 120
                    from: 0
                    to: 1
                    value: ModelHost.loadProgress
                    Accessible.name: qsTr("Loading the model")
                }
                Label {
                    visible: ModelHost.loading
                    text: Math.round(ModelHost.loadProgress * 100) + "%"
                    color: Theme.textMuted
                }
                Button {
                    visible: ModelHost.loading
                    text: qsTr("Cancel")
                    Accessible.name: qsTr("Cancel loading the model")
                    onClicked: ModelHost.cancelLoad()
                }
                Label {
                    Layout.fillWidth: true
                    elide: Text.ElideRight
                    textFormat: Text.PlainText  // conversation content: never markup
                    text: Chat.conversationTitle
                    color: Theme.text
                    font.bold: true
                    horizontalAlignment: Text.AlignHCenter
                }
                Label {
                    objectName: "statusLabel"
                    visible: ModelHost.modelLoaded
                    text: (Chat.tokensPerSecond > 0 ? qsTr("%1 tok/s").arg(Chat.tokensPerSecond.toFixed(1)) + " \u00b7 " : "")
                          + (ModelHost.modelSource === "remote" ? qsTr("%1 tokens").arg(Chat.contextUsed)
                                                           : qsTr("%1 / %2 tokens").arg(Chat.contextUsed).arg(ModelHost.contextSize))
                    color: Theme.textMuted
                    font.pixelSize: Theme.fontSmall
                }
            }
            Rectangle {
                anchors.bottom: parent.bottom
                width: parent.width
                height: 1
                color: Theme.border
            }
        }

        // Errors: what went wrong and that nothing else is affected.
        Rectangle {
            objectName: "errorBanner"
            visible: Chat.errorText.length > 0 || Chat.storageError.length > 0 || page.importError.length > 0
            Layout.fillWidth: true
            implicitHeight: errorRow.implicitHeight + 16
            color: Theme.dark ? "#3a1d1d" : "#fef3f2"
            RowLayout {
                id: errorRow
                anchors.fill: parent
                anchors.margins: 8
                anchors.leftMargin: 20
                Label {
                    Layout.fillWidth: true
                    wrapMode: Text.Wrap
                    textFormat: Text.PlainText  // conversation content: never markup
                    text: Chat.storageError.length > 0 ? Chat.storageError
                        : page.importError.length > 0 ? page.importError : Chat.errorText
                    color: Theme.dark ? "#fda29b" : "#b42318"
                }
                ActionButton {
                    visible: Chat.storageError.length === 0
                    text: "\u2715"
                    Accessible.name: qsTr("Dismiss")
                    onClicked: { page.importError = ""; Chat.clearError() }
                }
            }
        }

        // Messages, or the empty state before the first one.
        Item {
            Layout.fillWidth: true
            Layout.fillHeight: true

            // Above the (empty) message list, which would otherwise take their clicks.
            FirstRunPanel {
                z: 1
                visible: ModelHost.modelFiles.length === 0 && !ModelHost.modelLoaded && !ModelHost.loading && messageList.count === 0
                anchors.centerIn: parent
                width: Math.min(parent.width - 48, Theme.contentMaxWidth)
                language: page.language
                onImportRequested: importDialog.open()
                onModelsRequested: page.modelsRequested()
            }

            EmptyChatState {
                z: 1
                visible: messageList.count === 0 && !(ModelHost.modelFiles.length === 0 && !ModelHost.modelLoaded && !ModelHost.loading)
                anchors.centerIn: parent
                width: Math.min(parent.width - 48, Theme.contentMaxWidth)
                onPromptChosen: (prompt) => {
                    composer.text = prompt
                    composer.focusInput()
                }
            }

            ListView {
                id: messageList
                objectName: "messageList"
                anchors.fill: parent
                anchors.topMargin: 8
                clip: true
                model: Chat.messages
                spacing: 4
                // Follow a streaming answer unless the user scrolled up to read.
                property bool follow: true
                onMovementEnded: follow = atYEnd
                onContentHeightChanged: if (follow) positionViewAtEnd()
                onCountChanged: { follow = true; positionViewAtEnd() }
                ScrollBar.vertical: ScrollBar {}
                delegate: MessageItem {
                    x: Math.max(24, (messageList.width - Theme.contentMaxWidth) / 2)
                    width: Math.min(messageList.width - 48, Theme.contentMaxWidth)
                    isLast: index === messageList.count - 1
                    // The panel below the list explains a conversation too long for the context,
                    // with its fixes: the message does not say it a second time.
                    errorExplainedBelow: Chat.contextProblem.messageId !== undefined
                                         && Chat.contextProblem.messageId === messageId
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

            // The conversation no longer fits the context: what that means and what fixes it.
            Rectangle {
                id: problemBox
                objectName: "contextProblem"
                readonly property var problem: Chat.contextProblem
                visible: problem.needed !== undefined
                Layout.fillWidth: true
                implicitHeight: problemColumn.implicitHeight + 24
                radius: Theme.radius
                color: Theme.dark ? "#3a2e12" : "#fffaeb"
                border.color: Theme.dark ? "#7a5c12" : "#fedf89"
                ColumnLayout {
                    id: problemColumn
                    anchors.fill: parent
                    anchors.margins: 12
                    spacing: 8
                    Label {
                        objectName: "contextProblemText"
                        Layout.fillWidth: true
                        wrapMode: Text.Wrap
                        color: Theme.text
                        text: {
                            const p = problemBox.problem
                            if (p.needed === undefined)
                                return ""
                            let s = qsTr("This conversation is too long for the model as loaded: it needs about %1 tokens, and the model has room for %2.")
                                        .arg(Number(p.needed).toLocaleString(Qt.locale(), "f", 0))
                                        .arg(Number(p.nCtx).toLocaleString(Qt.locale(), "f", 0))
                            if (p.suggested > 0)
                                s += " " + qsTr("You can load it again with room for %1 tokens (this computer's memory allows it), or leave the oldest turns out of what the model reads.")
                                              .arg(Number(p.suggested).toLocaleString(Qt.locale(), "f", 0))
                            else
                                s += " " + qsTr("This computer's memory does not allow a larger context; leave the oldest turns out of what the model reads, or start a new conversation.")
                            return s
                        }
                    }
                    RowLayout {
                        spacing: 8
                        PrimaryButton {
                            objectName: "raiseContextButton"
                            visible: problemBox.problem.suggested > 0
                            text: qsTr("Load with %1 tokens and answer").arg(Number(problemBox.problem.suggested || 0).toLocaleString(Qt.locale(), "f", 0))
                            onClicked: Chat.raiseContextAndRetry()
                        }
                        Button {
                            objectName: "dropOldestButton"
                            text: qsTr("Leave out the oldest turns and answer")
                            onClicked: Chat.retryWithoutOldestTurns()
                        }
                        Button {
                            text: qsTr("Dismiss")
                            flat: true
                            onClicked: Chat.dismissContextProblem()
                        }
                    }
                }
            }

            Composer {
                id: composer
                Layout.fillWidth: true
                canSend: ModelHost.modelLoaded && !ModelHost.loading
                generating: Chat.generating
                disabledReason: ModelHost.loading ? qsTr("The model is loading\u2026")
                                                  : qsTr("Load a model to start chatting.")
                onSendRequested: (text) => Chat.send(text)
                onStopRequested: Chat.stop()
                attachments: Chat.attachments
                onAttachRequested: attachDialog.open()
                onFilesDropped: (urls) => Chat.attachFiles(urls)
                onRemoveAttachmentRequested: (i) => Chat.removeAttachment(i)
                // A long text is counted (as the model reads it, with the conversation) before it
                // is sent, so that one that does not fit is known in advance.
                onTextChanged: draftCount.restart()
                onAttachmentsChanged: draftCount.restart()
            }
            Timer {
                id: draftCount
                interval: 400
                onTriggered: {
                    if ((composer.text.length >= 1500 || composer.hasUsableFile) && ModelHost.modelSource === "local"
                            && ModelHost.modelLoaded)
                        Chat.countDraft(composer.text)
                    else
                        draftInfo.counted = false
                }
            }
            Connections {
                target: Chat
                function onDraftTokensChanged() {
                    draftInfo.counted = Chat.draftTokens >= 0 && (composer.text.length >= 1500 || composer.hasUsableFile)
                }
            }
            Label {
                id: draftInfo
                objectName: "draftTokens"
                property bool counted: false
                readonly property bool fits: Chat.draftTokens < Chat.draftContext
                visible: counted
                Layout.alignment: Qt.AlignRight
                color: fits ? Theme.textMuted : Theme.danger
                font.pixelSize: Theme.fontSmall
                text: fits ? qsTr("About %1 of %2 tokens with this message").arg(Chat.draftTokens).arg(Chat.draftContext)
                           : qsTr("About %1 tokens with this message: more than the %2 the model has room for").arg(Chat.draftTokens).arg(Chat.draftContext)
            }
            // Files too large for the context: only their parts most relevant to the message go in.
            CheckBox {
                objectName: "relevantPartsOnly"
                visible: composer.hasUsableFile && (Chat.relevantPartsOnly || (draftInfo.counted && !draftInfo.fits))
                Layout.alignment: Qt.AlignRight
                text: qsTr("Include only the parts of the files most relevant to my message")
                checked: Chat.relevantPartsOnly
                onToggled: Chat.relevantPartsOnly = checked
            }

            Label {
                Layout.alignment: Qt.AlignHCenter
                objectName: "privacyNote"
                // Honest about where the messages go: a remote model's server receives them.
                text: ModelHost.modelSource === "remote"
                      ? qsTr("Your messages go to %1 for this model. Conversations are kept on this computer.").arg(ModelHost.remoteProviderName)
                      : qsTr("Models run on this computer. Your conversations never leave it.")
                color: ModelHost.modelSource === "remote" ? Theme.textMuted : Theme.textFaint
                font.pixelSize: Theme.fontSmall
            }
        }
    }

    FileDialog {
        id: attachDialog
        objectName: "attachDialog"
        title: qsTr("Attach files")
        fileMode: FileDialog.OpenFiles
        nameFilters: [qsTr("Documents and text (*.txt *.md *.markdown *.pdf *.csv *.json *.py *.c *.cpp *.h *.js *.ts *.rs *.go *.java *.html *.xml *.yaml *.yml *.toml *.tex *.log)"),
                      qsTr("All files (*)")]
        currentFolder: Chat.startFolder("documents")
        acceptLabel: qsTr("Attach")
        rejectLabel: qsTr("Cancel")
        onAccepted: Chat.attachFiles(selectedFiles)
    }

    FileDialog {
        id: importDialog
        objectName: "importModelDialog"
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
            if (ok)
                modelPicker.currentIndex = -1
            else if (page.importing)
                page.importError = error
            page.importing = false
        }
    }

    // A model that cannot be loaded: what is wrong with it, in a dialog; the app stays usable.
    Dialog {
        id: modelErrorDialog
        objectName: "modelErrorDialog"
        property string error: ""
        anchors.centerIn: parent
        width: 520
        modal: true
        title: qsTr("The model could not be loaded")
        footer: DialogButtons { acceptText: qsTr("Close"); rejectText: ""; acceptIsPrimary: false }
        Label {
            objectName: "modelErrorText"
            wrapMode: Text.Wrap
            width: modelErrorDialog.availableWidth
            text: modelErrorDialog.error
        }
    }
    Connections {
        target: ModelHost
        function onModelLoadFailed(error) {
            modelErrorDialog.error = error
            modelErrorDialog.open()
        }
    }

    Dialog {
        id: memoryDialog
        objectName: "memoryDialog"
        property string path: ""
        property var estimate: ({})
        anchors.centerIn: parent
        width: 480
        modal: true
        title: qsTr("This model may not fit in memory")
        footer: DialogButtons { acceptText: qsTr("Load anyway"); acceptIsPrimary: false }
        Label {
            wrapMode: Text.Wrap
            width: memoryDialog.availableWidth
            text: qsTr("It needs about %1 (%2 of weights and %3 for the context), and %4 of memory is available now. "
                       + "Loading it anyway can make the computer very slow. Choose a smaller quantization or a "
                       + "shorter context to be safe.")
                  .arg(page.humanBytes(memoryDialog.estimate.totalBytes || 0))
                  .arg(page.humanBytes(memoryDialog.estimate.weightsBytes || 0))
                  .arg(page.humanBytes(memoryDialog.estimate.kvBytes || 0))
                  .arg(page.humanBytes(memoryDialog.estimate.availableBytes || 0))
        }
        onAccepted: ModelHost.loadModel(path)
    }
}
