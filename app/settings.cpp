// SPDX-License-Identifier: GPL-3.0-or-later
#include "app/settings.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>
#include <QSettings>
#include <QUrl>

#include <array>
#include <climits>

#ifdef __unix__
#include <sys/stat.h>
#endif

namespace deepdesk::app {
namespace {

using Key = Settings::Key;

// One declared key: where it is saved, its default and what it may hold. A number outside
// [low, high] is clamped; a string outside `choices` (when there are any) becomes the default.
struct Declared {
    Key key;
    const char* name;
    QMetaType::Type type;
    QVariant fallback;
    double low = 0.0, high = 0.0;  // numbers, when low < high
    QStringList choices;
};

const std::array<Declared, static_cast<std::size_t>(Key::Count)>& table() {
    static const std::array<Declared, static_cast<std::size_t>(Key::Count)> t = {{
        {Key::SystemPrompt, "chat/systemPrompt", QMetaType::QString, QString(), 0, 0, {}},
        {Key::Temperature, "chat/temperature", QMetaType::Double, 0.6, 0.0, 2.0, {}},
        {Key::TemperatureSetByUser, "chat/temperatureSetByUser", QMetaType::Bool, false, 0, 0, {}},
        {Key::MaxTokens, "chat/maxTokens", QMetaType::Int, 2048, 1, 1 << 20, {}},
        {Key::ContextLength, "chat/contextLength", QMetaType::Int, 4096, 256, 1 << 20, {}},
        {Key::TopP, "chat/topP", QMetaType::Double, 0.95, 0.0, 1.0, {}},
        {Key::TopK, "chat/topK", QMetaType::Int, 40, 0, 1 << 20, {}},
        {Key::MinP, "chat/minP", QMetaType::Double, 0.05, 0.0, 1.0, {}},
        {Key::RepeatPenalty, "chat/repeatPenalty", QMetaType::Double, 1.0, 0.5, 2.0, {}},
        {Key::Seed, "chat/seed", QMetaType::Int, 0, 0, INT_MAX, {}},
        {Key::Threads, "chat/threads", QMetaType::Int, 0, 0, 1024, {}},
        {Key::Theme,
         "ui/theme",
         QMetaType::QString,
         QStringLiteral("system"),
         0,
         0,
         {QStringLiteral("system"), QStringLiteral("light"), QStringLiteral("dark")}},
        {Key::Language, "ui/language", QMetaType::QString, QStringLiteral("system"), 0, 0, {}},
        {Key::ModelsFolder, "models/folder", QMetaType::QString, QString(), 0, 0, {}},  // dataDir/models
        {Key::LastModel, "models/last", QMetaType::QString, QString(), 0, 0, {}},
        {Key::ChatSource,
         "chat/source",
         QMetaType::QString,
         QStringLiteral("local"),
         0,
         0,
         {QStringLiteral("local"), QStringLiteral("remote")}},
        {Key::RemoteProvider, "chat/remoteProvider", QMetaType::QString, QString(), 0, 0, {}},
        {Key::RemoteModel, "chat/remoteModel", QMetaType::QString, QString(), 0, 0, {}},
        {Key::ServerEnabled, "server/enabled", QMetaType::Bool, false, 0, 0, {}},
        {Key::ServerHost, "server/host", QMetaType::QString, QStringLiteral("127.0.0.1"), 0, 0, {}},
        {Key::ServerPort, "server/port", QMetaType::Int, 8080, 0, 65535, {}},
        {Key::HubSource,
         "hub/source",
         QMetaType::QString,
         QStringLiteral("huggingface"),
         0,
         0,
         {QStringLiteral("huggingface"), QStringLiteral("modelscope")}},
        {Key::HubEndpoint, "hub/endpoint", QMetaType::QString, QString(), 0, 0, {}},  // the source's own
        {Key::HubTokenHost, "hub/tokenHost", QMetaType::QString, QString(), 0, 0, {}},
        {Key::ExportReasoning, "export/reasoning", QMetaType::Bool, true, 0, 0, {}},
        {Key::EmbeddingModel, "documents/embeddingModel", QMetaType::QString, QString(), 0, 0, {}},
    }};
    return t;
}

const Declared& declared(Key key) {
    // The table lists the keys in the enum's order (a key added in the wrong place would read
    // another key's declaration).
    static const bool ordered = [] {
        for (std::size_t i = 0; i < table().size(); ++i) {
            if (table()[i].key != static_cast<Key>(i)) {
                qFatal("Settings: the declaration of key %zu is out of order", i);
            }
        }
        return true;
    }();
    Q_UNUSED(ordered);
    return table()[static_cast<std::size_t>(key)];
}

// `value` brought into what `d` allows.
QVariant normalized(const Declared& d, const QVariant& value, const QVariant& fallback) {
    switch (d.type) {
    case QMetaType::Double: {
        bool ok = false;
        const double v = value.toDouble(&ok);
        return ok ? (d.low < d.high ? std::clamp(v, d.low, d.high) : v) : fallback;
    }
    case QMetaType::Int: {
        bool ok = false;
        const qlonglong v = value.toLongLong(&ok);
        if (!ok) {
            return fallback;
        }
        return d.low < d.high ? static_cast<int>(std::clamp<qlonglong>(v, static_cast<qlonglong>(d.low),
                                                                       static_cast<qlonglong>(d.high)))
                              : static_cast<int>(v);
    }
    case QMetaType::Bool:
        return value.typeId() == QMetaType::QString ? QVariant(value.toString() == QLatin1String("true"))
                                                    : QVariant(value.toBool());
    default: {
        const QString s = value.toString();
        return d.choices.isEmpty() || d.choices.contains(s) ? QVariant(s) : fallback;
    }
    }
}

void keepPrivate(const QString& path) { QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner); }

}  // namespace

