// SPDX-License-Identifier: GPL-3.0-or-later
#pragma once

namespace deepdesk {

// The DeepDesk version, e.g. "0.1.0" (from the top-level CMake project).
const char* version();

}  // namespace deepdesk
