// SPDX-License-Identifier: GPL-3.0-or-later
// The ‹ 2/3 › switcher on a real conversation (seeded by tst_qml.cpp: one question, three answers).
import QtQuick
import QtTest
import DeepDesk.App
import DeepDesk.Ui

Item {
    id: root
    width: 800
    height: 600

    Column {
        id: column
        width: 760
        Repeater {
            id: repeater
            model: Chat.messages
            delegate: MessageItem { width: column.width }
        }
    }

    TestCase {
        name: "BranchSwitcher"
        when: windowShown

        function answer() { return repeater.itemAt(1) }

        function test_switch_between_versions() {
            Chat.openConversation(seededConversationId)
            tryCompare(repeater, "count", 2)
            compare(answer().content, "Blue", "the newest answer is shown")
            compare(findChild(answer(), "branchLabel").text, "3/3")
            verify(!findChild(answer(), "nextBranch").enabled, "no version after the last")
            mouseClick(findChild(answer(), "previousBranch"))
            tryVerify(() => answer() && answer().content === "Green")
            compare(findChild(answer(), "branchLabel").text, "2/3")
            mouseClick(findChild(answer(), "previousBranch"))
            tryVerify(() => answer() && answer().content === "Red")
            verify(!findChild(answer(), "previousBranch").enabled, "no version before the first")
            mouseClick(findChild(answer(), "nextBranch"))
            tryVerify(() => answer() && answer().content === "Green")
            // The choice is remembered: reopening shows the same version.
            Chat.newConversation()
            Chat.openConversation(seededConversationId)
            tryCompare(repeater, "count", 2)
            compare(answer().content, "Green")
            compare(findChild(answer(), "branchLabel").text, "2/3")
        }
    }
}