Settings::Settings(const QString& dataDir, QObject* parent) : QObject(parent), m_dataDir(dataDir) {
    QFile file(secretsPath());
    if (file.open(QIODevice::ReadOnly)) {
        m_secrets = QJsonDocument::fromJson(file.readAll()).object();
    }
    migrate();
}

QString Settings::keyName(Key key) { return QString::fromLatin1(declared(key).name); }

QVariant Settings::defaultValue(Key key) const {
    if (key == Key::ModelsFolder) {
        return QDir(m_dataDir).filePath(QStringLiteral("models"));
    }
    if (key == Key::HubEndpoint) {
        return hubDefaultEndpoint(hubSource());
    }
    return declared(key).fallback;
}

QVariant Settings::value(Key key) const {
    const QSettings s;
    const QVariant fallback = defaultValue(key);
    const QVariant stored = s.value(keyName(key));
    return stored.isValid() ? normalized(declared(key), stored, fallback) : fallback;
}

void Settings::set(Key key, const QVariant& v) {
    const QVariant next = normalized(declared(key), v, defaultValue(key));
    if (next == value(key) && QSettings().contains(keyName(key))) {
        return;
    }
    QSettings().setValue(keyName(key), next);
    Q_EMIT valueChanged(key);
    Q_EMIT changed();
}

void Settings::setTemperature(double v) {
    set(Key::TemperatureSetByUser, true);
    set(Key::Temperature, v);
}

void Settings::adviseTemperature(double v) {
    if (!value(Key::TemperatureSetByUser).toBool()) {
        set(Key::Temperature, v);
    }
}

void Settings::setServerHost(const QString& v) {
    if (!v.trimmed().isEmpty()) {
        set(Key::ServerHost, v.trimmed());
    }
}

void Settings::setServerPort(int v) {
    if (v >= 0 && v <= 65535) {
        set(Key::ServerPort, v);
    }
}

QString Settings::hubDefaultEndpoint(const QString& source) {
    return source == QLatin1String("modelscope") ? QStringLiteral("https://modelscope.cn")
                                                 : QStringLiteral("https://huggingface.co");
}

void Settings::setHubSource(const QString& v) {
    const QString before = hubSource();
    const QString endpoint = hubEndpoint();
    set(Key::HubSource, v);
    // The endpoint follows the source unless the user had set a mirror of their own.
    if (endpoint == hubDefaultEndpoint(before)) {
        QSettings().remove(keyName(Key::HubEndpoint));
    }
    if (hubSource() != before) {
        Q_EMIT valueChanged(Key::HubEndpoint);
    }
}

