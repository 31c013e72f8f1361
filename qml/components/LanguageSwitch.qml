// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Segmented language choice; each language is named in itself so anyone can find theirs.
RowLayout {
    id: languageSwitch

    required property Localization localization
    // Off where a label beside it already says "Language" (Settings).
    property bool showLabel: true

    spacing: 4

    Label {
        visible: languageSwitch.showLabel
        text: qsTr("Language")
        color: Theme.textMuted
        font.pixelSize: Theme.fontSmall
        Layout.rightMargin: 4
    }

    Repeater {
        model: languageSwitch.localization ? languageSwitch.localization.languages : []

        delegate: Button {
            id: choice
            required property var modelData
            readonly property bool current: languageSwitch.localization !== null
                                          && languageSwitch.localization.effectiveLanguage === modelData.code

            objectName: "language_" + modelData.code
            Layout.fillWidth: true
            text: modelData.name
            checkable: true
            checked: current
            onClicked: languageSwitch.localization.language = modelData.code
            contentItem: Label {
                text: choice.text
                color: choice.current ? Theme.accent : Theme.textMuted
                font.pixelSize: Theme.fontSmall
                font.bold: choice.current
                horizontalAlignment: Text.AlignHCenter
                verticalAlignment: Text.AlignVCenter
            }
            background: Rectangle {
                radius: Theme.radius - 2
                color: choice.current ? Theme.accentSoft : (choice.hovered ? Theme.surfaceHover : "transparent")
            }
        }
    }
}
