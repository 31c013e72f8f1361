// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/appinfo.h"

#include <QtGlobal>

#include "engine/cpu_features.h"
#include "engine/version.h"

namespace deepdesk::app {

QString AppInfo::name() const { return QStringLiteral("DeepDesk"); }

QString AppInfo::version() const { return QString::fromLatin1(deepdesk::version()); }

QString AppInfo::qtVersion() const { return QString::fromLatin1(qVersion()); }

QString AppInfo::cpuName() const { return QString::fromStdString(deepdesk::host_cpu().brand); }

QString AppInfo::kernelTier() const {
    const auto name = deepdesk::isa_name(deepdesk::active_isa());
    return QString::fromLatin1(name.data(), static_cast<qsizetype>(name.size()));
}

}  // namespace deepdesk::app