void Settings::setHubEndpoint(const QString& v) {
    QString e = v.trimmed();
    while (e.endsWith(QLatin1Char('/'))) {
        e.chop(1);
    }
    if (e.isEmpty() || e == hubDefaultEndpoint(hubSource())) {
        if (QSettings().contains(keyName(Key::HubEndpoint))) {
            QSettings().remove(keyName(Key::HubEndpoint));
            Q_EMIT valueChanged(Key::HubEndpoint);
            Q_EMIT changed();
        }
        return;
    }
    set(Key::HubEndpoint, e);
}

void Settings::setHubToken(const QString& v) {
    set(Key::HubTokenHost, v.trimmed().isEmpty() ? QString() : QUrl(hubEndpoint()).host().toLower());
    setSecret(QStringLiteral("hub/token"), v.trimmed());
}

QString Settings::secretsPath() {
    // Beside the settings file and named after it (DeepDesk.conf: DeepDesk-secrets.json).
    const QFileInfo conf(QSettings().fileName());
    return conf.dir().filePath(conf.completeBaseName() + QStringLiteral("-secrets.json"));
}

QString Settings::secret(const QString& name) const { return m_secrets.value(name).toString(); }

void Settings::setSecret(const QString& name, const QString& value) {
    if (secret(name) == value && (m_secrets.contains(name) || value.isEmpty())) {
        return;
    }
    if (value.isEmpty()) {
        m_secrets.remove(name);
    } else {
        m_secrets.insert(name, value);
    }
    writeSecrets();
    Q_EMIT secretChanged(name);
    Q_EMIT changed();
}

void Settings::writeSecrets() {
    QDir().mkpath(QFileInfo(secretsPath()).path());
    QSaveFile file(secretsPath());
    if (!file.open(QIODevice::WriteOnly)) {
        qWarning("deepdesk: could not write %s: %s", qPrintable(secretsPath()), qPrintable(file.errorString()));
        return;
    }
#ifdef __unix__
    ::fchmod(file.handle(), S_IRUSR | S_IWUSR);  // owner-only before a byte is written
#endif
    file.write(QJsonDocument(m_secrets).toJson(QJsonDocument::Indented));
    if (!file.commit()) {
        qWarning("deepdesk: could not write %s: %s", qPrintable(secretsPath()), qPrintable(file.errorString()));
    }
    keepPrivate(secretsPath());
}

QVariantList Settings::providers() const {
    QSettings s;
    QVariantList out;
    for (const QString& id : s.value(QStringLiteral("providers/ids")).toStringList()) {
        s.beginGroup(QStringLiteral("providers/") + id);
        out.append(QVariantMap{{QStringLiteral("id"), id},
                               {QStringLiteral("name"), s.value(QStringLiteral("name"))},
                               {QStringLiteral("preset"), s.value(QStringLiteral("preset"))},
                               {QStringLiteral("baseUrl"), s.value(QStringLiteral("baseUrl"))},
                               {QStringLiteral("models"), s.value(QStringLiteral("models")).toStringList()}});
        s.endGroup();
    }
    return out;
}

void Settings::setProviders(const QVariantList& providers) {
    QSettings s;
    s.remove(QStringLiteral("providers"));
    QStringList ids;
    for (const QVariant& v : providers) {
        const QVariantMap p = v.toMap();
        const QString id = p.value(QStringLiteral("id")).toString();
        ids << id;
        s.beginGroup(QStringLiteral("providers/") + id);
        for (const char* field : {"name", "preset", "baseUrl", "models"}) {
            s.setValue(QLatin1String(field), p.value(QLatin1String(field)));
        }
        s.endGroup();
    }
    s.setValue(QStringLiteral("providers/ids"), ids);
    Q_EMIT changed();
}

