// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Answer text as Markdown (headings, lists, tables, emphasis); fenced code blocks are drawn apart
// with their language and a copy button. An unclosed fence (still streaming) is shown as code.
ColumnLayout {
    id: view

    property string text: ""

    signal copyRequested(string text)

    spacing: 8

    // [{code: bool, text, lang}] from the ``` fences of `text`.
    function segments(source) {
        const out = []
        const lines = source.split("\n")
        let buf = [], inCode = false, lang = ""
        const flush = function(isCode) {
            // Blank lines between blocks are no block of their own (they would leave gaps).
            if (isCode || buf.join("").trim().length > 0)
                out.push({ code: isCode, text: buf.join("\n"), lang: lang })
            buf = []
        }
        for (let i = 0; i < lines.length; ++i) {
            const fence = lines[i].match(/^\s*```\s*([\w+#.-]*)\s*$/)
            if (fence && !inCode) {
                flush(false)
                inCode = true
                lang = fence[1]
            } else if (fence && inCode && fence[1].length === 0) {
                flush(true)
                inCode = false
                lang = ""
            } else {
                buf.push(lines[i])
            }
        }
        flush(inCode)
        return out
    }

    Repeater {
        model: view.segments(view.text)
        delegate: Loader {
            required property var modelData
            Layout.fillWidth: true
            sourceComponent: modelData.code ? codeBlock : prose
            Component {
                id: prose
                TextEdit {
                    objectName: "answerText"
                    readOnly: true
                    selectByMouse: true
                    wrapMode: TextEdit.Wrap
                    // Markdown with formulas drawn (RichText: KaTeX + app/mathimage.h); raw
                    // HTML stays text and images become links there.
                    textFormat: TextEdit.RichText
                    text: RichText.markdownToRichText(modelData.text, Theme.dark, Theme.fontNormal)
                    color: Theme.text
                    font.family: Theme.fontFamily
                    font.pixelSize: Theme.fontNormal
                    onLinkActivated: (link) => Qt.openUrlExternally(link)
                }
            }
            Component {
                id: codeBlock
                Rectangle {
                    objectName: "codeBlock"
                    implicitHeight: codeColumn.implicitHeight
                    radius: Theme.radius
                    color: Theme.surface
                    border.color: Theme.border
                    ColumnLayout {
                        id: codeColumn
                        width: parent.width
                        spacing: 0
                        RowLayout {
                            Layout.fillWidth: true
                            Layout.leftMargin: 12
                            Layout.rightMargin: 4
                            Label {
                                text: modelData.lang.length > 0 ? modelData.lang : qsTr("code")
                                color: Theme.textMuted
                                font.pixelSize: Theme.fontSmall
                                Layout.fillWidth: true
                            }
                            ActionButton {
                                objectName: "copyCodeButton"
                                text: qsTr("Copy")
                                font.pixelSize: Theme.fontSmall
                                onClicked: view.copyRequested(modelData.text)
                            }
                        }
                        TextEdit {
                            // Coloured by highlight.js where the language is known (RichText),
                            // else plain; Copy always gives the code as written.
                            readonly property string coloured: RichText.highlightCode(modelData.text, modelData.lang,
                                                                                      Theme.dark)
                            objectName: "codeText"
                            Layout.fillWidth: true
                            Layout.margins: 12
                            Layout.topMargin: 0
                            readOnly: true
                            selectByMouse: true
                            wrapMode: TextEdit.WrapAnywhere
                            textFormat: coloured.length > 0 ? TextEdit.RichText : TextEdit.PlainText
                            text: coloured.length > 0 ? coloured : modelData.text
                            color: Theme.text
                            font.family: "monospace"
                            font.pixelSize: Theme.fontNormal - 1
                        }
                    }
                }
            }
        }
    }
}
