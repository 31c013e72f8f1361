// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Shown while no model exists: recommends a first model (downloaded and verified here, then
// loaded), explains importing a GGUF file instead, and leads to the full list.
ColumnLayout {
    id: panel
    objectName: "firstRunPanel"

    property string language: "en"
    signal importRequested()
    signal modelsRequested()

    readonly property var recommended: Models.catalog.filter((m) => m.recommended)[0]

    function humanBytes(n) {
        if (n >= 1e9) return (n / 1e9).toFixed(1) + " GB"
        if (n >= 1e6) return (n / 1e6).toFixed(0) + " MB"
        return Math.max(0, Math.round(n / 1e3)) + " KB"
    }

    spacing: 14

    Label {
        Layout.alignment: Qt.AlignHCenter
        text: qsTr("Get a model to start chatting")
        font.pixelSize: 22
        font.bold: true
        color: Theme.text
    }
    Label {
        Layout.fillWidth: true
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: Theme.textMuted
        text: qsTr("DeepDesk runs models on this computer. Start with the one below: it is small, runs on any laptop, and thinks before it answers.")
    }
    CatalogCard {
        visible: panel.recommended !== undefined
        Layout.alignment: Qt.AlignHCenter
        Layout.preferredWidth: 360
        entry: panel.recommended ? panel.recommended : null
        language: panel.language
        humanBytes: panel.humanBytes
        fitText: (f) => f === "fits" ? qsTr("Fits this computer") : f === "tight" ? qsTr("Tight: close other apps")
                      : f === "too-big" ? qsTr("Too big for this computer") : qsTr("Memory unknown")
        fitColor: (f) => f === "fits" ? "#12b76a" : f === "tight" ? "#f79009" : f === "too-big" ? "#f04438" : Theme.textMuted
    }
    // The download, once started.
    Repeater {
        model: Models.downloads
        delegate: ColumnLayout {
            required property string fileName
            required property string downloadState
            required property real progress
            required property string error
            required property string note
            Layout.alignment: Qt.AlignHCenter
            Layout.preferredWidth: 360
            ProgressBar {
                objectName: "firstRunProgress"
                Layout.fillWidth: true
                from: 0
                to: 1
                value: progress
                visible: downloadState === "downloading" || downloadState === "queued" || downloadState === "verifying"
            }
            Label {
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                font.pixelSize: Theme.fontSmall
                color: error.length > 0 ? (Theme.dark ? "#fda29b" : "#b42318") : Theme.textMuted
                text: error.length > 0 ? error : downloadState === "done" ? note
                      : fileName + "  \u00b7  " + Math.round(progress * 100) + "%"
            }
        }
    }
    Label {
        visible: Models.errorText.length > 0
        Layout.fillWidth: true
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        textFormat: Text.PlainText  // conversation content: never markup
        text: Models.errorText
        color: Theme.dark ? "#fda29b" : "#b42318"
    }
    Label {
        Layout.fillWidth: true
        horizontalAlignment: Text.AlignHCenter
        wrapMode: Text.Wrap
        color: Theme.textMuted
        text: qsTr("Already have a GGUF file (for example from LM Studio or llama.cpp)? Import it: DeepDesk checks it and links it into its models folder.")
    }
    RowLayout {
        Layout.alignment: Qt.AlignHCenter
        Button {
            objectName: "firstRunImport"
            text: qsTr("Import a GGUF file\u2026")
            onClicked: panel.importRequested()
        }
        Button {
            objectName: "firstRunAllModels"
            text: qsTr("See all models")
            onClicked: panel.modelsRequested()
        }
    }
}
