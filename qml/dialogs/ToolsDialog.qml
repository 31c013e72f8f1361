// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Tools: MCP servers the model may call, a command run on this computer (stdio) or a URL
// (Streamable HTTP). Each call is shown and asked for before it runs, unless its tool was allowed
// always; that choice is listed here and can be taken back.
Dialog {
    id: dialog

    title: qsTr("Tools (MCP servers)")
    modal: true
    width: Math.min(680, parent ? parent.width - 40 : 680)
    height: Math.min(720, parent ? parent.height - 40 : 720)
    palette.window: Theme.background
    palette.windowText: Theme.text
    palette.base: Theme.background
    palette.alternateBase: Theme.surface
    palette.text: Theme.text
    palette.button: Theme.surface
    palette.buttonText: Theme.text
    palette.highlight: Theme.accent
    palette.highlightedText: Theme.accentText
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
        Button {
            text: qsTr("Close")
            DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
        }
        background: Rectangle { color: "transparent" }
    }

    property string editingId: ""  // the server being edited ("" while adding one)
    property string logId: ""      // whose log is open
    property string logText: ""

    function resetForm() {
        editingId = ""
        kindBox.currentIndex = 0
        nameField.text = ""
        targetField.text = ""
        envField.text = ""
        tokenField.text = ""
    }
    function stateLabel(s) {
        switch (s) {
        case "starting": return qsTr("Starting\u2026")
        case "ready": return qsTr("Ready")
        case "failed": return qsTr("Failed")
        }
        return qsTr("Off")
    }
    onOpened: if (editingId === "") resetForm()

    Connections {
        target: Tools
        function onLogChanged(id) { if (id === dialog.logId) dialog.logText = Tools.logText(id) }
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
                text: qsTr("MCP servers give the model tools: reading files, searching, running code. A server's command runs on this computer with your rights, so add only servers you trust. Every call is shown with its arguments and waits for your approval.")
            }

            Repeater {
                model: Tools.servers
                delegate: Rectangle {
                    id: card
                    required property var modelData
                    objectName: "mcpServerCard"
                    Layout.fillWidth: true
                    implicitHeight: serverColumn.implicitHeight + 20
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: Theme.border

                    ColumnLayout {
                        id: serverColumn
                        anchors.fill: parent
                        anchors.margins: 10
                        spacing: 6
                        RowLayout {
                            Layout.fillWidth: true
                            Switch {
                                objectName: "mcpServerSwitch"
                                Accessible.name: qsTr("Use %1").arg(card.modelData.name)
                                checked: card.modelData.enabled
                                onToggled: Tools.setEnabled(card.modelData.id, checked)
                            }
                            Label {
                                Layout.fillWidth: true
                                text: card.modelData.name
                                font.bold: true
                                color: Theme.text
                                textFormat: Text.PlainText
                                elide: Text.ElideRight
                            }
                            Label {
                                objectName: "mcpServerState"
                                text: dialog.stateLabel(card.modelData.state)
                                color: card.modelData.state === "failed" ? Theme.danger : Theme.textMuted
                            }
                            ActionButton {
                                text: qsTr("Restart")
                                enabled: card.modelData.enabled
                                onClicked: Tools.restartServer(card.modelData.id)
                            }
                            ActionButton {
                                text: dialog.logId === card.modelData.id ? qsTr("Hide log") : qsTr("Log")
                                onClicked: {
                                    dialog.logId = dialog.logId === card.modelData.id ? "" : card.modelData.id
                                    dialog.logText = Tools.logText(dialog.logId)
                                }
                            }
                            ActionButton {
                                text: qsTr("Edit")
                                onClicked: {
                                    dialog.editingId = card.modelData.id
                                    kindBox.currentIndex = card.modelData.transport === "http" ? 1 : 0
                                    nameField.text = card.modelData.name
                                    targetField.text = card.modelData.transport === "http" ? card.modelData.url
                                                                                           : card.modelData.command
                                    envField.text = card.modelData.env
                                    tokenField.text = ""
                                }
                            }
                            ActionButton {
                                text: qsTr("Remove")
                                Accessible.name: qsTr("Remove %1").arg(card.modelData.name)
                                onClicked: Tools.removeServer(card.modelData.id)
                            }
                        }
                        Label {
                            Layout.fillWidth: true
                            text: card.modelData.transport === "http" ? card.modelData.url : card.modelData.command
                            textFormat: Text.PlainText
                            color: Theme.textMuted
                            elide: Text.ElideMiddle
                            font.family: "monospace"
                            font.pixelSize: Theme.fontSmall
                        }
                        Label {
                            visible: card.modelData.error.length > 0
                            Layout.fillWidth: true
                            wrapMode: Text.Wrap
                            color: Theme.danger
                            textFormat: Text.PlainText
                            text: card.modelData.error
                        }
                        Label {
                            visible: card.modelData.state === "ready"
                            color: Theme.textMuted
                            font.pixelSize: Theme.fontSmall
                            text: qsTr("%1 tools, %2 prompts, %3 resources").arg(card.modelData.tools.length)
                                  .arg(card.modelData.prompts).arg(card.modelData.resources)
                        }
                        Flow {
                            Layout.fillWidth: true
                            spacing: 6
                            Repeater {
                                model: card.modelData.tools
                                delegate: Rectangle {
                                    required property var modelData
                                    radius: 10
                                    color: Theme.background
                                    border.color: modelData.always ? Theme.accent : Theme.border
                                    implicitWidth: toolRow.implicitWidth + 16
                                    implicitHeight: toolRow.implicitHeight + 8
                                    ToolTip.visible: toolMouse.containsMouse && modelData.description.length > 0
                                    ToolTip.text: modelData.description
                                    MouseArea { id: toolMouse; anchors.fill: parent; hoverEnabled: true }
                                    RowLayout {
                                        id: toolRow
                                        x: 8
                                        y: 4
                                        Label {
                                            text: modelData.name
                                            textFormat: Text.PlainText
                                            color: Theme.text
                                            font.pixelSize: Theme.fontSmall
                                        }
                                        Label {
                                            visible: modelData.always
                                            text: qsTr("always allowed")
                                            color: Theme.accent
                                            font.pixelSize: Theme.fontSmall
                                        }
                                        ActionButton {
                                            visible: modelData.always
                                            text: qsTr("Ask again")
                                            font.pixelSize: Theme.fontSmall
                                            onClicked: Tools.forgetAllowed(card.modelData.id, modelData.name)
                                        }
                                    }
                                }
                            }
                        }
                        ScrollView {
                            visible: dialog.logId === card.modelData.id
                            Layout.fillWidth: true
                            Layout.preferredHeight: 160
                            TextArea {
                                objectName: "mcpServerLog"
                                readOnly: true
                                wrapMode: TextEdit.WrapAnywhere
                                textFormat: TextEdit.PlainText
                                font.family: "monospace"
                                font.pixelSize: Theme.fontSmall
                                text: dialog.logText
                            }
                        }
                    }
                }
            }

            Label {
                text: dialog.editingId === "" ? qsTr("Add a server") : qsTr("Edit the server")
                font.bold: true
                color: Theme.text
                Layout.topMargin: 8
            }
            GridLayout {
                Layout.fillWidth: true
                columns: 2
                columnSpacing: 12
                rowSpacing: 8

                Label { text: qsTr("Kind"); color: Theme.text }
                ChoiceBox {
                    id: kindBox
                    objectName: "mcpKind"
                    enabled: dialog.editingId === ""
                    Accessible.name: qsTr("Kind of server")
                    Layout.fillWidth: true
                    model: [qsTr("A command on this computer (stdio)"), qsTr("A URL (Streamable HTTP)")]
                }
                Label { text: qsTr("Name"); color: Theme.text }
                TextField {
                    id: nameField
                    objectName: "mcpName"
                    Accessible.name: qsTr("Server name")
                    Layout.fillWidth: true
                    placeholderText: qsTr("Files")
                }
                Label { text: kindBox.currentIndex === 0 ? qsTr("Command") : qsTr("URL"); color: Theme.text }
                TextField {
                    id: targetField
                    objectName: "mcpTarget"
                    Accessible.name: kindBox.currentIndex === 0 ? qsTr("Command") : qsTr("URL")
                    Layout.fillWidth: true
                    placeholderText: kindBox.currentIndex === 0
                                     ? "npx -y @modelcontextprotocol/server-filesystem ~/Documents"
                                     : "http://127.0.0.1:3001/mcp"
                }
                Label { visible: kindBox.currentIndex === 0; text: qsTr("Environment"); color: Theme.text }
                TextArea {
                    id: envField
                    visible: kindBox.currentIndex === 0
                    Accessible.name: qsTr("Environment, one NAME=value per line")
                    Layout.fillWidth: true
                    placeholderText: qsTr("NAME=value, one per line (kept with your secrets)")
                    background: Rectangle { radius: Theme.radius; border.color: Theme.border; color: Theme.background }
                }
                Label { visible: kindBox.currentIndex === 1; text: qsTr("Bearer token"); color: Theme.text }
                TextField {
                    id: tokenField
                    visible: kindBox.currentIndex === 1
                    Accessible.name: qsTr("Bearer token")
                    Layout.fillWidth: true
                    echoMode: TextInput.Password
                    placeholderText: dialog.editingId === "" ? qsTr("Optional") : qsTr("Unchanged")
                }
            }
            RowLayout {
                PrimaryButton {
                    objectName: "mcpAdd"
                    text: dialog.editingId === "" ? qsTr("Add and start") : qsTr("Save")
                    enabled: targetField.text.trim().length > 0
                    onClicked: {
                        if (dialog.editingId === "")
                            Tools.addServer(kindBox.currentIndex === 1 ? "http" : "stdio", nameField.text,
                                            targetField.text, envField.text, tokenField.text)
                        else
                            Tools.updateServer(dialog.editingId, nameField.text, targetField.text, envField.text,
                                               tokenField.text)
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
