// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtQuick.Controls
import QtQuick.Layouts
import DeepDesk.App
import DeepDesk.Ui

// Answer text as Markdown (headings, lists, tables, emphasis, formulas); fenced code blocks are
// drawn apart with their language and a copy button. An unclosed fence (still streaming) is shown
// as code, an unclosed formula as its source.
// A Column, not a ColumnLayout: blocks come and go while an answer streams, and Qt 6.4's layouts
// could crash rearranging a block being destroyed.
Column {
    id: view

    property string text: ""
    // The look of the prose (the reasoning block draws its text quieter and smaller).
    property color textColor: Theme.text
    property int pixelSize: Theme.fontNormal
    // objectName of each prose paragraph's TextEdit (tests find them by it).
    property string proseName: "answerText"

    // Numbered sources the text may cite as [n]: each citation is a link; a click asks for the
    // source to be opened, and the one under the pointer is known (0: none).
    property int citations: 0
    property int hoveredCitation: 0
    signal citationActivated(int n)
    signal copyRequested(string text)

    spacing: 8

    // [{isCode, isMath, isTable, body, lang, start}] from `text`: each fenced code block, each
    // display formula on lines of its own ($$…$$ or \[…\], drawn centred and scrolling sideways when
    // wide), each table (scrolling sideways when wide), and the prose between them cut at blank
    // lines (outside a $$ formula) into paragraphs. While an answer streams only the last block
    // changes, so only it is rendered again (see sync()).
    function segments(source) {
        const out = []
        const lines = source.split("\n")
        let buf = [], inCode = false, lang = "", at = 0, start = 0
        const push = function(isCode, isMath, body) {
            out.push({ isCode: isCode, isMath: isMath,
                       isTable: !isCode && !isMath && /^\s*\|/.test(body) && /^[^\n]*\n\s*\|?\s*:?-+:?\s*(\||\n|$)/.test(body),
                       body: body, lang: lang, start: start })
        }
        const flush = function(isCode) {
            // Blank lines between blocks are no block of their own (they would leave gaps).
            if (isCode || buf.join("").trim().length > 0)
                push(isCode, false, buf.join("\n"))
            buf = []
        }
        const openDisplayMath = function() {
            let n = 0
            for (let k = 0; k < buf.length; ++k)
                n += (buf[k].match(/\$\$/g) || []).length
            return n % 2 === 1
        }
        // The last line of a display formula opening on line i (at its very start), or -1 when it
        // is not one or not closed yet (then it stays prose, shown as written).
        const displayMathEnd = function(i) {
            const line = lines[i]
            const close = line.startsWith("$$") ? "$$" : line.startsWith("\\[") ? "\\]" : ""
            if (close.length === 0)
                return -1
            for (let j = i, from = 2; j < lines.length; ++j, from = 0) {
                const end = lines[j].indexOf(close, from)
                if (end >= 0)
                    return lines[j].substring(end + 2).trim().length === 0 && (j > i || end > 2) ? j : -1
            }
            return -1
        }
        for (let i = 0; i < lines.length; ++i) {
            const fence = lines[i].match(/^\s*```\s*([\w+#.-]*)\s*$/)
            if (buf.length === 0 && !inCode)
                start = at  // where the next block starts, in `source`
            const mathEnd = inCode || openDisplayMath() ? -1 : displayMathEnd(i)
            if (fence && !inCode) {
                flush(false)
                inCode = true
                lang = fence[1]
                start = at
            } else if (fence && inCode && fence[1].length === 0) {
                flush(true)
                inCode = false
                lang = ""
            } else if (mathEnd >= 0) {
                flush(false)
                start = at
                const body = lines.slice(i, mathEnd + 1)
                for (; i < mathEnd; ++i)
                    at += lines[i].length + 1
                push(false, true, body.join("\n"))
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
                if (b.body !== segs[k].body || b.isCode !== segs[k].isCode || b.isMath !== segs[k].isMath ||
                        b.isTable !== segs[k].isTable || b.lang !== segs[k].lang || b.start !== segs[k].start)
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

    // A prose block as Qt rich text (KaTeX formulas drawn by app/mathimage.h; raw HTML stays text,
    // images become links), or as plain text. Copying a selection gives formulas as their LaTeX.
    component ProseText: TextEdit {
        property string body
        property bool plain: false
        objectName: view.proseName
        width: parent ? parent.width : 0
        readOnly: true
        selectByMouse: true
        wrapMode: TextEdit.Wrap
        textFormat: plain ? TextEdit.PlainText : TextEdit.RichText
        text: plain ? body : RichText.markdownToRichText(body, view.textColor, view.pixelSize, view.citations)
        color: view.textColor
        font.family: Theme.fontFamily
        font.pixelSize: view.pixelSize
        onLinkActivated: (link) => {
            if (link.startsWith("deepdesk-source:"))
                view.citationActivated(parseInt(link.substring(16)))
            else
                Qt.openUrlExternally(link)
        }
        onHoveredLinkChanged: view.hoveredCitation = hoveredLink.startsWith("deepdesk-source:")
                                                     ? parseInt(hoveredLink.substring(16)) : 0
        Keys.onPressed: (event) => {
            if (event.matches(StandardKey.Copy) && selectionEnd > selectionStart) {
                view.copyRequested(plain ? selectedText
                                         : RichText.sourceOf(getFormattedText(selectionStart, selectionEnd)))
                event.accepted = true
            }
        }
    }

    Repeater {
        model: blocks
        delegate: Loader {
            id: block
            required property bool isCode
            required property bool isMath
            required property bool isTable
            required property string body
            required property string lang
            width: view.width
            sourceComponent: isCode ? codeBlock : isMath ? mathBlock : isTable ? tableBlock : prose
            Component {
                id: prose
                ProseText {
                    body: block.body
                }
            }
            Component {
                id: tableBlock
                // A table as wide as its columns need, scrolling sideways when that is wider
                // than the view.
                Flickable {
                    objectName: "tableBlock"
                    implicitHeight: table.implicitHeight + (tableBar.visible ? tableBar.height : 0)
                    contentWidth: Math.max(width, table.implicitWidth)
                    contentHeight: table.implicitHeight
                    flickableDirection: Flickable.HorizontalFlick
                    boundsBehavior: Flickable.StopAtBounds
                    interactive: contentWidth > width
                    clip: true
                    ScrollBar.horizontal: ScrollBar {
                        id: tableBar
                        policy: parent.contentWidth > parent.width ? ScrollBar.AlwaysOn : ScrollBar.AlwaysOff
                        visible: policy === ScrollBar.AlwaysOn
                    }
                    ProseText {
                        id: table
                        body: block.body
                        wrapMode: TextEdit.NoWrap
                    }
                }
            }
            Component {
                id: mathBlock
                // A display formula: centred, scrolling sideways when wider than the view, its
                // LaTeX copied by the Copy button that shows on hover. One KaTeX cannot read is
                // shown as its source.
                Item {
                    id: math
                    readonly property var formula: RichText.displayFormula(block.body, view.textColor,
                                                                           view.pixelSize)
                    objectName: "displayMath"
                    implicitHeight: formula.url.length > 0 ? formulaView.height : source.implicitHeight
                    HoverHandler {
                        id: mathHover
                    }
                    Flickable {
                        id: formulaView
                        visible: math.formula.url.length > 0
                        width: parent.width
                        height: formulaImage.height + 8 + (formulaBar.visible ? formulaBar.height : 0)
                        contentWidth: Math.max(width, formulaImage.width)
                        contentHeight: formulaImage.height + 8
                        flickableDirection: Flickable.HorizontalFlick
                        boundsBehavior: Flickable.StopAtBounds
                        interactive: contentWidth > width
                        clip: true
                        ScrollBar.horizontal: ScrollBar {
                            id: formulaBar
                            policy: formulaView.contentWidth > formulaView.width ? ScrollBar.AlwaysOn
                                                                                 : ScrollBar.AlwaysOff
                            visible: policy === ScrollBar.AlwaysOn
                        }
                        Image {
                            id: formulaImage
                            objectName: "displayMathImage"
                            x: Math.max(0, (formulaView.width - width) / 2)
                            y: 4
                            width: math.formula.width
                            height: math.formula.height
                            source: math.formula.url
                            smooth: true
                            cache: false  // the provider keeps its own cache
                        }
                    }
                    ProseText {
                        id: source
                        visible: math.formula.url.length === 0
                        width: parent.width
                        plain: true
                        body: block.body
                    }
                    ActionButton {
                        objectName: "copyFormulaButton"
                        anchors.right: parent.right
                        anchors.top: parent.top
                        visible: mathHover.hovered && math.formula.url.length > 0
                        text: qsTr("Copy LaTeX")
                        onClicked: view.copyRequested(block.body)
                    }
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
