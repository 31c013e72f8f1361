// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import DeepDesk.Ui

// A combo box whose list reads well in both themes: the item under the pointer or keys on the
// soft accent, the current one in bold, text in the theme's colour (the Basic style puts white
// text on a light grey for the highlighted item); the shown choice elides when it does not fit.
ComboBox {
    id: box
    delegate: ItemDelegate {
        id: choice
        required property int index
        required property var modelData
        width: ListView.view ? ListView.view.width : implicitWidth
        highlighted: box.highlightedIndex === index
        contentItem: Label {
            // The models here are JavaScript arrays: of strings, or of objects named by textRole.
            text: box.textRole.length > 0 ? choice.modelData[box.textRole] : choice.modelData
            color: Theme.text
            font.bold: box.currentIndex === choice.index
            elide: Text.ElideRight
            verticalAlignment: Text.AlignVCenter
        }
        background: Rectangle {
            color: choice.highlighted ? Theme.accentSoft : choice.hovered ? Theme.surfaceHover : Theme.background
        }
    }
    // The shown choice elides when the box is narrower than it (a header that gives way).
    contentItem: Label {
        leftPadding: 12  // as the Basic style's own; the box's padding already leaves room for the indicator
        rightPadding: 1
        text: box.displayText
        font: box.font
        color: Theme.text
        elide: Text.ElideRight
        verticalAlignment: Text.AlignVCenter
    }
    popup.background: Rectangle {
        color: Theme.background
        border.color: Theme.border
        radius: 6
    }
}
