// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Remote providers: OpenAI-compatible servers (the DeepSeek platform, vLLM, SGLang, Ollama,
// another DeepDesk) with their models. A model chosen here is used like a local one.
Dialog {
    id: dialog

    title: qsTr("Remote providers")
    modal: true
    width: Math.min(640, parent ? parent.width - 40 : 640)
    height: Math.min(700, parent ? parent.height - 40 : 700)
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
    header: Label {
        text: dialog.title
        color: Theme.text
        font.pixelSize: Theme.fontLarge
        font.bold: true
        padding: 16
        bottomPadding: 4
    }
    footer: DialogButtonBox {
        // Our own button: Qt's standard ones are labelled by Qt's translations, which may be absent.
        Button {
            text: qsTr("Close")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        background: Rectangle { color: "transparent" }
    }

    // The presets with names in the current language: the engine's retranslate() re-evaluates
    // bindings that call qsTr, and the names are translated when read.
    readonly property var presets: qsTr("Kind").length >= 0 ? Providers.presets : []

    // The provider being edited ("" while adding one).
    property string editingId: ""

    function presetById(id) {
        for (const p of dialog.presets)
            if (p.id === id)
                return p
        return dialog.presets[dialog.presets.length - 1]
    }
    function resetForm() {
        editingId = ""
        presetBox.currentIndex = 0
        nameField.text = ""
        urlField.text = dialog.presets[0].baseUrl
        keyField.text = ""
    }
    onOpened: if (editingId === "") resetForm()

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
                text: qsTr("For models too large for this computer (DeepSeek-V3, R1, 67B): chat with a server that speaks the OpenAI API. API keys stay in this computer's settings file, readable only by you; they are never stored with conversations or exported.")
            }

            Repeater {
                model: Providers.providers
                delegate: Rectangle {
                    id: card
                    required property var modelData
                    Layout.fillWidth: true
                    implicitHeight: providerColumn.implicitHeight + 20
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: Theme.border

                    ColumnLayout {
                        id: providerColumn
                        anchors.fill: parent
                        anchors.margins: 10
                        spacing: 6
                        RowLayout {
                            Layout.fillWidth: true
                            Label { text: modelData.name; font.bold: true; color: Theme.text }
                            Label {
                                Layout.fillWidth: true
                                text: modelData.baseUrl
                                color: Theme.textMuted
                                elide: Text.ElideMiddle
                            }
                            Button {
                                text: qsTr("Refresh models")
                                Accessible.name: qsTr("Refresh the models of %1").arg(modelData.name)
                                onClicked: Providers.fetchModels(modelData.id)
                            }
                            Button {
                                text: qsTr("Edit")
                                Accessible.name: qsTr("Edit %1").arg(modelData.name)
                                onClicked: {
                                    dialog.editingId = modelData.id
                                    nameField.text = modelData.name
                                    urlField.text = modelData.baseUrl
                                    keyField.text = Providers.apiKey(modelData.id)
                                }
                            }
                            Button {
                                text: qsTr("Remove")
                                Accessible.name: qsTr("Remove %1").arg(modelData.name)
                                onClicked: Providers.removeProvider(modelData.id)
                            }
                        }
                        Label {
                            visible: modelData.error.length > 0
                            Layout.fillWidth: true
                            wrapMode: Text.Wrap
                            color: Theme.danger
                            text: modelData.error
                        }
                        Flow {
                            Layout.fillWidth: true
                            spacing: 6
                            Repeater {
                                model: modelData.models
                                delegate: Button {
                                    required property string modelData
                                    readonly property bool current: ModelHost.modelSource === "remote"
                                        && ModelHost.remoteProviderId === card.modelData.id
                                        && ModelHost.modelName === modelData
                                    text: (current ? "\u2713 " : "") + modelData
                                    Accessible.name: qsTr("Chat with %1").arg(modelData)
                                    onClicked: {
                                        ModelHost.useRemoteModel(card.modelData.id, modelData)
                                        dialog.close()
                                    }
                                }
                            }
                            Label {
                                visible: modelData.models.length === 0 && modelData.error.length === 0
                                text: qsTr("No models listed yet.")
                                color: Theme.textFaint
                            }
                        }
                    }
                }
            }

            Label {
                text: dialog.editingId === "" ? qsTr("Add a provider") : qsTr("Edit the provider")
                font.bold: true
                color: Theme.text
                Layout.topMargin: 8
            }
            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: 12
                rowSpacing: 8

                Label { text: qsTr("Kind"); color: Theme.text; visible: dialog.editingId === "" }
                ChoiceBox {
                    id: presetBox
                    visible: dialog.editingId === ""
                    Accessible.name: qsTr("Kind of server")
                    Layout.fillWidth: true
                    model: dialog.presets
                    textRole: "name"
                    onActivated: (i) => urlField.text = dialog.presets[i].baseUrl
                }
                Label { text: qsTr("Name"); color: Theme.text }
                TextField {
                    id: nameField
                    Accessible.name: qsTr("Provider name")
                    Layout.fillWidth: true
                    placeholderText: dialog.editingId === "" ? dialog.presets[presetBox.currentIndex].name : ""
                }
                Label { text: qsTr("Base URL"); color: Theme.text }
                TextField {
                    id: urlField
                    objectName: "providerUrl"
                    Accessible.name: qsTr("Base URL")
                    Layout.fillWidth: true
                    placeholderText: "https://host/v1"
                }
                Label { text: qsTr("API key"); color: Theme.text }
                TextField {
                    id: keyField
                    Accessible.name: qsTr("API key")
                    Layout.fillWidth: true
                    echoMode: TextInput.Password
                    placeholderText: dialog.editingId === "" && dialog.presets[presetBox.currentIndex].needsKey
                                     ? qsTr("Required by this service") : qsTr("Optional")
                }
            }
            RowLayout {
                PrimaryButton {
                    text: dialog.editingId === "" ? qsTr("Add and list models") : qsTr("Save")
                    enabled: urlField.text.trim().length > 0
                    onClicked: {
                        if (dialog.editingId === "")
                            Providers.addProvider(dialog.presets[presetBox.currentIndex].id, nameField.text,
                                                  urlField.text, keyField.text)
                        else
                            Providers.updateProvider(dialog.editingId, nameField.text, urlField.text, keyField.text)
                        dialog.resetForm()
                    }
                }
                Button {
                    visible: dialog.editingId !== ""
                    text: qsTr("Cancel")
                    onClicked: dialog.resetForm()
                }
            }
        }
    }
}
