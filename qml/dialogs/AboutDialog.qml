// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Version and build facts, useful in bug reports.
Dialog {
    id: dialog

    title: qsTr("About DeepDesk")
    modal: true
    footer: DialogButtons { acceptText: qsTr("Close"); rejectText: ""; acceptIsPrimary: false }
    width: 420

    ColumnLayout {
        anchors.fill: parent
        spacing: 10

        RowLayout {
            spacing: 12
            AppLogo { size: 44 }
            ColumnLayout {
                spacing: 2
                Label { text: AppInfo.name; font.pixelSize: Theme.fontLarge; font.bold: true }
                Label { objectName: "versionLabel"; text: qsTr("Version %1").arg(AppInfo.version); color: Theme.textMuted }
            }
        }
        Label {
            Layout.fillWidth: true
            wrapMode: Text.WordWrap
            text: qsTr("Chat with DeepSeek models on your own computer.")
        }
        GridLayout {
            columns: 2
            columnSpacing: 12
            rowSpacing: 4
            Label { text: qsTr("Qt"); color: Theme.textMuted }
            Label { text: AppInfo.qtVersion }
            Label { text: qsTr("Processor"); color: Theme.textMuted }
            Label { text: AppInfo.cpuName.length > 0 ? AppInfo.cpuName : qsTr("unknown"); Layout.fillWidth: true; elide: Text.ElideRight }
            Label { text: qsTr("Engine kernels"); color: Theme.textMuted }
            Label { text: AppInfo.kernelTier }
        }
    }
}