QVariantList Settings::mcpServers() const {
    QSettings s;
    QVariantList out;
    for (const QString& id : s.value(QStringLiteral("mcp/ids")).toStringList()) {
        s.beginGroup(QStringLiteral("mcp/") + id);
        out.append(QVariantMap{{QStringLiteral("id"), id},
                               {QStringLiteral("name"), s.value(QStringLiteral("name"))},
                               {QStringLiteral("transport"), s.value(QStringLiteral("transport"))},
                               {QStringLiteral("command"), s.value(QStringLiteral("command"))},
                               {QStringLiteral("url"), s.value(QStringLiteral("url"))},
                               {QStringLiteral("enabled"), s.value(QStringLiteral("enabled"), true)}});
        s.endGroup();
    }
    return out;
}

void Settings::setMcpServers(const QVariantList& servers) {
    QSettings s;
    const QStringList allowed = alwaysAllowedTools();
    s.remove(QStringLiteral("mcp"));
    QStringList ids;
    for (const QVariant& v : servers) {
        const QVariantMap p = v.toMap();
        const QString id = p.value(QStringLiteral("id")).toString();
        ids << id;
        s.beginGroup(QStringLiteral("mcp/") + id);
        for (const char* field : {"name", "transport", "command", "url", "enabled"}) {
            s.setValue(QLatin1String(field), p.value(QLatin1String(field)));
        }
        s.endGroup();
    }
    s.setValue(QStringLiteral("mcp/ids"), ids);
    s.setValue(QStringLiteral("mcp/alwaysAllowed"), allowed);
    Q_EMIT changed();
}

QStringList Settings::alwaysAllowedTools() const {
    return QSettings().value(QStringLiteral("mcp/alwaysAllowed")).toStringList();
}

void Settings::setAlwaysAllowedTools(const QStringList& tools) {
    QSettings().setValue(QStringLiteral("mcp/alwaysAllowed"), tools);
    Q_EMIT changed();
}

void Settings::migrate() {
    QSettings s;
    bool secretsMoved = false;
    const auto moveSecret = [&](const QString& from, const QString& to) {
        if (s.contains(from)) {
            const QString v = s.value(from).toString();
            if (!v.isEmpty() && !m_secrets.contains(to)) {
                m_secrets.insert(to, v);
            }
            s.remove(from);
            secretsMoved = true;
        }
    };
    // Keys of earlier versions. "models/source" had two meanings: the chat's local or remote, and
    // the Models page's hub; each now has its own key.
    if (s.contains(QStringLiteral("models/source"))) {
        const QString old = s.value(QStringLiteral("models/source")).toString();
        const Key to =
            old == QLatin1String("local") || old == QLatin1String("remote") ? Key::ChatSource : Key::HubSource;
        if (!s.contains(keyName(to))) {
            s.setValue(keyName(to), old);
        }
        s.remove(QStringLiteral("models/source"));
    }
    for (const auto& [from, to] :
         {std::pair{"models/remoteProvider", Key::RemoteProvider}, std::pair{"models/remoteModel", Key::RemoteModel},
          std::pair{"models/endpoint", Key::HubEndpoint}}) {
        if (s.contains(QLatin1String(from))) {
            if (!s.contains(keyName(to))) {
                s.setValue(keyName(to), s.value(QLatin1String(from)));
            }
            s.remove(QLatin1String(from));
        }
    }
    moveSecret(QStringLiteral("server/apiKey"), QStringLiteral("server/apiKey"));
    if (s.contains(QStringLiteral("models/token")) && !s.contains(keyName(Key::HubTokenHost))) {
        // Entered for the endpoint of then, which the keys above have carried over.
        const QString endpoint = s.value(keyName(Key::HubEndpoint)).toString();
        const QString source = s.value(keyName(Key::HubSource)).toString();
        s.setValue(keyName(Key::HubTokenHost),
                   QUrl(endpoint.isEmpty() ? hubDefaultEndpoint(source) : endpoint).host().toLower());
    }
    moveSecret(QStringLiteral("models/token"), QStringLiteral("hub/token"));
    for (const QString& id : s.value(QStringLiteral("providers/ids")).toStringList()) {
        const QString key = QStringLiteral("providers/%1/apiKey").arg(id);
        moveSecret(key, key);
    }
    if (secretsMoved) {
        s.sync();
        writeSecrets();
    }
}

}  // namespace deepdesk::app
