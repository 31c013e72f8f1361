// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import DeepDesk.Ui

// A dialog's buttons, labelled by DeepDesk: Qt's standard buttons take their words from Qt's own
// translations, which may be absent and do not follow a language switch. Put it in a Dialog's
// `footer`; the Dialog is accepted or rejected by the buttons' roles. `rejectText` empty: only
// the accepting button.
DialogButtonBox {
    id: box
    property string acceptText: qsTr("OK")
    property string rejectText: qsTr("Cancel")
    // The accepting button is the place's main action (Delete, Load anyway), not just "close".
    property bool acceptIsPrimary: true

    PrimaryButton {
        text: box.acceptText
        primary: box.acceptIsPrimary
        DialogButtonBox.buttonRole: DialogButtonBox.AcceptRole
    }
    Button {
        visible: box.rejectText.length > 0
        text: box.rejectText
        DialogButtonBox.buttonRole: DialogButtonBox.RejectRole
    }
    background: Rectangle { color: "transparent" }
}
