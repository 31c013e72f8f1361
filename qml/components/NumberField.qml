// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import DeepDesk.Ui

// A number typed as text: "0.7" (or "0,7") is taken as typed; a value that is not a number or is
// out of range is shown as invalid, said why, and never replaced or clamped behind the user's
// back. Up and Down step it. `valueEdited` carries every valid value the user makes.
TextField {
    id: field

    property real value: 0
    property real from: 0
    property real to: 1
    property real stepSize: 1
    property int decimals: 0
    signal valueEdited(real value)

    readonly property real typed: parse(text)
    readonly property bool valid: accepts(typed)

    function parse(t) {
        const s = t.trim().replace(",", ".")
        const pattern = decimals > 0 ? /^[0-9]*\.?[0-9]*$/ : /^[0-9]+$/
        if (s.length === 0 || s === "." || !pattern.test(s))
            return NaN
        return Number(s)
    }
    function format(v) { return decimals > 0 ? Number(v).toFixed(decimals) : String(Math.round(v)) }
    function step(direction) {
        const base = valid ? typed : value
        const next = Math.min(to, Math.max(from, base + direction * stepSize))
        text = format(next)
        valueEdited(next)
    }

    implicitWidth: 120
    horizontalAlignment: TextInput.AlignRight
    inputMethodHints: decimals > 0 ? Qt.ImhFormattedNumbersOnly : Qt.ImhDigitsOnly
    color: Theme.text
    // The value set from outside shows unless the user is editing.
    onValueChanged: if (!activeFocus) text = format(value)
    Component.onCompleted: text = format(value)
    function accepts(v) { return !isNaN(v) && v >= from && v <= to }
    onTextEdited: {
        const v = parse(text)  // now, not through the bindings above
        if (accepts(v))
            valueEdited(v)
    }
    onEditingFinished: {
        const v = parse(text)
        if (accepts(v))
            text = format(v)
    }
    Keys.onUpPressed: step(1)
    Keys.onDownPressed: step(-1)

    Accessible.description: valid ? "" : hint.text
    ToolTip {
        id: hint
        visible: !field.valid && field.activeFocus
        text: field.decimals > 0 ? qsTr("Enter a number from %1 to %2").arg(field.format(field.from)).arg(field.format(field.to))
                                 : qsTr("Enter a whole number from %1 to %2").arg(field.from).arg(field.to)
    }
    background: Rectangle {
        implicitHeight: 34
        radius: 6
        color: Theme.background
        border.width: field.valid ? 1 : 2
        border.color: !field.valid ? Theme.danger : field.activeFocus ? Theme.accent : Theme.border
    }
}
