// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Answer text as Markdown (headings, lists, tables, emphasis, formulas); fenced code blocks are
// drawn apart with their language and a copy button. An unclosed fence (still streaming) is shown
// as code, an unclosed formula as its source.
ColumnLayout {
    id: view

    property string text: ""

    signal copyRequested(string text)

    spacing: 8

    // [{isCode, body, lang}] from `text`: each fenced block, and the prose between them cut at
    // blank lines (outside a $$ formula) into paragraphs. While an answer streams only the last
    // block changes, so only it is rendered again (see sync()).
    function segments(source) {
        const out = []
        const lines = source.split("\n")
        let buf = [], inCode = false, lang = "", at = 0, start = 0
        const flush = function(isCode) {
            // Blank lines between blocks are no block of their own (they would leave gaps).
            if (isCode || buf.join("").trim().length > 0)
                out.push({ isCode: isCode, body: buf.join("\n"), lang: lang, start: start })
            buf = []
        }
        const openDisplayMath = function() {
            let n = 0
            for (let k = 0; k < buf.length; ++k)
                n += (buf[k].match(/\$\$/g) || []).length
            return n % 2 === 1
        }
        for (let i = 0; i < lines.length; ++i) {
            const fence = lines[i].match(/^\s*```\s*([\w+#.-]*)\s*$/)
            if (buf.length === 0 && !inCode)
                start = at  // where the next block starts, in `source`
            if (fence && !inCode) {
                flush(false)
                inCode = true
                lang = fence[1]
                start = at
            } else if (fence && inCode && fence[1].length === 0) {
                flush(true)
                inCode = false
                lang = ""
            } else if (!inCode && lines[i].trim().length === 0 && !openDisplayMath()) {
                flush(false)
            } else {
                buf.push(lines[i])
            }
            at += lines[i].length + 1
        }
        flush(inCode)
        return out
    }

    // Brings `blocks` in line with `text`, touching only the blocks that changed. While an answer
    // streams the text only grows: then only the part from the last block's start is cut again.
    property string synced: ""
    function sync() {
        let from = 0, first = 0
        if (blocks.count > 0 && view.text.length >= synced.length && view.text.startsWith(synced)) {
            first = blocks.count - 1
            from = blocks.get(first).start
        }
        const segs = segments(view.text.substring(from))
        for (let k = 0; k < segs.length; ++k) {
            segs[k].start += from
            const i = first + k
            if (i < blocks.count) {
                const b = blocks.get(i)
                if (b.body !== segs[k].body || b.isCode !== segs[k].isCode || b.lang !== segs[k].lang ||
                        b.start !== segs[k].start)
                    blocks.set(i, segs[k])
            } else {
                blocks.append(segs[k])
            }
        }
        if (blocks.count > first + segs.length)
            blocks.remove(first + segs.length, blocks.count - first - segs.length)
        synced = view.text
    }

    onTextChanged: sync()
    Component.onCompleted: sync()

    ListModel {
        id: blocks
    }

    Repeater {
        model: blocks
        delegate: Loader {
            id: block
            required property bool isCode
            required property string body
            required property string lang
            Layout.fillWidth: true
            sourceComponent: isCode ? codeBlock : prose
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
                    text: RichText.markdownToRichText(block.body, Theme.text, Theme.fontNormal)
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
                                text: block.lang.length > 0 ? block.lang : qsTr("code")
                                color: Theme.textMuted
                                font.pixelSize: Theme.fontSmall
                                Layout.fillWidth: true
                            }
                            ActionButton {
                                objectName: "copyCodeButton"
                                text: qsTr("Copy")
                                font.pixelSize: Theme.fontSmall
                                onClicked: view.copyRequested(block.body)
                            }
                        }
                        TextEdit {
                            // Coloured by highlight.js where the language is known (RichText),
                            // else plain; Copy always gives the code as written.
                            readonly property string coloured: RichText.highlightCode(block.body, block.lang,
                                                                                      Theme.dark)
                            objectName: "codeText"
                            Layout.fillWidth: true
                            Layout.margins: 12
                            Layout.topMargin: 0
                            readOnly: true
                            selectByMouse: true
                            wrapMode: TextEdit.WrapAnywhere
                            textFormat: coloured.length > 0 ? TextEdit.RichText : TextEdit.PlainText
                            text: coloured.length > 0 ? coloured : block.body
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
