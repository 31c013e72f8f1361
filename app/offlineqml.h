// SPDX-License-Identifier: GPL-3.0-or-later
// Nothing the window renders fetches anything from the network: an image in an answer, an <img>
// in a title or an imported conversation would otherwise send a request (and what its URL
// carries) anywhere. The QML engine gets a network access manager that serves qrc:, file: and
// data: URLs only; the app's own requests (hub, providers, downloads) use their own managers.
// The engine also gets image://math, where the window's formulas are drawn (app/mathimage.h).
#pragma once

class QQmlEngine;

namespace deepdesk::app {

void keepQmlOffline(QQmlEngine& engine);

}  // namespace deepdesk::app
