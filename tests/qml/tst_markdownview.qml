// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtTest
import DeepDesk.Ui

Item {
    id: root
    width: 640
    height: 600

    MarkdownView {
        id: view
        width: 600
    }

    SignalSpy { id: copySpy; target: view; signalName: "copyRequested" }

    TestCase {
        name: "MarkdownView"
        when: windowShown

        function init() {
            copySpy.clear()
        }

        function shown(name) {
            const out = []
            const walk = function(item) {
                if (item.objectName === name && item.visible)
                    out.push(item)
                for (let i = 0; i < item.children.length; ++i)
                    walk(item.children[i])
            }
            walk(view)
            return out
        }

        function test_streaming_renders_only_the_last_block_again() {
            view.text = ""
            view.text = "First paragraph with $x^2$.\n\nSecond"
            wait(0)
            const before = shown("answerText")
            compare(before.length, 2)
            const first = before[0]
            // Tokens arrive: the first paragraph's item stays, only the last one changes.
            view.text += " paragraph grows"
            view.text += "\n\n```python\nprint(1)"
            wait(0)
            const after = shown("answerText")
            compare(after.length, 2)
            verify(after[0] === first, "a finished paragraph is not rebuilt")
            compare(after[1].getText(0, after[1].length), "Second paragraph grows")
            // The open fence shows as code, and closing it keeps it a code block.
            compare(shown("codeBlock").length, 1)
            view.text += "\n```\n\nDone."
            wait(0)
            compare(shown("codeBlock").length, 1)
            compare(shown("answerText").length, 3)
            verify(shown("answerText")[0] === first)
        }

        function test_a_half_written_formula_shows_as_its_source() {
            view.text = "So \\[ \\frac{1}{2"
            wait(0)
            const t = shown("answerText")[0]
            compare(t.getText(0, t.length), "So \\[ \\frac{1}{2")
            view.text += "} \\]"
            wait(0)
            const done = shown("answerText")[0]
            verify(done.text.indexOf("image://math/") >= 0, "the closed formula is drawn")
        }

        function test_a_new_text_replaces_every_block() {
            view.text = "One\n\nTwo\n\nThree"
            wait(0)
            compare(shown("answerText").length, 3)
            view.text = "Other"
            wait(0)
            compare(shown("answerText").length, 1)
            const t = shown("answerText")[0]
            compare(t.getText(0, t.length), "Other")
        }

        function test_a_display_formula_is_centred_and_copies_as_latex() {
            view.text = "Hence\n\\[ \\int_0^1 x^2\\,dx = \\frac{1}{3} \\]\nand so on."
            wait(0)
            const maths = shown("displayMath")
            compare(maths.length, 1)
            compare(shown("answerText").length, 2, "the prose before and after stays prose")
            const image = findChild(maths[0], "displayMathImage")
            verify(image.source.toString().indexOf("image://math/") === 0, image.source)
            verify(image.width > 20 && image.height > 10)
            fuzzyCompare(image.x + image.width / 2, view.width / 2, 1, "centred")
            const copy = findChild(maths[0], "copyFormulaButton")
            copy.clicked()
            compare(copySpy.count, 1)
            compare(copySpy.signalArguments[0][0], "\\[ \\int_0^1 x^2\\,dx = \\frac{1}{3} \\]")
        }

        function test_a_display_formula_katex_cannot_read_is_its_source() {
            view.text = "$$\\frac{1}{$$"
            wait(0)
            const maths = shown("displayMath")
            compare(maths.length, 1)
            verify(!findChild(maths[0], "displayMathImage").parent.visible)
            const source = shown("answerText")[0]
            verify(source.visible)
            compare(source.getText(0, source.length), "$$\\frac{1}{$$")
        }

        function test_copying_a_selection_gives_formulas_as_latex() {
            view.text = "so $x^2$ grows and $\\sqrt{y}$ too"
            wait(0)
            const t = shown("answerText")[0]
            verify(t.text.indexOf("image://math/") >= 0)
            t.forceActiveFocus()
            t.selectAll()
            keySequence(StandardKey.Copy)
            compare(copySpy.count, 1)
            compare(copySpy.signalArguments[0][0], "so $x^2$ grows and $\\sqrt{y}$ too")
        }

        function test_a_wide_table_scrolls_sideways() {
            let header = "|", rule = "|", row = "|"
            for (let c = 0; c < 12; ++c) {
                header += " column" + c + " |"
                rule += "---|"
                row += " value_number_" + c + " |"
            }
            view.text = "Wide:\n\n" + header + "\n" + rule + "\n" + row + "\n\n| a | b |\n|:-|-:|\n| 1 | 2 |"
            wait(0)
            const tables = shown("tableBlock")
            compare(tables.length, 2)
            verify(tables[0].contentWidth > tables[0].width + 100, tables[0].contentWidth + " vs " + tables[0].width)
            verify(tables[0].interactive, "the wide table scrolls")
            verify(!tables[1].interactive, "a narrow one does not")
            compare(tables[1].contentWidth, tables[1].width)
        }
    }
}
