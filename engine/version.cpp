// SPDX-License-Identifier: GPL-3.0-or-later
#include "engine/version.h"

namespace deepdesk {

const char* version() { return DEEPDESK_VERSION_STRING; }

}  // namespace deepdesk
