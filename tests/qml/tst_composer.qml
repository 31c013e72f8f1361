// SPDX-License-Identifier: GPL-3.0-or-later
import QtQuick
import QtTest
import DeepDesk.Ui

Item {
    id: root
    width: 640
    height: 240

    Composer {
        id: composer
        width: 600
    }

    TestCase {
        name: "Composer"
        when: windowShown

        SignalSpy { id: sendSpy; target: composer; signalName: "sendRequested" }
        SignalSpy { id: stopSpy; target: composer; signalName: "stopRequested" }

        function init() {
            composer.text = ""
            composer.canSend = true
            composer.generating = false
            composer.disabledReason = ""
            sendSpy.clear()
            stopSpy.clear()
            composer.focusInput()
        }

        function test_enter_sends_and_clears() {
            keyClick(Qt.Key_H)
            keyClick(Qt.Key_I)
            keyClick(Qt.Key_Return)
            compare(sendSpy.count, 1)
            compare(sendSpy.signalArguments[0][0], "hi")
            compare(composer.text, "")
        }

        function test_shift_enter_starts_a_new_line() {
            keyClick(Qt.Key_A)
            keyClick(Qt.Key_Return, Qt.ShiftModifier)
            keyClick(Qt.Key_B)
            compare(sendSpy.count, 0)
            compare(composer.text, "a\nb")
        }

        function test_blank_text_is_not_sent() {
            keyClick(Qt.Key_Space)
            keyClick(Qt.Key_Return)
            compare(sendSpy.count, 0)
        }

        function test_without_a_model_nothing_is_sent_and_the_reason_shows() {
            composer.canSend = false
            composer.disabledReason = "Load a model to start chatting."
            keyClick(Qt.Key_X)
            keyClick(Qt.Key_Return)
            compare(sendSpy.count, 0)
            compare(composer.text, "x", "the draft is kept")
            const reason = findChild(composer, "disabledReason")
            verify(reason.visible)
            compare(reason.text, "Load a model to start chatting.")
            verify(!findChild(composer, "sendButton").enabled)
        }

        function test_send_button_sends() {
            composer.text = "question"
            const button = findChild(composer, "sendButton")
            verify(button.enabled)
            mouseClick(button)
            compare(sendSpy.count, 1)
            compare(sendSpy.signalArguments[0][0], "question")
        }

        function test_escape_and_stop_button_stop_generation() {
            composer.generating = true
            keyClick(Qt.Key_Escape)
            compare(stopSpy.count, 1)
            const button = findChild(composer, "sendButton")
            verify(button.enabled)
            mouseClick(button)
            compare(stopSpy.count, 2)
            compare(sendSpy.count, 0)
        }
    }
}
