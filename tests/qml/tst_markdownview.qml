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

    TestCase {
        name: "MarkdownView"
        when: windowShown

        function shown(name) {
            const out = []
            const walk = function(item) {
                if (item.objectName === name)
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
    }
}
