// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtTest
import DeepDesk.Ui

Item {
    id: root
    width: 640
    height: 400

    ReasoningBlock {
        id: block
        width: 600
    }

    TestCase {
        name: "ReasoningBlock"
        when: windowShown

        SignalSpy { id: copySpy; target: block; signalName: "copyRequested" }

        function header() { return findChild(block, "reasoningHeaderLabel").text }
        function body() { return findChild(block, "reasoningBody") }

        function init() {
            block.thinking = false
            block.text = ""
            block.durationMs = 0
            copySpy.clear()
        }

        function test_streaming_counts_seconds_and_shows_the_text() {
            block.thinking = true
            block.text = "Let me see"
            verify(header().indexOf("Thinking") >= 0, header())
            verify(header().indexOf(" 0 s") >= 0, header())
            verify(body().visible, "the reasoning is open while it streams")
            block.text += ", the user asks about colours."
            const shown = findChild(block, "reasoningText")
            compare(shown.getText(0, shown.length), "Let me see, the user asks about colours.")
            tryVerify(() => header().indexOf(" 1 s") >= 0, 3000, "the seconds count: " + header())
            verify(!findChild(block, "copyReasoning").visible, "no copy while it streams")
        }

        function test_done_collapses_to_the_duration() {
            block.thinking = true
            block.text = "Reasoning text"
            block.durationMs = 12400
            block.thinking = false
            verify(header().indexOf("Thought for 12 s") >= 0, header())
            verify(!body().visible, "collapsed when done")
        }

        function test_expand_and_copy() {
            block.thinking = true
            block.text = "Reasoning text"
            block.durationMs = 3000
            block.thinking = false
            mouseClick(findChild(block, "reasoningHeader"))
            verify(body().visible, "a click expands it")
            const copy = findChild(block, "copyReasoning")
            verify(copy.visible)
            mouseClick(copy)
            compare(copySpy.count, 1)
            compare(copySpy.signalArguments[0][0], "Reasoning text")
            mouseClick(findChild(block, "reasoningHeader"))
            verify(!body().visible, "a second click collapses it")
        }

        // The same words as the exports (storage's thought_for): "< 1 s" under a second, whole
        // seconds rounded from there.
        function test_durations_read_as_in_exports_data() {
            return [
                { tag: "200 ms", ms: 200, says: "Thought for < 1 s" },
                { tag: "999 ms", ms: 999, says: "Thought for < 1 s" },
                { tag: "1000 ms", ms: 1000, says: "Thought for 1 s" },
                { tag: "1499 ms", ms: 1499, says: "Thought for 1 s" },
                { tag: "2600 ms", ms: 2600, says: "Thought for 3 s" }
            ]
        }
        function test_durations_read_as_in_exports(data) {
            block.thinking = true
            block.text = "ok"
            block.durationMs = data.ms
            block.thinking = false
            verify(header().indexOf(data.says) >= 0, header())
        }
    }
}
