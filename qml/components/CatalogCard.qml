// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// One model of the catalog: what it is, its size and memory in the chosen quantization, whether
// it fits this computer, and Download.
Rectangle {
    id: card
    objectName: "catalogCard"

    property var entry: null
    // Until `entry` is set (a delegate's model data arrives after creation).
    readonly property var e: entry ? entry : ({ id: "", name: "", architecture: "", supported: false, parametersB: 0,
                                                context: 0, license: "", reasoning: false, recommended: false,
                                                descriptionEn: "", descriptionZh: "",
                                                files: [{ quant: "", file: "", size: 0, ram: 0, fit: "" }] })
    property string language: "en"
    property var humanBytes: (n) => n
    property var fitText: (f) => f
    property var fitColor: (f) => "gray"
    readonly property var file: e.files[quantBox.currentIndex] || e.files[0]
    readonly property bool downloaded: ModelHost.modelFiles.some((m) => m.name + ".gguf" === file.file)

    signal downloadStarted()

    implicitHeight: column.implicitHeight + 24
    radius: Theme.radiusLarge
    color: Theme.surface
    border.color: e.recommended ? Theme.accent : Theme.border

    ColumnLayout {
        id: column
        anchors.fill: parent
        anchors.margins: 12
        spacing: 6
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: card.e.name
            font.bold: true
            color: Theme.text
        }
        Flow {
            Layout.fillWidth: true
            spacing: 6
            Repeater {
                model: [
                    card.e.recommended ? qsTr("Recommended first model") : "",
                    card.e.reasoning ? qsTr("Reasoning") : "",
                    card.e.supported ? "" : qsTr("Not supported yet (%1)").arg(card.e.architecture)
                ].filter((t) => t.length > 0)
                delegate: Label {
                    required property string modelData
                    text: modelData
                    font.pixelSize: Theme.fontSmall
                    color: Theme.accent
                    padding: 3
                    leftPadding: 8
                    rightPadding: 8
                    background: Rectangle { radius: 10; color: Theme.background; border.color: Theme.border }
                }
            }
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            text: card.language === "zh_CN" ? card.e.descriptionZh : card.e.descriptionEn
            color: Theme.textMuted
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.Wrap
            font.pixelSize: Theme.fontSmall
            color: Theme.textMuted
            text: qsTr("%1 B parameters  \u00b7  %2K context  \u00b7  %3").arg(card.e.parametersB)
                  .arg(Math.round(card.e.context / 1024)).arg(card.e.license)
        }
        ChoiceBox {
            id: quantBox
            objectName: "quantBox"
            Layout.fillWidth: true
            Accessible.name: qsTr("Quantization of %1").arg(card.e.name)
            model: card.e.files.map((f) => f.quant + "  \u00b7  \u2248" + card.humanBytes(f.size))
        }
        RowLayout {
            Layout.fillWidth: true
            Rectangle { width: 8; height: 8; radius: 4; color: card.fitColor(card.file.fit) }
            Label {
                objectName: "fitLabel"
                Layout.fillWidth: true
                wrapMode: Text.Wrap
                font.pixelSize: Theme.fontSmall
                color: Theme.text
                text: card.fitText(card.file.fit) + "  \u00b7  " + qsTr("needs about %1").arg(card.humanBytes(card.file.ram))
            }
        }
        PrimaryButton {
            objectName: "downloadButton"
            Layout.fillWidth: true
            primary: card.e.recommended
            enabled: card.e.supported && !card.downloaded
            text: card.downloaded ? qsTr("Downloaded") : qsTr("Download %1").arg(card.file.quant)
            Accessible.name: qsTr("Download %1 %2").arg(card.e.name).arg(card.file.quant)
            onClicked: { Models.download(card.e.id, card.file.quant); card.downloadStarted() }
        }
    }
}
