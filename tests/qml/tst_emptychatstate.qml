// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtTest
import DeepDesk.Ui

Item {
    id: root
    width: 800
    height: 600

    EmptyChatState {
        id: emptyState
        width: 760
    }

    TestCase {
        name: "EmptyChatState"
        when: windowShown

        SignalSpy { id: chosenSpy; target: emptyState; signalName: "promptChosen" }

        function test_offers_four_starters() {
            for (let i = 0; i < 4; ++i) {
                const card = findChild(emptyState, "suggestion_" + i)
                verify(card, "suggestion " + i)
                verify(card.prompt.length > 0)
            }
        }

        function test_clicking_a_starter_chooses_its_prompt() {
            const card = findChild(emptyState, "suggestion_1")
            waitForRendering(card)
            mouseClick(card)
            compare(chosenSpy.count, 1)
            compare(chosenSpy.signalArguments[0][0], card.prompt)
        }
    }
}
